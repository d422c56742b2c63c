"""Fused loss kernels: negative log-likelihood on class indices, binary cross-entropy.

nll takes class indices along the class dim `cdim` of an input (N, C, *) (or (C,)
with cdim 0). Per element, `wt` is the class weight of its target (0 where the
target is `ignore_index`); `denom` is Σ wt for 'mean' and 1 otherwise. With
one-hot targets Y:

    nll:  loss = -wt · x[t] / denom            d/dx = -Y · wt · g / denom
    bce:  loss = -w (t log x + (1-t) log(1-x)), logs clamped at -100 (as PyTorch), then reduced
          d/dx = w (x - t) / max(x(1-x), 1e-12),  d/dt = -w logit(x)   (g / n per element for 'mean')

cross_entropy is log_softmax followed by nll, as PyTorch records it. The nll rule
writes its (sparse) gradient straight into an array when gradients are not recorded.
"""

from __future__ import annotations

from typing import Any

from ...backend import namespace
from ...backend.compat import put_along_axis
from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..elementwise.pointwise import logit
from ..kernels.accumulate import wide_mean, wide_sum


def _reduce(xp: Any, elems: Any, reduction: str, denom: Any) -> Any:
    if reduction == "none":
        return elems
    total = elems.sum(dtype=elems.dtype)
    return total / denom if reduction == "mean" else total


def _picked(xp: Any, a: Any, idx: Any, cdim: int) -> Any:
    return xp.take_along_axis(a, xp.expand_dims(idx, cdim), axis=cdim).squeeze(cdim)


def _nll_forward(xp: Any, a: Any, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> Any:
    return _reduce(xp, -(wt * _picked(xp, a, idx, cdim)), reduction, denom)


def _coef(g: Tensor, wt: Any, cdim: int, reduction: str, denom: Any) -> Tensor:
    """g · wt / denom per element, with the class dim put back for broadcasting."""
    scale = wt / denom if reduction == "mean" else wt
    return (g * Tensor._make(namespace(wt).asarray(scale, dtype=wt.dtype))).unsqueeze(cdim)


def one_hot_of(idx: Any, shape: tuple, cdim: int, dtype: Any) -> Any:
    """A float array of `shape` with 1 at each target index along `cdim`."""
    y = namespace(idx).zeros(shape, dtype=dtype)
    put_along_axis(y, namespace(idx).expand_dims(idx, cdim), 1, axis=cdim)
    return y


def _nll_rule(g: Tensor, a_shape: tuple, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> Tensor:
    if not state.enabled and type(g) is Tensor:  # not recorded: put -g·wt/denom at the targets directly
        scale = wt / denom if reduction == "mean" else wt
        xp = namespace(wt)
        d = xp.zeros(a_shape, dtype=wt.dtype)
        picked = xp.broadcast_to(-(g._data * scale), idx.shape)
        put_along_axis(d, xp.expand_dims(idx, cdim), xp.expand_dims(picked, cdim), axis=cdim)
        return Tensor._make(d)
    y = one_hot_of(idx, a_shape, cdim, wt.dtype)
    return Tensor._make(-y) * _coef(g, wt, cdim, reduction, denom)


_nll = Primitive("nll_loss", _nll_forward, [_nll_rule], node_name="NllLossBackward0", quiet=True)
# PyTorch's kernel for (N, C, H, W) inputs (and for others seen as (N, C, 1, -1)): the same maths
_nll2d = Primitive("nll_loss2d", _nll_forward, [_nll_rule], node_name="NllLoss2DBackward0", quiet=True)


def nll(input: Tensor, idx: Any, wt: Any, cdim: int, reduction: str, two_d: bool = False) -> Tensor:
    """The fused nll kernel; `idx` holds valid class indices, `wt` the per-element weights.

    `two_d` records PyTorch's NllLoss2DBackward0 node (its kernel for 4-d inputs) instead of NllLossBackward0.
    """
    denom = wt.sum(dtype=wt.dtype) if reduction == "mean" else namespace(wt).asarray(1, dtype=wt.dtype)
    return (_nll2d if two_d else _nll)(input, idx=idx, wt=wt, cdim=cdim, reduction=reduction, denom=denom)


# --- binary cross-entropy --------------------------------------------------------------------


def _bce_forward(xp: Any, a: Any, t: Any, w: Any, reduction: str) -> Any:
    log_x = xp.maximum(xp.log(a), -100)
    log_1mx = xp.maximum(xp.log1p(-a), -100)
    out = (t - 1) * log_1mx - t * log_x
    out = out if w is None else out * w
    if reduction == "none":
        return out
    return wide_mean(out, tuple(range(out.ndim))) if reduction == "mean" else wide_sum(out)


def _weighted(x: Tensor, w: Any) -> Tensor:
    return x if w is None else x * Tensor._make(w)


def _spread(g: Tensor, reduction: str, n: int) -> Tensor:
    """The incoming gradient per element (divided by the count for 'mean')."""
    return g / n if reduction == "mean" else g


def _bce_input_rule(g: Tensor, a: Tensor, t: Tensor, w: Any, reduction: str) -> Tensor:
    return _weighted(_spread(g, reduction, a.numel()) * (a - t) / ((1 - a) * a).clamp_min(1e-12), w)


def _bce_target_rule(g: Tensor, a: Tensor, w: Any, reduction: str) -> Tensor:
    return _weighted(_spread(g, reduction, a.numel()) * -logit(a), w)


_bce = Primitive(
    "binary_cross_entropy",
    _bce_forward,
    [_bce_input_rule, _bce_target_rule],
    inputs=("a", "t"),
    quiet=True,
)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Any, reduction: str) -> Tensor:
    """Binary cross-entropy of probabilities `input` against `target`, reduced (weight: an array or None)."""
    return _bce(input, target, w=weight, reduction=reduction)
