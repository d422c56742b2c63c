"""Nested transforms over different arguments (a Lagrangian's mixed partials, ∂/∂q ∂L/∂q̇): the
inner transform keeps its graph for the outer one, and what reaches the caller is a plain tensor
unless something the caller holds requires grad."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import func as rf

try:
    import torch
except ImportError:  # pragma: no cover - PyTorch is optional
    torch = None

Q, QD = np.array([1.0, 2.0]), np.array([0.5, 0.3])


def _lagrangian(m, w=None):
    def L(q, qd):
        kinetic = qd**2 if w is None else w * qd**2
        return (kinetic * m.cos(q)).sum()

    return L


def _mixed_partials(m, fn, w=None):
    """{name: ∂²L/∂q∂q̇ by one composition} at (Q, QD)."""
    L = _lagrangian(m, w)
    q, qd = m.tensor(Q), m.tensor(QD)
    return {
        "jacrev_jacrev": fn.jacrev(fn.jacrev(L, argnums=1), argnums=0)(q, qd),
        "jacfwd_jacrev": fn.jacfwd(fn.jacrev(L, argnums=1), argnums=0)(q, qd),
        "jacrev_jacfwd": fn.jacrev(fn.jacfwd(L, argnums=1), argnums=0)(q, qd),
        "grad_grad": fn.grad(lambda a, b: fn.grad(L, argnums=1)(a, b).sum(), argnums=0)(q, qd),
        "vmap_jacrev_jacrev": fn.vmap(fn.jacrev(fn.jacrev(L, argnums=1), argnums=0))(q.expand(3, 2), qd.expand(3, 2)),
    }


def test_mixed_partials_over_other_arguments_are_plain_tensors():
    # the inner transform's own leaf for q̇ is no tensor the caller could differentiate
    for name, r in _mixed_partials(rg, rf).items():
        assert not r.requires_grad and r.grad_fn is None, name
    expected = np.diag(-2 * QD * np.sin(Q))  # ∂/∂q_i (2 q̇_j cos q_j) = -2 q̇_i sin q_i δ_ij
    np.testing.assert_allclose(_mixed_partials(rg, rf)["jacrev_jacrev"].numpy(), expected)


def test_mixed_partials_keep_the_graph_to_a_closed_over_tensor():
    w = rg.tensor([2.0, 3.0], requires_grad=True)
    for name, r in _mixed_partials(rg, rf, w).items():
        assert r.requires_grad, name
        (gw,) = rg.autograd.grad(r.sum(), w)
        scale = 3 if name.startswith("vmap") else 1
        np.testing.assert_allclose(gw.numpy(), -2 * QD * np.sin(Q) * scale, err_msg=name)


@pytest.mark.parametrize("closure", [False, True])
def test_mixed_partials_requires_grad_vs_torch(closure):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    ours_w = rg.tensor([2.0, 3.0], requires_grad=True) if closure else None
    theirs_w = torch.tensor([2.0, 3.0], requires_grad=True) if closure else None
    ours, theirs = _mixed_partials(rg, rf, ours_w), _mixed_partials(torch, torch.func, theirs_w)
    for name in ours:
        assert ours[name].requires_grad == theirs[name].requires_grad, name
        np.testing.assert_allclose(ours[name].detach().numpy(), theirs[name].detach().numpy(), err_msg=name)
