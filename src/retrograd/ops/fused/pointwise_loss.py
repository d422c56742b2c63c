"""Pointwise losses that PyTorch records as one node each: mse, smooth_l1, huber, soft_margin, bce_with_logits.

Each is one primitive whose forward computes the elementwise loss and applies the
reduction ('none', 'mean' or 'sum'), so `loss.grad_fn` is PyTorch's node
(`MseLossBackward0`, ...). In the rules, `g` is spread over the elements and divided
by their number n for 'mean'. With d = a - b:

    mse:        d²                                  d/da = 2d
    smooth_l1:  ½d²/β where |d| < β, |d| - ½β else  d/da = d/β where |d| < β, sign(d) else
    huber:      ½d² where |d| < δ, δ(|d| - ½δ) else d/da = d where |d| < δ, δ·sign(d) else
                d/db = -d/da for these three
    soft_margin:      log(1 + e^(-t·a))                     d/da = -t·σ(-t·a)
    bce_with_logits:  w((1 - t)a - L·logσ(a)), L = 1 + (p - 1)t (p: pos_weight)
                      d/da = w((1 - t) - L·σ(-a)),  d/dt = -w(a + (p - 1)·logσ(a))

The rules use retrograd ops only, so second derivatives work. Targets of
soft_margin and the weights are constants (arrays), as in PyTorch, which cannot
differentiate them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..activation.smooth import log_sigmoid
from ..elementwise.arithmetic import div_number
from ..elementwise.clamp_where import where
from ..elementwise.pointwise import sigmoid
from ..kernels.accumulate import mean_of_sum, wide_sum
from ..kernels.arg_types import plain_number
from ..kernels.fused_multiply_add import float_step, scalar_tails
from ..kernels.select import select

__all__: list[str] = []  # nothing public: nn.functional wraps these with PyTorch's checks


def _reduce(elems: Any, reduction: str) -> Any:
    """'mean' and 'sum' as retrograd's mean and sum take them (PyTorch reduces these losses with them)."""
    if reduction == "none":
        return elems
    if reduction == "mean":
        return mean_of_sum(elems, tuple(range(elems.ndim)))
    return wide_sum(elems)


def _spread(g: Tensor, reduction: str, n: int) -> Tensor:
    """The incoming gradient per element: g itself ('none', 'sum') or g / n ('mean'), broadcast by the caller."""
    return g / n if reduction == "mean" else g


# --- losses of a difference d = a - b --------------------------------------------------------


# Each function of d takes the loss's parameter p (smooth_l1's β, huber's δ; unused by mse), so the
# three share one primitive factory whose rules read (g, a, b, reduction, p) by name.


def _mse_elems(xp: Any, d: Any, p: float) -> Any:
    return d * d


def _smooth_l1_elems(xp: Any, d: Any, beta: float) -> Any:
    z = xp.abs(d)
    return select(xp, z < beta, 0.5 * d * d / beta, z - 0.5 * beta)


def _huber_elems(xp: Any, d: Any, delta: float) -> Any:
    z = xp.abs(d)
    return select(xp, z < delta, 0.5 * d * d, delta * (z - 0.5 * delta))


def _mse_slope(g: Tensor, a: Tensor, b: Tensor, reduction: str, p: float) -> Tensor:
    return _spread(g, reduction, a.numel()) * (2 * (a - b))


def _smooth_l1_slope(g: Tensor, a: Tensor, b: Tensor, reduction: str, beta: float) -> Tensor:
    d = a - b
    return _spread(g, reduction, a.numel()) * where(d.abs() < beta, d / beta, d.sign())


def _huber_slope(g: Tensor, a: Tensor, b: Tensor, reduction: str, delta: float) -> Tensor:
    d = a - b
    return _spread(g, reduction, a.numel()) * where(d.abs() < delta, d, delta * d.sign())


# the second derivatives f''(d): 2; 1/β inside the quadratic part, else 0; 1 inside, else 0
def _mse_curvature(d: Tensor, p: float) -> Any:
    return 2


def _smooth_l1_curvature(d: Tensor, beta: float) -> Tensor:
    return where(d.abs() < beta, 1 / beta, 0.0)


def _huber_curvature(d: Tensor, delta: float) -> Tensor:
    return where(d.abs() < delta, 1.0, 0.0)


# The backwards on arrays in the order PyTorch's kernels round (PointwiseOpsKernel.cpp), with
# norm = 1/n for 'mean' (mse: 2/n) in the data's dtype: mse (norm·d)·g everywhere; smooth_l1 and
# huber have a vectorized form, norm·s·g with s = ±1 or d/β (±δ or d), and a scalar one for the
# last elements of each loop (`scalar_tails`), where β and δ stay doubles: ±norm·g or
# (norm·d·g)/β, ±(norm·g)·δ or norm·d·g.
def _mse_kernel(d: Any, g: Any, norm: Any, p: float) -> tuple:
    return (norm * d) * g, None


