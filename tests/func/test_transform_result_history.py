"""What a transform hands back keeps its history tensor by tensor, as PyTorch unwraps each one:
an output, aux value, gradient or tangent keeps a graph only when it depends on something the
caller can differentiate (an input that requires grad, a tensor the function closes over).
A sliced-score-matching program's `vjp(energy, x, has_aux=True)` over a network's parameters
hands back its aux statistics as plain tensors."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import func as rf

try:
    import torch
except ImportError:  # pragma: no cover - PyTorch is optional
    torch = None


def _results(m, fn):
    """{name: tensor handed back by a transform}, with `w` a closure tensor that requires grad."""
    x = m.ones(3)
    w = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    xr = m.ones(3, requires_grad=True)
    out, vjp_fn, aux = fn.vjp(lambda z: ((z * w).sin(), z.sum()), x, has_aux=True)
    _, _, aux_w = fn.vjp(lambda z: (z.sin(), (z * w).sum()), x, has_aux=True)
    (plain, graphed), _ = fn.vjp(lambda z: (z.sin(), z * w), x)
    _, free_fn = fn.vjp(lambda z: z.sin() + w * w, x)
    g_aux, aux_g = fn.grad(lambda z: ((z * w).sum(), z * 3), has_aux=True)(x)
    _, tangent = fn.jvp(lambda z: z.sin() + w, (x,), (x,))
    with m.no_grad():
        under_no_grad = fn.grad(lambda z: (z.sin() * w).sum())(xr)
    return {
        "vjp_out": out,
        "vjp_aux_without_closure": aux,
        "vjp_aux_with_closure": aux_w,
        "vjp_output_without_closure": plain,
        "vjp_output_with_closure": graphed,
        "vjp_fn_result_constant_in_w": free_fn(m.ones(3))[0],
        "vjp_fn_result_with_closure": vjp_fn(m.ones(3))[0],
        "grad_with_closure": g_aux,
        "grad_aux_without_closure": aux_g,
        "grad_constant_in_w": fn.grad(lambda z: z.sin().sum() + (w * w).sum())(x),
        "grad_of_input_that_requires_grad": fn.grad(lambda z: z.sin().sum())(xr),
        "jvp_tangent_constant_in_w": tangent,
        "grad_under_no_grad": under_no_grad,
        "vmap_grad_aux": rf.vmap(fn.grad(lambda z: ((z * w).sum(), z * 3), has_aux=True))(m.ones(2, 3))[1]
        if m is rg
        else torch.func.vmap(fn.grad(lambda z: ((z * w).sum(), z * 3), has_aux=True))(m.ones(2, 3))[1],
    }


KEEPS_GRAPH = {
    "vjp_out",
    "vjp_aux_with_closure",
    "vjp_output_with_closure",
    "vjp_fn_result_with_closure",
    "grad_with_closure",
    "grad_of_input_that_requires_grad",
}


def test_each_result_keeps_history_only_towards_what_the_caller_can_differentiate():
    results = _results(rg, rf)
    for name, t in results.items():
        assert t.requires_grad == (name in KEEPS_GRAPH), name
        assert (t.grad_fn is not None) == (name in KEEPS_GRAPH), name
    np.testing.assert_allclose(results["vjp_aux_without_closure"].item(), 3.0)
    np.testing.assert_allclose(results["grad_constant_in_w"].numpy(), np.cos(np.ones(3)))
    # d/dz (sin(z) w).sum() = cos(z) w, computed under no_grad from an input that requires grad
    np.testing.assert_allclose(results["grad_under_no_grad"].numpy(), np.cos(1.0) * np.array([1.0, 2.0, 3.0]))
    # the kept history still differentiates w.r.t. the closure tensor: d/dw (z w).sum() = z
    w = rg.tensor([1.0, 2.0], requires_grad=True)
    _, _, aux = rf.vjp(lambda z: (z.sin(), (z * w).sum()), rg.tensor([3.0, 4.0]), has_aux=True)
    np.testing.assert_allclose(rg.autograd.grad(aux, w)[0].numpy(), [3.0, 4.0])


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_result_history_vs_torch():
    ours, theirs = _results(rg, rf), _results(torch, torch.func)
    for name, t in theirs.items():
        assert ours[name].requires_grad == t.requires_grad, name
        assert (ours[name].grad_fn is None) == (t.grad_fn is None), name
        np.testing.assert_allclose(ours[name].detach().numpy(), t.detach().numpy(), rtol=1e-6, err_msg=name)
