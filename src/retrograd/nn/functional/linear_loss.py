"""`F.linear_cross_entropy`: cross_entropy(linear(input, W, b), target), whole or a chunk of rows at a time.

With `options=None` it is exactly the reference composition (the same nodes and numbers as
`F.linear` then `F.cross_entropy`). With a `LinearCrossEntropyOptions` it runs the chunked
kernel of `retrograd.ops.fused.linear_cross_entropy`, which never holds the (N, C) logits, for
the calls that kernel covers (class indices, no label smoothing, W of shape (C, in)); the others
warn, as PyTorch does, and take the reference path.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ..._user_frames import frames_up
from ...dtypes import int64
from ...ops.fused import linear_cross_entropy as _chunked
from ...tensor import Tensor
from .classification_loss import cross_entropy
from .linear_maps import linear

__all__ = ["linear_cross_entropy"]


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *, linear_bias: Tensor | None = None,
                         weight: Tensor | None = None, reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options: Any = None) -> Tensor:
    """Cross-entropy of `input` mapped to logits by a linear layer: `cross_entropy(linear(input, W, b), target)`.

    Args:
        input (Tensor): `(in_features,)` or `(N, in_features)`.
        linear_weight (Tensor): `(C, in_features)`, or `(C, d1, ..., dK, in_features)` for a
            K-dimensional loss (batched input only).
        target (Tensor): class indices `()`, `(N,)` or `(N, d1, ..., dK)`, or class probabilities
            of the logits' shape.
        linear_bias (Tensor, optional): `(C,)` or `(C, d1, ..., dK)`.
        weight (Tensor, optional): a weight for each of the C classes.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        ignore_index (int, optional): a class index that adds nothing (None: -100 for class
            indices; it may not be given with probabilities).
        label_smoothing (float): as in `cross_entropy` (default 0).
        options (LinearCrossEntropyOptions, optional): compute chunk by chunk, without the whole
            logits (None: the reference composition).

    Returns:
        Tensor: a 0-d loss, or one per sample with `reduction='none'`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> w = retrograd.tensor([[2.0, 0.0], [0.0, 0.0], [0.0, 3.0]])
        >>> F.linear_cross_entropy(x, w, retrograd.tensor([0, 2]))
        tensor(0.1672)
        >>> F.linear_cross_entropy(x, w, retrograd.tensor([0, 2]), options=nn.LinearCrossEntropyOptions())
        tensor(0.1672)
    """
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(
            "expected equal input and linear_weight last dimensions (in_features), "
            f"got {input.shape[-1]} and {linear_weight.shape[-1]}, respectively"
        )
    n_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (n_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(n_classes, *out_features)}, got {tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(
            f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires batched input, "
            f"(N, {in_features}), got unbatched input with shape {tuple(input.shape)}"
        )
    logits_shape = (*batch, n_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None:
        chunkable = (not out_features and reduction in {"mean", "sum", "none"} and label_smoothing == 0.0
                     and target.dtype == int64)
        if chunkable:
            return _chunked_call(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options)
        warnings.warn(
            "linear_cross_entropy: ``options`` ignored; chunked path needs reduction in {'mean','sum','none'}, "
            "label_smoothing == 0, target.dtype == int64, out_features == (). Got "
            f"reduction={reduction!r}, label_smoothing={label_smoothing}, target.dtype={target.dtype}, "
            f"out_features={out_features}, tracing=False, linear_bias.shape="
            f"{tuple(linear_bias.shape) if linear_bias is not None else None}.",
            stacklevel=frames_up(2),
        )
    if out_features:  # one linear map to C·d1···dK outputs, viewed back as (N, C, d1, ..., dK)
        flat = math.prod(out_features, start=n_classes)
        linear_weight = linear_weight.reshape(flat, in_features)
        linear_bias = None if linear_bias is None else linear_bias.reshape(flat)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)


def _chunked_call(input: Tensor, w: Tensor, target: Tensor, bias: Tensor | None, weight: Tensor | None,
                  reduction: str, ignore_index: int, options: Any) -> Tensor:
    unbatched = input.dim() == 1
    if unbatched:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    if target.shape != input.shape[:1]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.dim() else 0}).")
    chunk, acc, accurate = options.resolved(input.shape[0], input.shape[1], w.shape[0], input.dtype)
    loss = _chunked.chunked(input, w, bias, target, weight, reduction, ignore_index, chunk,
                            acc.np, accurate, options.allow_retain_graph)
    return loss.squeeze(0) if unbatched and reduction == "none" else loss