def _smooth_l1_kernel(d: Any, g: Any, norm: Any, beta: float) -> tuple:
    t, outside = d.dtype.type, abs(d) >= d.dtype.type(beta)
    vector = norm * np.where(outside, np.where(d > 0, t(1), t(-1)), d / t(beta)) * g
    ng, wide = norm * g, np.float64(beta)  # (the scalar code compares and divides in double)
    inside = (norm * d * g / wide).astype(d.dtype)
    return vector, np.where(d <= -wide, -ng, np.where(d >= wide, ng, inside))


def _huber_kernel(d: Any, g: Any, norm: Any, delta: float) -> tuple:
    t, outside = d.dtype.type, abs(d) >= d.dtype.type(delta)
    vector = norm * np.where(outside, np.where(d > 0, t(delta), -t(delta)), d) * g
    wide = np.float64(delta)  # (the scalar code compares and multiplies in double)
    edge = (norm * g * wide).astype(d.dtype)
    return vector, np.where(d <= -wide, -edge, np.where(d >= wide, edge, norm * d * g))


def _backward_array(kernel: Any, slope: Any, xp: Any, g: Any, a: Any, b: Any, reduction: str, p: float) -> Any:
    """The loss's backward as PyTorch's CPU kernel rounds it (same-dtype float32/float64 NumPy
    arrays a, b of one shape); otherwise from `slope`'s ops."""
    if not (xp is np and a.dtype == b.dtype == g.dtype and a.dtype in _FLOATS and a.shape == b.shape
            and np.shape(g) in ((), a.shape)):
        return slope(*(Tensor._make(t) for t in (g, a, b)), reduction, p)._data
    if a.size == 0:  # (an empty batch: an empty gradient, and no count to divide by)
        return np.zeros(a.shape, a.dtype)
    scale = (2.0 if kernel is _mse_kernel else 1.0) / (a.size if reduction == "mean" else 1)
    vector, scalar = kernel(a - b, g, a.dtype.type(scale), p)
    out = np.array(np.broadcast_to(vector, a.shape))
    if scalar is not None and a.flags.c_contiguous and b.flags.c_contiguous:
        flat, scalar = out.reshape(-1), np.broadcast_to(scalar, a.shape).reshape(-1)
        for tail in scalar_tails(a.size, float_step(a.dtype)):
            flat[tail] = scalar[tail]
    return out


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _difference_loss(name: str, node: str, elems: Any, slope: Any, curvature: Any, kernel: Any) -> Primitive:
    """The loss f(a - b), reduced, and its backward as one op, PyTorch's `<name>_backward(g, a, b)`: a
    create_graph gradient records `<Node>BackwardBackward0`. f' is odd, so d/db is the backward of
    (g, b, a). The backward is linear in g (its rule in g is itself); in a it is g·f''(d), spread."""

    def backward_or_composed(g: Tensor, a: Tensor, b: Tensor, reduction: str, p: float) -> Tensor:
        if type(g) is Tensor and type(a) is Tensor and type(b) is Tensor:
            return backward(g, a, b, reduction=reduction, p=p)
        return slope(g, a, b, reduction, p)  # a vmap batch: the same gradient from ops

    def curved(gg: Tensor, g: Tensor, a: Tensor, b: Tensor, reduction: str, p: float) -> Tensor:
        return gg * _spread(g, reduction, a.numel()) * curvature(a - b, p)

    backward: Primitive = Primitive(
        f"{name}_backward",
        lambda xp, g, a, b, reduction, p: _backward_array(kernel, slope, xp, g, a, b, reduction, p),
        [
            backward_or_composed,  # linear in g
            curved,
            lambda gg, g, a, b, reduction, p: -curved(gg, g, a, b, reduction, p),
        ],
        inputs=("g", "a", "b"), node_name=f"{node}BackwardBackward0", quiet=True,
    )
    return Primitive(
        name,
        lambda xp, a, b, reduction, p: _reduce(elems(xp, a - b, p), reduction),
        [
            backward_or_composed,
            lambda g, a, b, reduction, p: backward_or_composed(g, b, a, reduction, p),
        ],
        inputs=("a", "b"), node_name=f"{node}Backward0", quiet=True,
    )


