"""Elementwise functions with f(0) = 0 on sparse COO tensors (ops/sparse/valuewise.py): the op on
the coalesced values, the pattern kept; the others keep PyTorch's missing-kernel error."""

from __future__ import annotations

import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

I, V = [[1, 0, 1], [0, 1, 0]], [-1.0, 2.0, -3.0]  # (1, 0) twice: -4 once coalesced


def _s(m, values=V, indices=I, shape=(2, 2)):
    return m.sparse_coo_tensor(m.tensor(indices), m.tensor(values), shape, check_invariants=True)


def _entries(t):
    return t._indices().tolist(), t._values().tolist(), t.is_coalesced()


def test_functions_run_on_the_coalesced_values():
    s = _s(rg)
    assert _entries(s.abs()) == ([[0, 1], [1, 0]], [2.0, 4.0], True)
    assert _entries(s.pow(2)) == _entries(s**2) == _entries(s.square()) == ([[0, 1], [1, 0]], [4.0, 16.0], True)
    assert _entries(rg.nn.functional.relu(s))[1] == [2.0, 0.0]
    assert _entries(s.sign())[1] == [1.0, -1.0]
    assert _entries(s.pow(-1))[1] == [0.5, -0.25]
    hybrid = _s(rg, [[1.0, -2.0], [3.0, 4.0], [-5.0, 6.0]], shape=(2, 2, 2))
    assert _entries(hybrid.abs())[1] == [[3.0, 4.0], [4.0, 4.0]]  # (0, 1) = [3, 4]; (1, 0) = [1 - 5, -2 + 6]
    assert _s(rg, [1, -2, 3]).abs().dtype is rg.int64


def test_refusals():
    s = _s(rg)
    with pytest.raises(RuntimeError, match="cannot raise to zeroth power on sparse tensor"):
        s.pow(0)
    for op in (lambda: s.exp(), lambda: s.cos(), lambda: 2**s, lambda: s.sigmoid()):
        with pytest.raises(NotImplementedError, match="with arguments from the 'SparseCPU' backend"):
            op()


def test_gradients_in_float64():
    idx = rg.tensor(I)

    def f(x):
        s = rg.sparse_coo_tensor(idx, x, (2, 2))
        return (s.abs() * 2 + s.pow(3) + s.tanh()).to_dense(masked_grad=False)

    x = rg.tensor([-1.0, 2.0, -3.5], dtype=rg.float64, requires_grad=True)
    assert gradcheck(f, (x,)) and gradgradcheck(f, (x,))


def _run(m):
    s = _s(m)
    names = ("abs", "sqrt", "tanh", "sin", "log1p", "floor", "erf")
    out = {name: repr(_entries(getattr(s, name)())) for name in names}  # (repr: nan equals nan)
    x = m.tensor(V, requires_grad=True)
    t = m.sparse_coo_tensor(m.tensor(I), x, (2, 2))
    ((t.abs() * 2 + t.pow(2)).to_dense() * m.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    return out, x.grad.tolist()


@needs_torch
@pytest.mark.pytorch
def test_functions_match_pytorch():
    assert _run(rg) == _run(torch)
