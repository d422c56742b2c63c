"""Higher derivatives of fused primitives: differentiate the same computation composed from tensor ops.

A fused primitive's first-order backward runs in array code, which records nothing. When the
backward must itself be recorded (`create_graph=True`, forward-mode AD) or runs on batched
gradients (vmap), its rule calls `differentiate` on the composed form instead: the gradients
then come from tensor ops, so every order of derivative is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...engine.backward import grad
from ...engine.grad_mode import enable_grad, state
from ...tensor import Tensor


def recorded(g: Any) -> bool:
    """Whether a rule must record its work: gradients are being recorded, or `g` is batched."""
    if state.enabled:
        return True
    first = g[0] if isinstance(g, tuple) else g
    return type(first) is not Tensor


def differentiate(composed: Callable[..., Any], inputs: Sequence[Tensor], grads: Any) -> tuple:
    """The vector-Jacobian product of `composed(*inputs)` with `grads`, recorded, one entry per input.

    Inputs that are not floating point (masks, indices) get None.
    """
    # a batched first-order backward runs with grad mode off: the composed form is recorded anyway,
    # and its gradients leave without their graph
    keep_graph = state.enabled
    with enable_grad():
        # each input enters through its own alias: a gradient w.r.t. the input itself would also count
        # the paths through the other inputs made from it (sdpa(q, 2 * q, q + 1)'s k and v)
        leaves = [
            t.view_as(t) if t.requires_grad else t.detach()._set_requires_grad() if t.is_floating_point() else t
            for t in inputs
        ]
        wanted = [t for t in leaves if t.is_floating_point()]
        outs = composed(*leaves)
        gradients = grad(outs, wanted, grads, create_graph=True, allow_unused=True)
    if not keep_graph:
        gradients = tuple(None if g is None else g.detach() for g in gradients)
    with_grads = iter(gradients)
    return tuple(next(with_grads) if t.is_floating_point() else None for t in leaves)
