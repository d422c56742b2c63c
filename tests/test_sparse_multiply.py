"""Elementwise products of sparse COO tensors (ops/sparse/multiply.py): by dense tensors, by 0-d
tensors and by other sparse tensors, with PyTorch's entries, coalesced flags and gradients."""

from __future__ import annotations

import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


def _s(m, indices, values, dtype=None):
    return m.sparse_coo_tensor(m.tensor(indices), m.tensor(values, dtype=dtype), (2, 2), check_invariants=True)


def _entries(t):
    return t._indices().tolist(), t._values().tolist(), t.is_coalesced()


S = ([[1, 0, 1, 1], [0, 1, 0, 1]], [1.0, 2.0, 3.0, 4.0])  # (1, 0) twice: uncoalesced


def test_times_dense_scales_each_stored_entry():
    s = _s(rg, *S)
    d = rg.tensor([[1.0, 2.0], [3.0, 4.0]])
    for out in (s * d, d * s, s.mul(d), s * rg.tensor([[1, 2], [3, 4]])):
        assert _entries(out) == (S[0], [3.0, 4.0, 9.0, 16.0], False)
    assert _entries(s * rg.tensor([1.0, 2.0]))[1] == [1.0, 4.0, 3.0, 8.0]  # broadcast to s's shape
    assert _entries(s * rg.tensor(3.0))[1] == [3.0, 6.0, 9.0, 12.0]
    assert (s * d.double()).dtype is rg.float64
    s.mul_(d)
    assert _entries(s)[1] == [3.0, 4.0, 9.0, 16.0]


def test_times_sparse_probes_as_pytorch():
    a = _s(rg, [[1, 0, 1], [0, 1, 0]], [1.0, 2.0, 3.0])  # coalesced: (0, 1) = 2, (1, 0) = 4
    b = _s(rg, [[0, 1, 0], [0, 0, 1]], [10.0, 20.0, 30.0])
    assert _entries(a * b) == ([[0, 1, 0], [0, 0, 1]], [0.0, 80.0, 60.0], False)  # a tie: the second's entries
    assert _entries(b * a) == ([[1, 0, 1], [0, 1, 0]], [20.0, 60.0, 60.0], False)
    assert _entries(a.coalesce() * b)[0] == [[0, 1, 0], [0, 0, 1]]  # the uncoalesced one's entries
    both = a.coalesce() * b.coalesce()  # two coalesced: their intersection
    assert _entries(both) == ([[0, 1], [1, 0]], [60.0, 80.0], True)
    with pytest.raises(RuntimeError, match="expects sparse inputs with equal dimensionality"):
        a * rg.sparse_coo_tensor([[0]], [1.0], (3,))


def test_division_takes_numbers_and_zero_dim_tensors_only():
    s = _s(rg, *S)
    assert _entries(s / rg.tensor(2.0))[1] == [0.5, 1.0, 1.5, 2.0]
    with pytest.raises(RuntimeError, match=r"requires a scalar or zero-dim dense tensor divisor \(got shape \[2, 2\]"):
        s / rg.ones(2, 2)
    for bad in (lambda: s + 1, lambda: 1 + s, lambda: s - 1):
        with pytest.raises(RuntimeError, match=r"add\(sparse, dense\) is not supported"):
            bad()


def test_gradients_in_float64():
    idx = rg.tensor(S[0])
    d = rg.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=rg.float64)
    x = rg.tensor(S[1], dtype=rg.float64, requires_grad=True)
    y = rg.tensor([0.5, -1.0, 2.0], dtype=rg.float64, requires_grad=True)
    c = rg.tensor(1.5, dtype=rg.float64, requires_grad=True)

    def by_dense(x, c):
        return (rg.sparse_coo_tensor(idx, x, (2, 2)) * d / c).to_dense(masked_grad=False) ** 2

    def by_sparse(x, y):
        other = rg.sparse_coo_tensor(rg.tensor([[0, 1, 0], [0, 0, 1]]), y, (2, 2))
        return (rg.sparse_coo_tensor(idx, x, (2, 2)) * other).to_dense(masked_grad=False) ** 2

    assert gradcheck(by_dense, (x, c)) and gradgradcheck(by_dense, (x, c))
    assert gradcheck(by_sparse, (x, y))  # (its second order fails PyTorch's gradgradcheck too)


def test_to_dense_gradient_is_coalesced_and_a_stored_one_is_not():
    x = rg.tensor(S[1], requires_grad=True)
    s = rg.sparse_coo_tensor(rg.tensor(S[0]), x, (2, 2))
    seen = []
    s.register_hook(lambda g: seen.append(g.is_coalesced()))
    s.to_dense().sum().backward()
    assert seen == [True]
    leaf = rg.sparse_coo_tensor(rg.tensor(S[0]), rg.tensor(S[1]), (2, 2)).coalesce().requires_grad_()
    leaf.to_dense().sum().backward()
    assert leaf.grad._nnz() == 3 and not leaf.grad.is_coalesced()  # PyTorch's _sparse_coo_tensor_unsafe


def _cases(m):
    a = _s(m, [[1, 0, 1], [0, 1, 0]], [1.0, 2.0, 3.0])
    c = _s(m, [[0, 1, 0, 1], [0, 0, 1, 1]], [10.0, 20.0, 30.0, 40.0])
    u = _s(m, [[1, 0, 1, 1], [1, 0, 0, 1]], [1.0, 2.0, 3.0, 4.0])
    out = {"a*c": a * c, "c*a": c * a, "u*u": u * u, "ac*u": a.coalesce() * u, "u*ac": u * a.coalesce(),
           "cc*ac": c.coalesce() * a.coalesce(), "a*row": a * m.tensor([2.0, 3.0])}
    x = m.tensor(S[1], dtype=m.float64, requires_grad=True)
    y = m.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=m.float64, requires_grad=True)
    k = m.tensor(2.0, dtype=m.float64, requires_grad=True)
    ((m.sparse_coo_tensor(m.tensor(S[0]), x, (2, 2)) * y) / k).to_dense().pow(2).sum().backward()
    out["y.grad"] = y.grad
    return {key: _entries(t) for key, t in out.items()}, x.grad.tolist(), k.grad.item()


@needs_torch
@pytest.mark.pytorch
def test_products_match_pytorch():
    assert _cases(rg) == _cases(torch)
