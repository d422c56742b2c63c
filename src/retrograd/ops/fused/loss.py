"""Fused loss kernels: negative log-likelihood, cross-entropy on class indices, binary cross-entropy.

nll and cross-entropy take class indices along the class dim `cdim` of an input
(N, C, *) (or (C,) with cdim 0). Per element, `wt` is the class weight of its
target (0 where the target is `ignore_index`); `denom` is Σ wt for 'mean' and 1
otherwise. With one-hot targets Y:

    nll:           loss = -wt · x[t] / denom            d/dx = -Y · wt · g / denom
    cross-entropy: loss = wt · (lse(x) - x[t]) / denom  d/dx = (softmax(x) - Y) · wt · g / denom
    bce:           loss = -w (t log x + (1-t) log(1-x)), logs clamped at -100 (as PyTorch)
                   d/dx = w (x - t) / max(x(1-x), 1e-12),  d/dt = -w logit(x)

The cross-entropy rule reuses the forward's softmax when gradients are not
recorded, and recomputes it with `softmax` (differentiable) when they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..activation.along_dim import softmax
from ..elementwise.pointwise import logit


def _reduce(xp: Any, elems: Any, reduction: str, denom: Any) -> Any:
    if reduction == "none":
        return elems
    total = elems.sum(dtype=elems.dtype)
    return total / denom if reduction == "mean" else total


def _picked(xp: Any, a: Any, idx: Any, cdim: int) -> Any:
    return xp.take_along_axis(a, xp.expand_dims(idx, cdim), axis=cdim).squeeze(cdim)


def _nll_forward(xp: Any, a: Any, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> Any:
    return _reduce(xp, -(wt * _picked(xp, a, idx, cdim)), reduction, denom)


def _ce_forward(xp: Any, a: Any, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> tuple:
    shifted = a - a.max(axis=cdim, keepdims=True)
    e = xp.exp(shifted)
    total = e.sum(axis=cdim, keepdims=True)
    lse = xp.log(total).squeeze(cdim)
    elems = wt * (lse - _picked(xp, shifted, idx, cdim))
    return _reduce(xp, elems, reduction, denom), e / total


def _coef(g: Tensor, wt: Any, cdim: int, reduction: str, denom: Any) -> Tensor:
    """g · wt / denom per element, with the class dim put back for broadcasting."""
    scale = wt / denom if reduction == "mean" else wt
    return (g * Tensor._make(np.asarray(scale, dtype=wt.dtype))).unsqueeze(cdim)


def one_hot_of(idx: Any, shape: tuple, cdim: int, dtype: Any) -> Any:
    """A float array of `shape` with 1 at each target index along `cdim`."""
    y = np.zeros(shape, dtype=dtype)
    np.put_along_axis(y, np.expand_dims(idx, cdim), 1, axis=cdim)
    return y


def _nll_rule(g: Tensor, a_shape: tuple, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> Tensor:
    y = one_hot_of(idx, a_shape, cdim, wt.dtype)
    return Tensor._make(-y) * _coef(g, wt, cdim, reduction, denom)


def _ce_rule(g: Tensor, a: Tensor, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any, probs: Any) -> Tensor:
    coef = _coef(g, wt, cdim, reduction, denom)
    if state.enabled:  # recorded: softmax as an op, so higher derivatives see it
        return (softmax(a, cdim) - Tensor._make(one_hot_of(idx, a.shape, cdim, wt.dtype))) * coef
    d = probs.copy()
    key = np.expand_dims(idx, cdim)
    np.put_along_axis(d, key, np.take_along_axis(d, key, axis=cdim) - 1, axis=cdim)
    return Tensor._make(d) * coef


_nll = Primitive("nll_loss", _nll_forward, [_nll_rule], node_name="NllLossBackward0", quiet=True)
# PyTorch records log_softmax then nll_loss; the fused node takes the name of the last one.
_cross_entropy = Primitive(
    "cross_entropy", _ce_forward, [_ce_rule], node_name="NllLossBackward0", extras=("probs",), quiet=True
)


def nll(input: Tensor, idx: Any, wt: Any, cdim: int, reduction: str) -> Tensor:
    """The fused nll kernel; `idx` holds valid class indices, `wt` the per-element weights."""
    denom = wt.sum(dtype=wt.dtype) if reduction == "mean" else np.asarray(1, dtype=wt.dtype)
    return _nll(input, idx=idx, wt=wt, cdim=cdim, reduction=reduction, denom=denom)


def cross_entropy(input: Tensor, idx: Any, wt: Any, cdim: int, reduction: str) -> Tensor:
    """The fused log_softmax + nll kernel (arguments as for `nll`)."""
    denom = wt.sum(dtype=wt.dtype) if reduction == "mean" else np.asarray(1, dtype=wt.dtype)
    return _cross_entropy(input, idx=idx, wt=wt, cdim=cdim, reduction=reduction, denom=denom)


# --- binary cross-entropy --------------------------------------------------------------------


def _bce_forward(xp: Any, a: Any, t: Any, w: Any) -> Any:
    log_x = xp.maximum(xp.log(a), -100)
    log_1mx = xp.maximum(xp.log1p(-a), -100)
    out = (t - 1) * log_1mx - t * log_x
    return out if w is None else out * w


def _weighted(x: Tensor, w: Any) -> Tensor:
    return x if w is None else x * Tensor._make(w)


_bce = Primitive(
    "binary_cross_entropy",
    _bce_forward,
    [
        lambda g, a, t, w: _weighted(g * (a - t) / ((1 - a) * a).clamp_min(1e-12), w),
        lambda g, a, w: _weighted(-g * logit(a), w),
    ],
    inputs=("a", "t"),
    quiet=True,
)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Any) -> Tensor:
    """Elementwise binary cross-entropy of probabilities `input` against `target` (weight: an array or None)."""
    return _bce(input, target, w=weight)
