"""torch.nn.functional's losses, with `reduction` 'mean' / 'sum' / 'none' and PyTorch's checks.

The losses PyTorch computes as one op (mse, smooth_l1, huber, soft_margin,
binary_cross_entropy and its logits form) are one primitive each
(`retrograd.ops.fused.pointwise_loss`, `retrograd.ops.fused.loss`), so their
nodes carry PyTorch's names (`MseLossBackward0`, ...); the rest are composed of
ops as PyTorch composes them. The class-index losses live in `classification_loss.py`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ..._user_frames import frames_up
from ...dtypes import bfloat16, bool_, float16, promote_types
from ...engine.grad_mode import is_grad_enabled
from ...engine.numpy_errors import broadcast_mismatch
from ...engine.vmap_hook import whole
from ...ops import nn_support
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.elementwise.binary_math import xlogy
from ...ops.elementwise.clamp_where import where
from ...ops.fused import pointwise_loss as _pointwise
from ...ops.kernels.out_arg import CAST
from ...ops.reduction.sum_prod import sum as _sum
from ...tensor import Tensor
from .classification_loss import reduction_of
from .distance import pairwise_distance as _pairwise

__all__ = [
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "cosine_embedding_loss", "margin_ranking_loss",
    "triplet_margin_loss", "soft_margin_loss", "hinge_embedding_loss", "poisson_nll_loss", "gaussian_nll_loss",
]


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


def _size_warning(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape!r}) that is different to the input size ({input.shape!r}). This will "
            "likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=frames_up(4),  # the caller of mse_loss / l1_loss / ... (here, _pointwise_loss, the loss)
        )


def _constant(fn: str, arg: str, t: Tensor | None) -> None:
    """PyTorch's error for a tensor the loss cannot differentiate (a weight, a margin target) requiring grad."""
    if t is not None and t.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"The function '{fn}' is not differentiable with respect to argument '{arg}'. This input cannot have "
            "requires_grad True."
        )


