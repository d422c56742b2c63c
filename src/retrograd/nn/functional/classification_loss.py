"""cross_entropy and nll_loss of torch.nn.functional, and the `reduction` argument's rules.

Class-index targets go through the
nll kernel (`retrograd.ops.fused.loss`): inputs (N, C), (C,) or (N, C, d1, ...)
with int64 (or uint8) targets (N,), () or (N, d1, ...). cross_entropy is
log_softmax then nll_loss, as in PyTorch, so its graph reads NllLossBackward0 ->
LogSoftmaxBackward0 (NllLoss2DBackward0 for inputs of 3 or more dims, which
PyTorch sees as (N, C, 1, -1)). Class-probability targets and label smoothing
are composed of log_softmax and ops, following PyTorch's formulas.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..._user_frames import frames_up
from ...dtypes import int64, uint8
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...ops.activation.along_dim import log_softmax
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.elementwise.arithmetic import div_number, mul_number
from ...ops.fused import loss as _loss
from ...ops.kernels.arg_types import check_tensors, plain_number
from ...ops.kernels.operands import refuse_inference_index
from ...tensor import Tensor

__all__ = ["cross_entropy", "nll_loss"]

_LEGACY = "size_average and reduce args will be deprecated, please use reduction='{}' instead."


def reduction_of(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """The reduction to use: from the legacy `size_average`/`reduce` flags (with a warning) or `reduction`."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
        # at the caller's line (`_Loss.__init__` or the functional), as PyTorch's `_Reduction` warns: the
        # default filter shows each text once per loss function, however many lines of the program call it
        warnings.warn(_LEGACY.format(reduction), UserWarning, stacklevel=frames_up(2))
        return reduction
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      UserWarning, stacklevel=frames_up(2))
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _shape(shape: Any) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_target(input: Tensor, target: Tensor) -> None:
    """PyTorch's nll_loss_nd checks in its order: the shape checks come before the kernel's dtype check."""
    ishape, tshape = tuple(input.shape), tuple(target.shape)
    nd = len(ishape)
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and (not tshape or ishape[0] != tshape[0]):
        got = tshape[0] if tshape else 1
        raise ValueError(f"Expected input batch_size ({ishape[0]}) to match target batch_size ({got}).")
    if nd <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if nd == 4 and target.dim() != 3:
        raise RuntimeError(
            f"only batches of spatial targets supported (3D tensors) but got targets of dimension: {target.dim()}")
    if nd not in (1, 2, 4) and tshape[1:] != ishape[2:]:  # reshaped to (N, C, 1, -1) before the kernel runs
        raise RuntimeError(f"Expected target size {_shape((ishape[0],) + ishape[2:])}, got {_shape(tshape)}")
    if target.dtype not in (int64, uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype.kind_name}")
    if nd == 1 and target.dim() == 1 and tshape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {tshape[0]}")


def _check_weight(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """The kernel's own checks, in its order: nll_loss2d's (inputs of 3 or more dims) word the weight's
    size differently, check the spatial size between weight checks, and read int64 targets only."""
    spatial = input.dim() >= 3
    n_classes = input.shape[0 if input.dim() == 1 else 1]
    if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
        if spatial:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes but got weight "
            f"tensor of shape: {_shape(weight.shape)}"
        )
    ishape, tshape = tuple(input.shape), tuple(target.shape)
    if input.dim() == 4 and tshape[1:] != ishape[2:]:
        raise RuntimeError(f"size mismatch (got input: {_shape(ishape)} , target: {_shape(tshape)}")
    if weight is not None and weight.dtype != input.dtype:
        want, got = input.dtype.kind_name, weight.dtype.kind_name
        raise RuntimeError(f"expected scalar type {want} but found {got}")
    if spatial and target.dtype is uint8:
        raise RuntimeError("expected scalar type Long but found Byte")


def _weights(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int) -> tuple:
    """The class-index kernels' arguments: indices (ignored ones as 0), per-element weights (0 where ignored)."""
    _check_weight(input, target, weight)
    if input.dim() == 1 and target.dim() == 1:  # (C,) input with a (1,) target: as a batch of one
        target = target.reshape(())
    return _loss.class_index_weights(input, target, weight, ignore_index)