_mse = _difference_loss("mse_loss", "MseLoss", _mse_elems, _mse_slope, _mse_curvature, _mse_kernel)
_smooth_l1 = _difference_loss(
    "smooth_l1_loss", "SmoothL1Loss", _smooth_l1_elems, _smooth_l1_slope, _smooth_l1_curvature, _smooth_l1_kernel
)
_huber = _difference_loss("huber_loss", "HuberLoss", _huber_elems, _huber_slope, _huber_curvature, _huber_kernel)


def mse_loss(input: Tensor, target: Tensor, reduction: str) -> Tensor:
    """`(input - target)²`, reduced; `input` and `target` have the same shape."""
    return _mse(input, target, reduction=reduction, p=0.0)


def smooth_l1_loss(input: Tensor, target: Tensor, reduction: str, beta: float) -> Tensor:
    """Smooth L1 of `input - target` (beta > 0), reduced; same shapes."""
    return _smooth_l1(input, target, reduction=reduction, p=plain_number(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str, delta: float) -> Tensor:
    """Huber loss of `input - target` (delta > 0), reduced; same shapes."""
    return _huber(input, target, reduction=reduction, p=plain_number(delta))


# --- margin and logit losses -----------------------------------------------------------------


def _soft_margin_slope(g: Tensor, a: Tensor, t: Any, reduction: str) -> Tensor:
    target = Tensor._make(t)
    return _spread(g, reduction, a.numel()) * (-target * sigmoid(-target * a))


_soft_margin = Primitive(
    "soft_margin_loss",
    lambda xp, a, t, reduction: _reduce(xp.log1p(xp.exp(-t * a)), reduction),
    [_soft_margin_slope],
    quiet=True,
)


def soft_margin_loss(input: Tensor, target: Tensor, reduction: str) -> Tensor:
    """`log(1 + exp(-target · input))`, reduced; `target` (±1, the input's dtype and shape) is a constant."""
    return _soft_margin(input, t=target._data, reduction=reduction)


def _bce_logits_elems(xp: Any, a: Any, t: Any, w: Any, p: Any) -> Any:
    # PyTorch builds the loss with in-place steps on `1 - t` (and on logσ(a) for pos_weight), so
    # each step computes in the promoted dtype and lands in the target's (the input's) dtype: a
    # float64 input with a float32 target gives a float32 loss.
    log_sig = -xp.logaddexp(0, -a)
    if p is not None:
        log_sig = (log_sig * ((p - 1) * t + 1)).astype(a.dtype, copy=False)
    out = ((1 - t) * a).astype(t.dtype, copy=False)
    out = (out - log_sig).astype(t.dtype, copy=False)
    return out if w is None else (out * w).astype(t.dtype, copy=False)


def _weighted(x: Tensor, w: Any) -> Tensor:
    return x if w is None else x * Tensor._make(w)


def _pytorch_scaled(slope: Tensor, g: Tensor, w: Any, reduction: str, n: int) -> Tensor:
    """PyTorch's order after the slope (so the bits and the create_graph nodes agree): times g, then w;
    'mean' divides last."""
    grad = _weighted(slope * g, w)
    return div_number.scalar(grad, n) if reduction == "mean" else grad


def _bce_logits_input(g: Tensor, a: Tensor, t: Tensor, w: Any, p: Any, reduction: str) -> Tensor:
    if p is None:  # σ(a) - t
        slope = sigmoid(a) - t
    else:  # L·σ(a) - p·t
        pt = Tensor._make(p) * t
        slope = (pt + 1 - t) * sigmoid(a) - pt
    return _pytorch_scaled(slope, g, w, reduction, a.numel())


def _bce_logits_target(g: Tensor, a: Tensor, w: Any, p: Any, reduction: str) -> Tensor:
    # -a, or logσ(-a) - p·logσ(a) (the same as -a - (p - 1)·logσ(a))
    slope = -a if p is None else log_sigmoid(-a) - log_sigmoid(a) * Tensor._make(p)
    return _pytorch_scaled(slope, g, w, reduction, a.numel())


_bce_logits = Primitive(
    "binary_cross_entropy_with_logits",
    lambda xp, a, t, w, p, reduction: _reduce(_bce_logits_elems(xp, a, t, w, p), reduction),
    [_bce_logits_input, _bce_logits_target],
    inputs=("a", "t"),
    quiet=True,
)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Tensor, weight: Tensor | None, pos_weight: Tensor | None, reduction: str
) -> Tensor:
    """Binary cross-entropy of logits in the target's dtype, reduced; `weight`, `pos_weight` (or None) are constants."""
    w, p = (None if c is None else c._data for c in (weight, pos_weight))
    return _bce_logits(input, target, w=w, p=p, reduction=reduction)

