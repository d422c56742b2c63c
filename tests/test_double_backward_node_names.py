"""Second derivatives of unary functions record PyTorch's nodes (what `g2.grad_fn` prints) and values."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

# each derivative is written as PyTorch's formula: a.pow(2) (not a * a, whose two uses end the
# second derivative in an AddBackward0) and a C++ Scalar's MulBackward1 for ln 2 / ln 10
NAMES = ["erf", "erfc", "asinh", "atanh", "exp2", "log2", "log10"]


def _first_and_second(m, name, dtype):
    x = m.tensor([0.3, -0.2, 0.5], dtype=dtype, requires_grad=True)
    (g1,) = m.autograd.grad(getattr(m, name)(x).sum(), x, create_graph=True)
    (g2,) = m.autograd.grad(g1.sum(), x, create_graph=True)
    return g1, g2


@pytest.mark.parametrize("name", NAMES)
def test_second_derivative_node_names(name):
    g1, g2 = _first_and_second(rg, name, rg.float64)
    expected = {"exp2": "MulBackward1", "log2": "MulBackward1", "log10": "MulBackward1"}.get(name, "MulBackward0")
    assert g2.grad_fn.name() == expected


@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_second_derivative_vs_torch(name, dtype):
    torch = pytest.importorskip("torch")
    ours = _first_and_second(rg, name, getattr(rg, dtype))
    theirs = _first_and_second(torch, name, getattr(torch, dtype))
    for a, b in zip(ours, theirs):
        assert a.grad_fn.name() == b.grad_fn.name()
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=2e-7 if dtype == "float32" else 1e-15)