def _pointwise_loss(name: str, input: Tensor, target: Tensor, reduction: str, weight: Tensor | None,
                    elementwise: Any, weighted_mean: bool = True, fused: Any = None) -> Tensor:
    """Shared body of mse/l1/huber: size warning, broadcast, optional weights, reduction.

    `fused(a, b, reduction)` is the loss's own primitive, used (as PyTorch does) when there is no weight.
    """
    _size_warning(input, target)
    if not input.dtype.is_floating_point and not target.dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{input.dtype.kind_name}'")
    from ...ops.shape.broadcasting import broadcast_tensors

    a, b = broadcast_tensors(input, target)
    if fused is not None and weight is None:
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(f"{reduction} is not a valid value for reduction")
        dtype = _promoted(a, b)  # PyTorch's promotion (float32 with an int64 target stays float32), not NumPy's
        return fused(a if a.dtype == dtype else a.to(dtype), b if b.dtype == dtype else b.to(dtype), reduction)
    loss = elementwise(a, b)
    if weight is None:
        return _reduce(loss, reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    if reduction == "mean" and weighted_mean:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """`(input - target)²`, reduced; with `weight`, 'mean' is Σ w·e / Σ w.

    Args:
        input (Tensor): the predictions.
        target (Tensor): the targets; broadcasts with `input` (a warning if the shapes differ).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        weight (Tensor, optional): a weight for each element's squared error.

    Returns:
        Tensor: a 0-d tensor, or the squared errors with `reduction='none'`.

    Examples:
        >>> F.mse_loss(retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([1.0, 2.0, 6.0]))
        tensor(3.)
        >>> F.mse_loss(retrograd.tensor([1.0, 2.0]), retrograd.zeros(2), reduction="none")
        tensor([1., 4.])
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    reduction = reduction_of(size_average, reduce, reduction)
    return _pointwise_loss("mse_cpu", input, target, reduction, weight, lambda a, b: (a - b) ** 2,
                           fused=_pointwise.mse_loss)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """`|input - target|`, reduced; with `weight`, 'mean' is Σ w·e / Σ w.

    Args:
        input (Tensor): the predictions, floating, any shape.
        target (Tensor): the targets, `input`'s shape.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        weight (Tensor, optional): per-element weights; with 'mean' the result is Σ w·e / Σ w.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.l1_loss(retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([1.0, 4.0, 2.0]))
        tensor(1.)
        >>> F.l1_loss(retrograd.tensor([1.0, 2.0]), retrograd.zeros(2), reduction='none')
        tensor([1., 2.])
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    reduction = reduction_of(size_average, reduce, reduction)
    return _pointwise_loss("abs_cpu", input, target, reduction, weight, lambda a, b: (a - b).abs())


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """`0.5 d² / beta` where |d| < beta, `|d| - beta/2` elsewhere (l1 when beta = 0).

    Args:
        input (Tensor): the predictions, floating, any shape.
        target (Tensor): the targets, `input`'s shape.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        beta (float): where the loss turns from quadratic to linear; >= 0 (default 1).

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.smooth_l1_loss(retrograd.tensor([0.5, 3.0]), retrograd.zeros(2), reduction='none')
        tensor([0.1250, 2.5000])
        >>> F.smooth_l1_loss(retrograd.tensor([0.5, 3.0]), retrograd.zeros(2), beta=2.0)
        tensor(1.0312)
    """
    if _autocasting[0]:
        input, target = _float32(input, target)
    reduction = reduction_of(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:  # PyTorch's l1_loss then
        return _pointwise_loss("abs_cpu", input, target, reduction, None, lambda a, b: (a - b).abs())
    return _pointwise_loss("smooth_l1_cpu", input, target, reduction, None, None,
                           fused=lambda a, b, r: _pointwise.smooth_l1_loss(a, b, r, beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """`0.5 d²` where |d| < delta, `delta (|d| - delta/2)` elsewhere.

    Args:
        input (Tensor): the predictions, floating, any shape.
        target (Tensor): the targets, `input`'s shape.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        delta (float): where the loss turns from quadratic to linear; > 0 (default 1).
        weight (Tensor, optional): per-element weights, broadcast against `input`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.huber_loss(retrograd.tensor([0.5, 3.0]), retrograd.zeros(2), reduction='none', delta=2.0)
        tensor([0.1250, 4.0000])
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    reduction_of(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")

    return _pointwise_loss("huber_cpu", input, target, reduction, weight,
                           lambda a, b: _pointwise.huber_loss(a, b, "none", delta), weighted_mean=False,
                           fused=lambda a, b, r: _pointwise.huber_loss(a, b, r, delta))


# --- binary targets -----------------------------------------------------------------------------


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """`-w (t log x + (1-t) log(1-x))` for probabilities x; logs are clamped at -100, as in PyTorch.

    Args:
        input (Tensor): probabilities in [0, 1], any shape.
        target (Tensor): the targets, `input`'s shape.
        weight (Tensor, optional): a rescaling weight broadcast against the elements.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.binary_cross_entropy(retrograd.tensor([0.5, 0.9, 0.2]), retrograd.tensor([1.0, 1.0, 0.0]))
        tensor(0.3406)
        >>> F.binary_cross_entropy(retrograd.tensor([0.0]), retrograd.tensor([1.0]))
        tensor(100.)
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    reduction = reduction_of(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape!r}) that is different to the input size ({input.shape!r}) is "
            "deprecated. Please ensure they have the same size."
        )
    for name, t in (("input", input), ("target", target)):
        t = t.detach()
        if t.numel() and not whole(_all_probabilities, t):
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.kind_name} but expected {input.dtype.kind_name}")
    _constant("binary_cross_entropy", "weight", weight)
    w = None if weight is None else _expanded_weight(weight, tuple(target.shape)).to(input.dtype)
    return nn_support.binary_cross_entropy(input, target, w, reduction)


def _all_probabilities(t: Tensor) -> bool:
    return bool(((t >= 0) & (t <= 1)).all())


def _expanded_weight(weight: Tensor, shape: tuple) -> Tensor:
    """`weight` broadcast to `shape`, with the error torch.broadcast_shapes gives."""
    import numpy as np

    wshape = tuple(weight.shape)
    common = [1] * (len(wshape) - len(shape)) + list(shape)  # (the shapes' common rank, as it fills in)
    for i in range(1, len(wshape) + 1):
        n = wshape[-i]
        if n == 1 or n == common[-i]:
            continue
        if common[-i] != 1:
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {n} at -{i}! Mismatching argument at index 1 had "
                f"{weight.shape!r}; but expected shape should be broadcastable to {common}"
            )
        common[-i] = n
    both = np.broadcast_shapes(shape, wshape)
    if both != shape:  # (the loss is multiplied by it in place)
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(both)}")
    return weight.detach().expand(both)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """`(1 - t) x - (1 + (pos_weight - 1) t) log σ(x)`, times `weight`: stable for any logits x.

    Args:
        input (Tensor): logits, any shape.
        target (Tensor): targets in [0, 1], `input`'s shape.
        weight (Tensor, optional): a rescaling weight broadcast against the elements.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        pos_weight (Tensor, optional): a weight on the positive term, broadcast along the last (class) dim.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> x, t = retrograd.tensor([0.0, 2.0, -1.0]), retrograd.tensor([1.0, 1.0, 0.0])
        >>> F.binary_cross_entropy_with_logits(x, t)
        tensor(0.3778)
        >>> F.binary_cross_entropy_with_logits(x, t, pos_weight=retrograd.tensor([3.0]))
        tensor(0.9245)
    """
    if _autocasting[0]:
        input, target, weight, pos_weight = _float32(input, target, weight, pos_weight)
    reduction = reduction_of(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape!r}) must be the same as input size ({input.shape!r})")
    _check_bce_logits_target_dtype(input, target)
    _constant("binary_cross_entropy_with_logits", "weight", weight)
    _constant("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    _check_bce_logits_weights(tuple(input.shape), weight, pos_weight)
    w, p = (None if c is None else c.detach() for c in (weight, pos_weight))
    if input.dtype in (bfloat16, float16) and target.dtype != input.dtype:
        input = input.to(target.dtype)  # the loss has the target's dtype (a half node would round to the input's)
    return _pointwise.binary_cross_entropy_with_logits(input, target, w, p, reduction)


def _check_bce_logits_weights(shape: tuple, weight: Tensor | None, pos_weight: Tensor | None) -> None:
    """PyTorch's errors for weights that do not fit the loss: it forms `(pos_weight - 1) * target`
    (pos_weight first), then multiplies the loss (`shape`, the input's) by that and by `weight` in place."""
    for c, first in ((pos_weight, True), (weight, False)):
        if c is None:
            continue
        cshape = tuple(c.shape)
        if first:
            mismatch = broadcast_mismatch([cshape, shape])
            if mismatch is not None:
                raise mismatch
            cshape = _broadcast(cshape, shape)
        mismatch = broadcast_mismatch([shape, cshape])
        if mismatch is not None:
            raise mismatch
        both = _broadcast(shape, cshape)
        if both != shape:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(both)}")


