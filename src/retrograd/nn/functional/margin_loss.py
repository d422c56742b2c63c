"""torch.nn.functional's multi-class and multi-label margin losses, and the triplet loss with a distance function.

The class-index targets are read once (they are not differentiable) to build
constant masks; the multi-class and multi-label margin losses are then one fused
primitive each (PyTorch's one node), the others are composed of differentiable ops.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ... import ops as _ops
from ...dtypes import int64
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.fused import margin_loss as _fused
from ...tensor import Tensor
from .classification_loss import reduction_of
from .distance import pairwise_distance
from .loss import _constant

__all__ = [
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "triplet_margin_with_distance_loss",
]


def _reduced(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


def _vector_or_matrix(input: Tensor) -> None:
    """PyTorch's shape rule for the margin losses: (C,) or (N, C), C > 0, N may be 0."""
    if input.dim() > 2 or (input.dim() >= 1 and input.shape[-1] == 0):
        raise RuntimeError(
            f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {list(input.shape)}"
        )


def _on_device(values: np.ndarray, input: Tensor) -> Tensor:
    """A constant NumPy array as a tensor on `input`'s device."""
    return _ops.tensor(values, device=input.device)


def _long_target(input: Tensor, target: Tensor) -> None:
    if target.dtype != int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.kind_name}")


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """`Σ_{i≠y} w_y · max(0, margin - x_y + x_i)^p / C` for scores (N, C) or (C,) and class indices (N,) or ().

    Args:
        input (Tensor): scores `(N, C)` or `(C,)`.
        target (Tensor): int64 class indices `(N,)` or `()`.
        p (int): 1 or 2, the power of each hinge term (default 1).
        margin (float): the required gap to the target's score (default 1).
        weight (Tensor, optional): a weight per class, shape `(C,)`.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.multi_margin_loss(retrograd.tensor([[0.1, 0.2, 0.4, 0.8]]), retrograd.tensor([3]))
        tensor(0.3250)
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    if (
        _vmap.active
        and (r := batched("loop", multi_margin_loss, input, target, p, margin, weight, size_average, reduce, reduction))
        is not NOT_BATCHED
    ):
        return r  # the indices decide where values go: one example at a time
    reduction = reduction_of(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _vector_or_matrix(input)
    n_classes = input.shape[-1] if input.dim() else 1
    batch = input.shape[0] if input.dim() == 2 else 1
    if target.numel() != batch or target.dim() > 1:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples (batch "
            f"size). Expected target size [{batch}], but got {list(target.shape)}. Input has shape "
            f"{list(input.shape)}."
        )
    _long_target(input, target)
    _constant("multi_margin_loss", "weight", weight)
    if weight is not None:
        if weight.numel() != n_classes:
            raise RuntimeError(f"inconsistent weight size, expected {n_classes} but got {list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype.kind_name} but found {weight.dtype.kind_name}")
    labels = target.detach().cpu().numpy().reshape(batch)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise RuntimeError("target out of range")
    idx = _on_device(labels.reshape(batch, 1), input)
    others = _on_device((np.arange(n_classes) != labels.reshape(batch, 1)).astype(input.dtype.np), input)
    if weight is None:
        w = _on_device(np.ones((batch, 1), input.dtype.np), input)
    else:
        w = weight.detach()[idx]
    out_shape = tuple(target.shape) if input.dim() == 2 or target.dim() == 1 else ()
    return _fused.multi_margin_loss(input, idx, others, w, p, margin, reduction, out_shape)

def _label_sets(labels: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: how often each class is a target (up to the first -1) and whether it is one."""
    counts = np.zeros(labels.shape, dtype=np.int64)
    for row, lab in enumerate(labels):
        stop = np.flatnonzero(lab < 0)
        used = lab[: stop[0] if stop.size else n_classes]
        if used.size and (used.max() >= n_classes):
            raise RuntimeError("argument #2 'target' is out of range")
        np.add.at(counts[row], used, 1)
    return counts, counts > 0


def multilabel_margin_loss(
    input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean"
) -> Tensor:
    """`Σ_{j targets} Σ_{i not targets} max(0, 1 - (x_j - x_i)) / C`; `target` lists classes, ended by -1.

    Args:
        input (Tensor): scores `(N, C)` or `(C,)`.
        target (Tensor): int64, `input`'s shape: the target classes first, ended by -1.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.multilabel_margin_loss(retrograd.tensor([[0.1, 0.2, 0.4, 0.8]]), retrograd.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    if _autocasting[0]:
        input, target = _float32(input, target)
    reduction = reduction_of(size_average, reduce, reduction)
    _vector_or_matrix(input)
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    _long_target(input, target)
    n_classes = input.shape[-1] if input.dim() else 1
    batch = input.shape[0] if input.dim() == 2 else 1
    counts, is_target = _label_sets(target.detach().cpu().numpy().reshape(batch, n_classes), n_classes)
    # pair (j, i): j counted as often as it is listed, i any class that is not a target
    pairs = (counts[:, :, None] * (~is_target)[:, None, :]).astype(input.dtype.np)
    out_shape = (batch,) if input.dim() == 2 else ()
    return _fused.multilabel_margin_loss(input, _on_device(pairs, input), reduction, out_shape)

def multilabel_soft_margin_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """`-mean_c w_c (y_c log σ(x_c) + (1 - y_c) log σ(-x_c))` per sample, then reduced.

    Args:
        input (Tensor): logits `(N, C)`.
        target (Tensor): 0/1 labels, `input`'s shape.
        weight (Tensor, optional): a weight per class, shape `(C,)`.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> F.multilabel_soft_margin_loss(retrograd.tensor([[0.0, 2.0, -1.0]]), retrograd.tensor([[1.0, 1.0, 0.0]]))
        tensor(0.3778)
    """
    if _autocasting[0]:
        input, target, weight = _float32(input, target, weight)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    from .activation import logsigmoid

    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.size(class_dim)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _reduced(loss, reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """`max(0, d(a, p) - d(a, n) + margin)` with any distance `d` (pairwise_distance by default).

    Args:
        anchor (Tensor): the anchors, `(N, D)` or `(D,)`.
        positive (Tensor): the positive examples, `anchor`'s shape.
        negative (Tensor): the negative examples, `anchor`'s shape.
        distance_function (callable, optional): maps two tensors to distances along the last dim (default
            `pairwise_distance`).
        margin (float): the required gap between the distances (default 1).
        swap (bool): use min(d(a, n), d(p, n)) as the negative distance (default False).
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, the unreduced losses.

    Examples:
        >>> a, pos, neg = retrograd.zeros(1, 2), retrograd.tensor([[1.0, 0.0]]), retrograd.tensor([[0.0, 1.5]])
        >>> F.triplet_margin_with_distance_loss(a, pos, neg, distance_function=lambda x, y: (x - y).abs().sum(-1))
        tensor(0.5000)
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but "
            f"got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D inputs"
        )
    distance = pairwise_distance if distance_function is None else distance_function
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = _ops.minimum(d_neg, distance(positive, negative))
    return _reduced((margin + d_pos - d_neg).clamp_min(0), reduction)
