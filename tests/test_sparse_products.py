"""Matrix products with sparse COO operands beyond sparse @ dense: dense @ sparse (MmBackward0;
torch.sparse.mm's TransposeBackward0) and sparse @ sparse (a coalesced sparse result), with their
gradients and PyTorch's checks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.ops.sparse import invariants

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

I = [[0, 1, 1, 2, 0, 1], [1, 0, 2, 2, 0, 0]]  # (1, 0) twice


def _a(m, values=(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), dtype=None, indices=I):
    return m.sparse_coo_tensor(m.tensor(indices), m.tensor(list(values), dtype=dtype), (3, 3), check_invariants=True)


def test_sparse_times_sparse_is_coalesced():
    a = _a(rg)
    for c in (a @ a, rg.mm(a, a), rg.sparse.mm(a, a)):
        assert c.is_sparse and c.is_coalesced()
        assert c.to_dense().tolist() == (a.to_dense() @ a.to_dense()).tolist()
    assert type(rg.sparse.mm(a, a).grad_fn).__name__ == "NoneType"
    assert (a @ a)._indices().tolist() == [[0, 0, 0, 1, 1, 1, 2], [0, 1, 2, 0, 1, 2, 2]]


def test_dense_times_sparse():
    a, d = _a(rg), rg.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]], requires_grad=True)
    out = d @ a
    assert type(out.grad_fn).__name__ == "MmBackward0" and not out.is_sparse
    assert out.tolist() == (d @ a.to_dense()).tolist()
    assert type(rg.sparse.mm(d, a).grad_fn).__name__ == "TransposeBackward0"


def test_shape_checks():
    a = _a(rg)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(3x3 and 2x2\)"):
        rg.sparse.mm(a, rg.sparse_coo_tensor([[0], [0]], [1.0], (2, 2)))
    with pytest.raises(RuntimeError, match="addmm: Argument #3 \\(dense\\): Expected dim 0 size 3, got 2"):
        rg.ones(2, 2) @ a


def test_first_sparse_product_warns_once(monkeypatch):
    monkeypatch.setattr(invariants, "_beta_warned", False)  # (one flag for every compressed-layout warning)
    a = _a(rg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a @ a
        rg.sparse.mm(a, a)
    assert [str(w.message)[:45] for w in caught] == ["Sparse CSR tensor support is in beta state. I"]
    assert caught[0].filename == __file__


def test_gradients_in_float64():
    idx = rg.tensor(I)
    x = rg.rand(6, dtype=rg.float64, requires_grad=True)
    y = rg.rand(6, dtype=rg.float64, requires_grad=True)
    d = rg.rand(2, 3, dtype=rg.float64, requires_grad=True)

    def sparse_sparse(x, y):
        a, b = rg.sparse_coo_tensor(idx, x, (3, 3)), rg.sparse_coo_tensor(idx.flip(0), y, (3, 3))
        return (a @ b).to_dense(masked_grad=False)

    def dense_sparse(d, x):
        return (d @ rg.sparse_coo_tensor(idx, x, (3, 3))) ** 2

    def dense_sparse_mm(d, x):
        return rg.sparse.mm(d, rg.sparse_coo_tensor(idx, x, (3, 3))) ** 2

    assert gradcheck(sparse_sparse, (x, y))
    for f in (dense_sparse, dense_sparse_mm):
        assert gradcheck(f, (d, x)) and gradgradcheck(f, (d, x))


def _products(m):
    m.manual_seed(0)
    x, y = m.randn(6, requires_grad=True), m.randn(6, requires_grad=True)
    a, b = m.sparse_coo_tensor(m.tensor(I), x, (3, 3)), m.sparse_coo_tensor(m.tensor(I).flip(0), y, (3, 3))
    d = m.randn(2, 3, requires_grad=True)
    weights = m.arange(9.0).reshape(3, 3)
    got = {}
    for name, make in (("sparse.mm", lambda: m.sparse.mm(a, b)), ("@", lambda: a @ b)):
        c = make()
        x.grad = y.grad = None
        (c.to_dense() * weights).sum().backward(retain_graph=True)
        got[name] = (c._indices().tolist(), c._values().tolist(), x.grad.tolist(), y.grad.tolist())
    x.grad = None
    out = d @ a
    out.sum().backward(retain_graph=True)
    got["d@a"] = (out.tolist(), d.grad.tolist(), x.grad.tolist(), type(out.grad_fn).__name__)
    return got


@needs_torch
@pytest.mark.pytorch
def test_products_match_pytorch():
    ours, theirs = _products(rg), _products(torch)
    for key in ours:
        for mine, other in zip(ours[key], theirs[key]):
            if isinstance(mine, str) or key != "d@a" and mine is ours[key][0]:
                assert mine == other, key  # node names, the product's indices
            else:
                np.testing.assert_allclose(mine, other, rtol=1e-6, err_msg=key)


def test_addmm_with_a_sparse_operand():
    a = rg.sparse_coo_tensor([[0, 1, 1], [1, 0, 0]], [1.0, 2.0, 3.0], (2, 2), check_invariants=True)
    w = rg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    bias = rg.tensor([10.0, 20.0], requires_grad=True)
    out = rg.addmm(bias, a, w)
    assert type(out.grad_fn).__name__ == "AddmmBackward0" and out.tolist() == [[13.0, 24.0], [15.0, 30.0]]
    half = rg.sparse.addmm(bias.expand(2, 2), a, w, beta=0.5, alpha=2.0)
    assert type(half.grad_fn).__name__ == "SparseAddmmBackward0" and half.tolist() == [[11.0, 18.0], [15.0, 30.0]]
    assert rg.addmm(rg.full((2, 2), float("nan")), a, w, beta=0).tolist() == [[3.0, 4.0], [5.0, 10.0]]
    out.sum().backward()
    assert w.grad.tolist() == [[5.0, 5.0], [1.0, 1.0]] and bias.grad.tolist() == [2.0, 2.0]


def test_addmm_gradients_in_float64():
    idx = rg.tensor(I)
    c = rg.rand(3, dtype=rg.float64, requires_grad=True)
    x = rg.rand(6, dtype=rg.float64, requires_grad=True)
    d = rg.rand(3, 3, dtype=rg.float64, requires_grad=True)

    def f(c, x, d):
        return rg.addmm(c, rg.sparse_coo_tensor(idx, x, (3, 3)), d, beta=0.5, alpha=1.5) ** 2

    def g(c, x, d):
        return rg.sparse.addmm(c, rg.sparse_coo_tensor(idx, x, (3, 3)), d, alpha=-2.0) ** 2

    assert gradcheck(f, (c, x, d)) and gradgradcheck(f, (c, x, d))
    assert gradcheck(g, (c, x, d)) and gradgradcheck(g, (c, x, d))


def _addmm(m):
    m.manual_seed(0)
    x = m.randn(6, requires_grad=True)
    w, bias = m.randn(3, 4, requires_grad=True), m.randn(4, requires_grad=True)
    a = m.sparse_coo_tensor(m.tensor(I), x, (3, 3))
    out = m.addmm(bias, a, w, beta=0.5, alpha=2.0) + m.sparse.addmm(bias, a, w)
    out.pow(2).sum().backward()
    return out.tolist(), x.grad.tolist(), w.grad.tolist(), bias.grad.tolist()


@needs_torch
@pytest.mark.pytorch
def test_addmm_matches_pytorch():
    for ours, theirs in zip(_addmm(rg), _addmm(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)  # (float32 sums of several terms)


def _mm_reduce(m):
    """`torch.sparse.mm(csr, dense, reduce)` (PyTorch Geometric's `spmm(adj, x, reduce="mean")`):
    each reduction's values and its gradient to the dense operand, then PyTorch's errors."""
    a = m.sparse_coo_tensor(m.tensor([[0, 0, 2, 2], [0, 1, 1, 2]]), m.tensor([1.0, 2.0, 3.0, 4.0]), (3, 3))
    csr, out = a.to_sparse_csr(), []
    for reduce in ("sum", "mean", "amax", "amin", "max", "min"):
        b = m.arange(6.0).view(3, 2).requires_grad_()
        y = m.sparse.mm(csr, b, reduce)
        y.pow(2).sum().backward()
        out.append((reduce, y.tolist(), b.grad.tolist()))
    b = m.arange(6.0).view(3, 2)
    for call in (lambda: m.sparse.mm(a, b, "sum"), lambda: m.sparse.mm(a.to_sparse_csc(), b, "mean"),
                 lambda: m.sparse.mm(csr, b, "prod"), lambda: m.sparse.mm(csr, b.double(), "mean"),
                 lambda: m.sparse.mm(csr, b[:2], "mean")):  # fmt: skip
        with pytest.raises((RuntimeError, NotImplementedError)) as info:
            call()
        out.append((info.type.__name__, str(info.value).split(". ")[0]))
    return out


def test_mm_with_a_reduction():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = _mm_reduce(rg)
    assert out[:4] == [
        ("sum", [[4.0, 7.0], [0.0, 0.0], [22.0, 29.0]], [[8.0, 14.0], [148.0, 202.0], [176.0, 232.0]]),
        ("mean", [[2.0, 3.5], [0.0, 0.0], [11.0, 14.5]], [[2.0, 3.5], [37.0, 50.5], [44.0, 58.0]]),
        ("amax", [[4.0, 6.0], [0.0, 0.0], [16.0, 20.0]], [[0.0, 0.0], [16.0, 24.0], [128.0, 160.0]]),
        ("amin", [[0.0, 1.0], [0.0, 0.0], [6.0, 9.0]], [[0.0, 2.0], [36.0, 54.0], [0.0, 0.0]]),
    ]
    assert out[4][1:] == out[2][1:] and out[5][1:] == out[3][1:]  # "max", "min": amax, amin
    assert out[6][0] == "NotImplementedError"  # COO: PyTorch has no kernel
    assert out[7:] == [
        ("RuntimeError", "sparse_mm_reduce: expect self to be SparseCsr, got SparseCsc"),
        ("RuntimeError", "sparse_mm_reduce: reduce type of prod has not been enabled."),
        ("RuntimeError", "Expected tensor for argument #1 'other' to have scalar type Float; but got "
                         "torch.DoubleTensor instead (while checking arguments for sparse_mm_reduce)"),
        ("RuntimeError", "Expected a tensor of dimension 2 and tensor.size[0] == 3 but got: dimension 2 and "
                         "tensor.size[0] = 2"),
    ]  # fmt: skip


@needs_torch
def test_mm_with_a_reduction_matches_pytorch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _mm_reduce(rg) == _mm_reduce(torch)