def _broadcast(a: tuple, b: tuple) -> tuple:
    """The broadcast of two shapes that broadcast."""
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(y if x == 1 else x for x, y in zip(pa, pb))


def _check_bce_logits_target_dtype(input: Tensor, target: Tensor) -> None:
    """PyTorch builds the loss in a buffer `1 - target` and multiplies the logits into it in place, so a bool
    target fails that subtraction and an integer one the in-place cast (the loss takes the target's dtype)."""
    if target.dtype is bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    CAST.check("binary_cross_entropy_with_logits", promote_types(input.dtype, target.dtype), target.dtype)


def _promoted(a: Tensor, b: Tensor) -> Any:
    from ...dtypes import promote_types

    return promote_types(a.dtype, b.dtype)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """`t (log t - input)` (input holds log-probabilities); 'batchmean' divides the sum by the batch size.

    Args:
        input (Tensor): log-probabilities, any shape.
        target (Tensor): probabilities (log-probabilities with `log_target`), `input`'s shape.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default, over all elements), `'batchmean'` (the sum over the batch size: the true
            KL divergence), `'sum'` or `'none'`.
        log_target (bool): whether `target` holds log-probabilities (default False).

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> logq, p = retrograd.tensor([[0.25, 0.75]]).log(), retrograd.tensor([[0.5, 0.5]])
        >>> F.kl_div(logq, p, reduction='batchmean')
        tensor(0.1438)
        >>> F.kl_div(logq, p.log(), reduction='none', log_target=True)
        tensor([[ 0.3466, -0.2027]])
    """
    if _autocasting[0]:
        input, target = _float32(input, target)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' "
            "divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to "
            "behave the same as 'batchmean' in the next major release.",
            UserWarning,
            stacklevel=frames_up(2),
        )
    if reduction != "batchmean":
        reduction_of(None, None, reduction)
    loss = target.exp() * (target - input) if log_target else xlogy(target, target) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.dim() != 0 else total
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """`log(1 + exp(-target · input))` for targets ±1.

    Args:
        input (Tensor): the predictions, floating, any shape.
        target (Tensor): 1 or -1, `input`'s shape.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.soft_margin_loss(retrograd.tensor([0.0, 2.0]), retrograd.tensor([1.0, -1.0]))
        tensor(1.4100)
    """
    if _autocasting[0]:
        input, target = _float32(input, target)
    reduction = reduction_of(size_average, reduce, reduction)
    _constant("soft_margin_loss", "target", target)
    from ...ops.shape.broadcasting import broadcast_tensors

    a, t = broadcast_tensors(input, target.detach())
    return _pointwise.soft_margin_loss(a, t.to(input.dtype), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """`input` where target is 1, `max(0, margin - input)` where it is -1.

    Args:
        input (Tensor): the predictions, floating, any shape.
        target (Tensor): 1 or -1, `input`'s shape.
        margin (float): the margin for targets -1 (default 1).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> x, t = retrograd.tensor([0.3, 0.3, 2.0]), retrograd.tensor([1.0, -1.0, -1.0])
        >>> F.hinge_embedding_loss(x, t, reduction='none')
        tensor([0.3000, 0.7000, 0.0000])
    """
    if _autocasting[0]:
        input, target = _float32(input, target)
    reduction = reduction_of(size_average, reduce, reduction)
    hinge = where(target != 1, (margin - input).clamp_min(0), 0.0)
    return _reduce(hinge + where(target != -1, input, 0.0), reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """`exp(input) - target·input` (log_input) or `input - target·log(input + eps)`, plus Stirling if full.

    Args:
        input (Tensor): log-rates (with `log_input`) or rates, any shape.
        target (Tensor): the observed counts, `input`'s shape.
        log_input (bool): whether `input` holds log-rates (default True).
        full (bool): add the Stirling term `t log t - t + 0.5 log(2πt)` for targets > 1 (default False).
        size_average (bool, optional): deprecated; use `reduction`.
        eps (float): keeps `log(input + eps)` finite when `log_input=False` (default 1e-8).
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.poisson_nll_loss(retrograd.tensor([0.0, 1.0]), retrograd.tensor([1.0, 2.0]), reduction='none')
        tensor([1.0000, 0.7183])
        >>> F.poisson_nll_loss(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 2.0]), log_input=False, full=True)
        tensor(1.1328)
    """
    if _autocasting[0]:
        input, target = _float32(input, target)
    reduction = reduction_of(size_average, reduce, reduction)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        # Stirling's term only counts where target > 1; elsewhere compute it at 1 (finite) and drop it
        above = target > 1
        t = where(above, target, 1.0)
        stirling = t * t.log() - t + 0.5 * (2 * math.pi * t).log()
        loss = loss + stirling.masked_fill(~above, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """`0.5 (log var + (input - target)² / var)`, var clamped at eps (without blocking its gradient).

    Args:
        input (Tensor): the predicted means, `(N, *)` or `(*)`.
        target (Tensor): the observations, `input`'s shape.
        var (Tensor or float): the predicted variances: `input`'s shape, it with the last dim 1, one dim fewer, or a
            scalar.
        full (bool): add the constant `0.5 log(2π)` (default False).
        eps (float): the variances are clamped below at it (default 1e-6).
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> mean, target, var = retrograd.tensor([0.0, 1.0]), retrograd.tensor([1.0, 1.0]), retrograd.tensor([1.0, 2.0])
        >>> F.gaussian_nll_loss(mean, target, var, reduction='none')
        tensor([0.5000, 0.3466])
    """
    from ...ops.creation import ones_like

    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var.detach() < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    raw = var.detach()
    var = var + (raw.clamp_min(eps) - raw)  # clamped value, gradient of the unclamped var (PyTorch's no_grad clamp)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# --- embeddings and rankings ---------------------------------------------------------------------


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """`1 - cos(x1, x2)` where target is 1, `max(0, cos - margin)` where it is -1.

    Args:
        input1 (Tensor): the first input, `(N, D)` or `(D,)`.
        input2 (Tensor): the second input, `input1`'s shape.
        target (Tensor): 1 (similar) or -1 (dissimilar), `(N,)` or `()`.
        margin (float): the allowed cosine for dissimilar pairs, in [-1, 1] (default 0).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> a, b = retrograd.tensor([[1.0, 0.0], [1.0, 1.0]]), retrograd.tensor([[0.0, 1.0], [1.0, 1.0]])
        >>> F.cosine_embedding_loss(a, b, retrograd.tensor([1, -1]), reduction='none')
        tensor([1., 1.])
    """
    if _autocasting[0]:
        input1, input2, target = _float32(input1, input2, target)
    reduction = reduction_of(size_average, reduce, reduction)
    td = target.dim()
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if td == 1 else 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(
            f"{td}D target tensor expects {want}D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    eps = 1e-12
    prod = _sum(input1 * input2, td)
    denom = ((_sum(input1 * input1, td) + eps) * (_sum(input2 * input2, td) + eps)).sqrt()
    cos = prod / denom
    loss = where(target == 1, 1 - cos, 0.0) + where(target == -1, (cos - margin).clamp_min(0), 0.0)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """`max(0, -target · (input1 - input2) + margin)`.

    Args:
        input1 (Tensor): the first scores, any shape.
        input2 (Tensor): the second scores, `input1`'s shape.
        target (Tensor): 1 where `input1` should rank higher, -1 where `input2` should.
        margin (float): the required gap (default 0).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> x1, x2 = retrograd.tensor([1.0, 2.0]), retrograd.tensor([0.0, 3.0])
        >>> F.margin_ranking_loss(x1, x2, retrograd.tensor([1.0, 1.0]), margin=0.5)
        tensor(0.7500)
    """
    if _autocasting[0]:
        input1, input2, target = _float32(input1, input2, target)
    reduction = reduction_of(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape!r}, input2: {input2.shape!r}, target: {target.shape!r} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: bool | None = None,
                        reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """`max(0, d(a, p) - d(a, n) + margin)` with pairwise distances (swap: d(a, n) ← min(d(a, n), d(p, n))).

    Args:
        anchor (Tensor): the anchors, `(N, D)` or `(D,)`.
        positive (Tensor): the positive examples, `anchor`'s shape.
        negative (Tensor): the negative examples, `anchor`'s shape.
        margin (float): the required gap between the distances (default 1).
        p (float): the norm degree of the distance (default 2).
        eps (float): added to the differences before the norm (default 1e-6).
        swap (bool): use min(d(a, n), d(p, n)) as the negative distance (default False).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> a, pos, neg = retrograd.zeros(1, 2), retrograd.tensor([[1.0, 0.0]]), retrograd.tensor([[0.0, 1.5]])
        >>> F.triplet_margin_loss(a, pos, neg, margin=1.0, eps=0.0)
        tensor(0.5000)
    """
    if _autocasting[0]:
        anchor, positive, negative = _float32(anchor, positive, negative)
    reduction = reduction_of(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but "
            f"got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D inputs"
        )
    d_pos = _pairwise(anchor, positive, p, eps)
    d_neg = _pairwise(anchor, negative, p, eps)
    if swap:
        from ...ops.elementwise.clamp_where import minimum

        d_neg = minimum(d_neg, _pairwise(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)
