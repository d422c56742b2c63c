"""Matrix products with sparse COO operands beyond sparse @ dense: dense @ sparse (MmBackward0;
torch.sparse.mm's TransposeBackward0) and sparse @ sparse (a coalesced sparse result), with their
gradients and PyTorch's checks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.ops.sparse import arithmetic

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
    monkeypatch.setattr(arithmetic, "_beta_warned", False)
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
