"""autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp against PyTorch and by hand."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import functional as F

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

A = np.random.default_rng(0).standard_normal((3, 3))
X = np.array([0.3, -0.2, 0.5])
Y = np.array([1.0, 2.0])


def scalar_f(m):
    a = m.tensor(A)
    return lambda x: (m.tanh(a @ x) ** 2).sum()


def vector_f(m):
    return lambda x, y: (x.exp() * x.sum(), (x[:2] * y).sin())


def _np(x):
    if isinstance(x, tuple):
        return tuple(_np(t) for t in x)
    return x.detach().numpy()


def _compare(ours, theirs):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _compare(o, t)
    else:
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-10, atol=1e-12)


CALLS = {
    "vjp": lambda m, F: F.vjp(vector_f(m), (m.tensor(X), m.tensor(Y)), (m.tensor(X) * 0 + 1, m.tensor(Y))),
    "jvp": lambda m, F: F.jvp(vector_f(m), (m.tensor(X), m.tensor(Y)), (m.tensor(X), m.tensor(Y) * 2)),
    "jacobian": lambda m, F: F.jacobian(vector_f(m), (m.tensor(X), m.tensor(Y))),
    "jacobian_single": lambda m, F: F.jacobian(lambda x: x.exp() * x.sum(), m.tensor(X)),
    "jacobian_forward": lambda m, F: F.jacobian(
        lambda x: x.exp() * x.sum(), m.tensor(X), vectorize=True, strategy="forward-mode"
    ),
    "hessian": lambda m, F: F.hessian(scalar_f(m), m.tensor(X)),
    "hessian_tuple": lambda m, F: F.hessian(lambda x, y: (x[:2] * y).prod() + (x**3).sum(), (m.tensor(X), m.tensor(Y))),
    "vhp": lambda m, F: F.vhp(scalar_f(m), m.tensor(X), m.tensor(Y[:1].repeat(3))),
    "hvp": lambda m, F: F.hvp(scalar_f(m), m.tensor(X), m.tensor(X)),
}


@needs_torch
@pytest.mark.parametrize("name", list(CALLS))
def test_functional_matches_pytorch(name):
    ours = CALLS[name](rg, F)
    theirs = CALLS[name](torch, torch.autograd.functional)
    _compare(ours, theirs)


def test_hessian_analytic():
    H = F.hessian(scalar_f(rg), rg.tensor(X))
    a = A
    t = np.tanh(a @ X)
    # d²/dx² Σ tanh²(Ax) = Aᵀ diag(2(1-t²)(1-3t²)) A
    expected = a.T @ np.diag(2 * (1 - t**2) * (1 - 3 * t**2)) @ a
    np.testing.assert_allclose(H.numpy(), expected, rtol=1e-10)
    assert not H.requires_grad


def test_create_graph_and_strict():
    x = rg.tensor(X, requires_grad=True)
    _, g = F.vjp(lambda t: (t**3).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = rg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 6 * X)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        F.jacobian(lambda a, b: a * 2, (rg.tensor(X), rg.tensor(Y)), strict=True)
    J = F.jacobian(lambda a, b: a * 2, (rg.tensor(X), rg.tensor(Y)))
    assert J[1].shape == (3, 2) and not J[1].numpy().any()


def test_errors():
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        F.jacobian(lambda a: a, [rg.tensor(X)])
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.vjp(lambda a: a * 2, rg.tensor(X))
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        F.jacobian(lambda a: a, rg.tensor(X), strategy="forward-mode")