def _class_dim(input: Tensor) -> int:
    return 0 if input.dim() == 1 else 1


def _floating(input: Tensor, kernel: str) -> None:
    if not input.dtype.is_floating_point:
        last = "_lastdim" if input.dim() <= 2 else ""
        raise NotImplementedError(f"\"{kernel}{last}_kernel_impl\" not implemented for '{input.dtype.kind_name}'")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """`-weight[t] · input[t]` for log-probabilities (N, C, *) and class indices (N, *).

    Args:
        input (Tensor): log-probabilities `(N, C, *)` or `(C,)`.
        target (Tensor): int64 class indices in [0, C), `(N, *)` or `()`.
        weight (Tensor, optional): a weight per class, shape `(C,)`; 'mean' divides by the targets' total weight.
        size_average (bool, optional): deprecated; use `reduction`.
        ignore_index (int): a target value that contributes nothing (default -100).
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> logp = retrograd.tensor([[0.0, -1.0, -2.0], [-3.0, -0.5, -1.0]])
        >>> F.nll_loss(logp, retrograd.tensor([0, 2]))
        tensor(0.5000)
        >>> F.nll_loss(logp, retrograd.tensor([1, -100]), reduction='none')
        tensor([1., 0.])
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    reduction = reduction_of(size_average, reduce, reduction)
    if _vmap.active:
        r = batched("class_loss", lambda x, t, red: nll_loss(x, t, weight, None, ignore_index, None, red), input,
                    target, weight=weight, ignore_index=ignore_index, reduction=reduction)
        if r is not NOT_BATCHED:
            return r
    _check_target(input, target)
    refuse_inference_index(target, input)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"nll_loss_out_frame\" not implemented for '{input.dtype.kind_name}'")
    idx, wt, denom = _weights(input, target, weight, ignore_index)
    return _nll_nd(input, idx, wt, denom, reduction)


def _nll_nd(input: Tensor, idx: Any, wt: Any, denom: Any, reduction: str) -> Tensor:
    """The nll kernel on checked arrays, recorded as PyTorch records it for the input's number of dims.

    (C,) and (N, C) give NllLossBackward0, (N, C, H, W) NllLoss2DBackward0; other shapes (N, C, d1, ...)
    are viewed as (N, C, 1, d1·...) for the 2-d kernel, and a 'none' result viewed back to (N, d1, ...).
    """
    nd = input.dim()
    if nd <= 2:
        return _loss.nll(input, idx, wt, denom, _class_dim(input), reduction)
    if nd == 4:
        return _loss.nll(input, idx, wt, denom, 1, reduction, two_d=True)
    n, c, rest = input.shape[0], input.shape[1], tuple(input.shape[2:])
    flat = int(np.prod(rest))
    out = _loss.nll(input.reshape(n, c, 1, flat), idx.reshape(n, 1, flat), wt.reshape(n, 1, flat), denom, 1,
                    reduction, two_d=True)
    return out.reshape(n, *rest) if reduction == "none" else out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                  ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy of logits `(N, C, *)` with class indices `(N, *)` or class probabilities `(N, C, *)`.

    Takes raw scores: `log_softmax` over the class dim is applied here, so do not softmax first.

    Args:
        input (Tensor): logits, (N, C), (N, C, d1, ...) or unbatched (C,).
        target (Tensor): int64 class indices in `[0, C)`, of `input`'s shape without C, or class
            probabilities of `input`'s shape.
        weight (Tensor, optional): a weight for each of the C classes.
        size_average (bool, optional): deprecated; use `reduction`.
        ignore_index (int): targets with this class index add nothing (default -100).
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default; over the weights of the targets), `'sum'` or `'none'`.
        label_smoothing (float): mix this much of the uniform distribution into the targets (default 0).

    Returns:
        Tensor: a 0-d tensor, or one loss per sample with `reduction='none'`.

    Examples:
        >>> logits = retrograd.tensor([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0]])
        >>> F.cross_entropy(logits, retrograd.tensor([0, 1]))
        tensor(0.1672)
        >>> F.cross_entropy(logits, retrograd.tensor([2, 1]), reduction="none")
        tensor([2.2395, 0.0949])
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    reduction = reduction_of(size_average, reduce, reduction)
    label_smoothing = plain_number(label_smoothing)  # NumPy's float64 would make the loss float64
    if not (isinstance(input, Tensor) and isinstance(target, Tensor)):
        check_tensors("cross_entropy_loss", input=input, target=target)
    if _vmap.active:
        r = batched("class_loss", lambda x, t, red: cross_entropy(x, t, weight, None, ignore_index, None, red,
                                                                  label_smoothing),
                    input, target, weight=weight, ignore_index=ignore_index, reduction=reduction)
        if r is not NOT_BATCHED:
            return r
    if not target.dtype.is_floating_point:  # class indices, which the loss's node keeps
        refuse_inference_index(target, input)
    if weight is None and label_smoothing == 0.0:  # the everyday call, with fewer checks
        fast = _loss.cross_entropy_indices(input, target, ignore_index, reduction)
        if fast is not None:
            return fast
    if input.shape == target.shape:
        if not target.dtype.is_floating_point:
            raise RuntimeError(
                f"Expected floating point type for target with class probabilities, got {target.dtype.kind_name}"
            )
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _prob_targets(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        return _smoothed(input, target, weight, reduction, ignore_index, label_smoothing)
    _check_target(input, target)
    _floating(input, "log_softmax")
    idx, wt, denom = _weights(input, target, weight, ignore_index)
    return _nll_nd(log_softmax(input, _class_dim(input)), idx, wt, denom, reduction)


def _check_smoothing(label_smoothing: float) -> None:
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")


def _class_view(weight: Tensor, input: Tensor) -> Tensor:
    shape = [1] * input.dim()
    shape[_class_dim(input)] = weight.shape[0]
    return weight.view(shape)


def _prob_targets(input: Tensor, target: Tensor, weight: Tensor | None, reduction: str, smoothing: float) -> Tensor:
    """`-Σ_c w_c · y_c · log_softmax(x)_c`; 'mean' divides by the number of samples (N·d1·...)."""
    cdim = _class_dim(input)
    n_classes = input.shape[cdim]
    if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {n_classes} classes or no classes but "
            f"got weight tensor of shape: {_shape(weight.shape)}"
        )
    _floating(input, "log_softmax")
    logp = log_softmax(input, cdim)
    if smoothing > 0.0:
        _check_smoothing(smoothing)
        target = target * (1 - smoothing) + smoothing / n_classes
    prod = logp * target if weight is None else logp * target * _class_view(weight, input)
    if reduction == "none":
        return -prod.sum(cdim)
    if reduction == "sum":
        return -prod.sum()
    if input.numel() == 0:  # as ATen: the sum filled with NaN in place, then negated
        return -prod.sum().fill_(float("nan"))
    return div_number.scalar(-prod.sum(), input.numel() // n_classes)


def _smoothed(input: Tensor, target: Tensor, weight: Tensor | None, reduction: str, ignore_index: int,
              smoothing: float) -> Tensor:
    """`(1 - ε) · nll + ε / C · Σ_c -w_c log p_c` (ignored targets contribute nothing)."""
    _check_target(input, target)
    _floating(input, "log_softmax")
    cdim = _class_dim(input)
    n_classes = input.shape[cdim]
    idx, wt, denom = _weights(input, target, weight, ignore_index)
    logp = log_softmax(input, cdim)
    nll = _nll_nd(logp, idx, wt, denom, reduction)
    weighted = logp if weight is None else logp * _class_view(weight, input)
    smooth = (-weighted.sum(cdim)).masked_fill_(target == ignore_index, 0.0)  # as ATen records it
    if reduction == "mean":  # over the weights of the counted targets, as nll's mean (0/0: NaN, as PyTorch)
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    return mul_number.scalar(nll, 1 - smoothing) + mul_number.scalar(smooth, smoothing / n_classes)
