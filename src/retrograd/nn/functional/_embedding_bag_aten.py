"""ATen's embedding_bag (`torch.embedding_bag`): the bags and the three integer results beside them.

`F.embedding_bag` is its Python face and keeps only the bags. The ATen op also returns what its
backward reads, as PyTorch's CPU kernel fills them:

- `offset2bag` (P,): each position's bag; empty for 'sum' on the fast path (float32, float16 or
  bfloat16 rows and no padding_idx), where PyTorch does not work it out.
- `bag_size` (B,): each bag's number of positions that are not padding_idx, for 'mean' and
  'max'; zeros for 'sum', as many as the offsets when neither the weight nor the per-sample
  weights need a gradient.
- `max_indices`: for 'max' (B, D), the row each maximum came from (0 in an empty bag); else a
  copy of `bag_size`.

They have the indices' and offsets' index dtype (int64 unless both are int32).
"""

from __future__ import annotations

from typing import Any

from ...dtypes import bfloat16, float16, float32, float64, int32, int64, promote_types
from ...ops import embeddings
from ...ops.embedding_bag_layout import aten_results, bag_layout
from ...ops.kernels.arg_types import check_tensors
from ...tensor import Tensor
from .embedding_bags import _padding

__all__: list = []

_MODES = ("sum", "mean", "max")
_TAIL = "  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)"


def _type_error(arg: str, allowed: str, dtype: Any) -> RuntimeError:
    return RuntimeError(
        f"Expected tensor for argument #1 '{arg}' to have one of the following scalar types: {allowed}; "
        f"but got torch.{dtype.legacy_name} instead (while checking arguments for embedding_bag)"
    )


def _check(weight: Tensor, indices: Tensor, offsets: Tensor, psw: Tensor | None, mode: int, last: bool) -> Any:
    """PyTorch's checks, in its order; returns the index dtype the integer results take."""
    if weight.dim() != 2:
        raise RuntimeError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if indices.dim() not in (1, 2):
        raise RuntimeError(f"input has to be a 1D or 2D Tensor, but got Tensor of dimension {indices.dim()}")
    if indices.dim() == 2:  # PyTorch's kernel then reads offsets past the indices' first dim
        raise NotImplementedError("torch.embedding_bag takes 1-D indices here; F.embedding_bag takes (B, L) bags")
    if offsets.dim() != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension {offsets.dim()}")
    index_dtype = promote_types(indices.dtype, offsets.dtype)  # PyTorch promotes both to one type
    if index_dtype not in (int64, int32):
        raise _type_error("indices", "Long, Int", index_dtype)
    if weight.dtype not in (float16, bfloat16, float32, float64):
        raise _type_error("weight", "Half, BFloat16, Float, Double", weight.dtype)
    if psw is not None:
        if mode != 0:
            raise RuntimeError("embedding_bag: per_sample_weights only supported with mode='sum'")
        if psw.dtype != weight.dtype:
            raise RuntimeError(
                "Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                f"'per_sample_weights'; but type {weight.type()} does not equal {psw.type()} (while checking "
                "arguments for embedding_bag)"
            )
        if psw.dim() != 1:
            raise RuntimeError("Expected per_sample_weights.value().dim() == 1 to be true, but got false." + _TAIL)
        if psw.numel() != indices.numel():
            raise RuntimeError(
                "Expected per_sample_weights.value().numel() == indices.numel() to be true, but got false." + _TAIL
            )
    if last and offsets.shape[0] < 1:
        raise RuntimeError("include_last_offset: number of offset should be at least 1")
    if mode not in (0, 1, 2):
        raise RuntimeError("`mode` must be sum, mean, or max.")
    return index_dtype


def embedding_bag_results(
    weight: Tensor,
    indices: Tensor,
    offsets: Tensor,
    scale_grad_by_freq: bool,
    mode: int,
    sparse: bool,
    per_sample_weights: Tensor | None,
    include_last_offset: bool,
    padding_idx: int | None,
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """(output, offset2bag, bag_size, max_indices) of ATen's embedding_bag (see the module's doc).

    `mode` is ATen's number (0 sum, 1 mean, 2 max); a negative `padding_idx` counts from the end."""
    check_tensors("embedding_bag", weight=weight, indices=indices, offsets=offsets)
    pad = _padding(padding_idx, weight.shape[0] if weight.dim() else 0)
    index_dtype = _check(weight, indices, offsets, per_sample_weights, mode, include_last_offset)
    fast = mode != 2 and pad is None and weight.dtype in (float32, float16, bfloat16)
    bag, sizes = bag_layout(indices, offsets, weight, pad, include_last_offset, index_dtype.legacy_name, fast)
    output = embeddings.embedding_bag(
        weight, indices, per_sample_weights, bag, sizes, _MODES[mode], None, 2.0, scale_grad_by_freq, sparse
    )
    grad = weight.requires_grad or (per_sample_weights is not None and per_sample_weights.requires_grad)
    return (output,) + aten_results(
        weight, indices, offsets, bag, mode, pad, include_last_offset, fast, grad, index_dtype
    )
