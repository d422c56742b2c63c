"""torch.nn.functional.embedding_bag: sums, means or maxima of bags of embedding rows.

One primitive (`retrograd/ops/embeddings.py`: one node, EmbeddingBagBackward0 as in
PyTorch) looks the rows up, renorms them for `max_norm`, scales their gradient for
`scale_grad_by_freq`, and adds them into their bags ('sum', 'mean') or picks, per bag
and feature, the first row holding the maximum ('max', as PyTorch does). Rows at
`padding_idx` belong to no bag. With `include_last_offset` there is one bag fewer than offsets, and the
last bag runs to the end of the input (what PyTorch's CPU kernel computes,
whatever the last offset says).
"""

from __future__ import annotations

import warnings
from typing import Any

from ..._user_frames import frames_up
from ...dtypes import bfloat16, float16, float32, int64
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...ops import embeddings
from ...ops.embedding_bag_layout import bag_layout
from ...ops.kernels.arg_types import class_repr
from ...ops.ranges import arange
from ...tensor import Tensor

__all__ = ["embedding_bag"]


def _indices(input: Tensor) -> None:
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got torch.{input.dtype.legacy_name} instead (while checking arguments for embedding_bag)"
        )


def _flat_input(input: Tensor, offsets: Tensor | None, include_last_offset: bool) -> tuple[Tensor, Tensor, bool]:
    """The 1-D indices and the bags' offsets, from (B, L) input or 1-D input with offsets."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length "
                f"sequences. However, found offsets of type {class_repr(offsets)}"
            )
        starts = arange(0, input.numel(), max(input.shape[1], 1), device=input.device)
        return input.reshape(-1), starts, False
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    _indices(offsets)
    return input, offsets, include_last_offset


def _padding(padding_idx: int | None, n_rows: int) -> int | None:
    if padding_idx is None:
        return None
    if not -n_rows <= padding_idx < n_rows:
        raise RuntimeError(
            f"padding_idx must be within the number of embeddings, -{n_rows} through {n_rows - 1}, "
            f"but got {padding_idx}"
        )
    return padding_idx % n_rows


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """Reduce bags of rows of `weight` (V, D) to (B, D): bags are the rows of a (B, L) input or slices at `offsets`.

    With `sparse` (modes 'sum' and 'mean'), the weight's gradient is a sparse COO tensor with an
    entry per looked-up position, as PyTorch's (for `optim.SGD`, `Adagrad` and `SparseAdam`).

    Args:
        input (Tensor): integer indices, (B, L) bags of equal size or 1-D split by `offsets`.
        weight (Tensor): the table, (V, D).
        offsets (Tensor, optional): (B,) start of each bag in a 1-D `input`.
        max_norm (float, optional): renormalise, in place, the looked-up rows whose norm exceeds it.
        norm_type (float): the p of that norm (default 2).
        scale_grad_by_freq (bool): divide the gradients by the indices' counts (default False).
        mode (str): `'mean'` (default), `'sum'` or `'max'`.
        sparse (bool): give the weight a sparse COO gradient (default False; not with mode 'max').
        per_sample_weights (Tensor, optional): a weight per index, `input`'s shape; only with mode `'sum'`.
        include_last_offset (bool): `offsets` has one extra entry, the end of the last bag (default False).
        padding_idx (int, optional): an index that adds nothing to its bag.

    Returns:
        Tensor: (B, D).

    Examples:
        >>> table = retrograd.arange(12.0).reshape(4, 3)
        >>> F.embedding_bag(retrograd.tensor([[0, 1], [2, 3]]), table)
        tensor([[1.5000, 2.5000, 3.5000],
                [7.5000, 8.5000, 9.5000]])
        >>> F.embedding_bag(retrograd.tensor([0, 1, 3]), table, retrograd.tensor([0, 1]), mode='sum')
        tensor([[ 0.,  1.,  2.],
                [12., 14., 16.]])
        >>> weights = retrograd.tensor([[2.0, 1.0]])
        >>> F.embedding_bag(retrograd.tensor([[0, 1]]), table, mode='sum', per_sample_weights=weights)
        tensor([[3., 6., 9.]])
    """
    if (
        _vmap.active
        and (
            r := batched(
                "loop",
                embedding_bag,
                input,
                weight,
                offsets,
                max_norm,
                norm_type,
                scale_grad_by_freq,
                mode,
                sparse,
                per_sample_weights,
                include_last_offset,
                padding_idx,
            )
        )
        is not NOT_BATCHED
    ):
        return r  # the indices decide where values go: one example at a time
    if weight.dtype == int64 and input.is_floating_point():
        warnings.warn(
            "Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, ...)` is "
            "deprecated, and should now be `embedding_bag(input, weight, ...)`.",
            UserWarning,
            stacklevel=frames_up(2),
        )
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape!r}) is not None, then it must have the "
            f"same shape as the input ({input.shape!r})"
        )
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    flat, offs, include_last_offset = _flat_input(input, offsets, include_last_offset)
    _check_mode(mode, scale_grad_by_freq, sparse, per_sample_weights)
    _indices(flat)
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(
            "Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
            f"'per_sample_weights'; but type {weight.type()} does not equal {per_sample_weights.type()} (while "
            "checking arguments for embedding_bag)"
        )
    n_rows = weight.shape[0]
    pad = _padding(padding_idx, n_rows)
    fast = mode != "max" and pad is None and weight.dtype in (float32, float16, bfloat16)
    kind = offsets.dtype.legacy_name if offsets is not None else "LongTensor"
    bag, sizes = bag_layout(flat, offs, weight, pad, include_last_offset, kind, fast)
    if per_sample_weights is not None and input.dim() == 2:
        per_sample_weights = per_sample_weights.reshape(-1)  # as PyTorch's Python wrapper: a view node
    return embeddings.embedding_bag(
        weight, flat, per_sample_weights, bag, sizes, mode, max_norm, norm_type, scale_grad_by_freq, sparse
    )


def _check_mode(mode: str, scale_grad_by_freq: bool, sparse: bool, per_sample_weights: Any) -> None:
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    elif mode not in ("sum", "mean"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' "
            f"(got mode='{mode}'). Please open a feature request on GitHub."
        )
