"""torch.nn.functional's max_unpool1d/2d/3d: put pooled maxima back where `max_pool*d(return_indices=True)` found them.

The output is zeros with each input value scattered to its flat index in its
plane; the gradient gathers from the same places (`ops/fused/unpooling.py`, one
op per rank as in PyTorch). As in PyTorch, the 1-D form runs the 2-D one on a
trailing unit dimension.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...dtypes import int64
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.fused.unpooling import max_unpool
from ...tensor import Tensor

__all__ = ["max_unpool1d", "max_unpool2d", "max_unpool3d"]


def _tuple(value: Any, nd: int) -> tuple[int, ...]:
    vals = (int(value),) if isinstance(value, int) else tuple(int(v) for v in value)
    return vals * nd if len(vals) == 1 else vals


def _output_size(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, output_size: Any) -> list[int]:
    """PyTorch's unpooled size: (in - 1)·stride + kernel - 2·padding, or `output_size` when it is within a stride."""
    nd = len(kernel)
    default = [(input.shape[-nd + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(nd)]
    if output_size is None:
        sizes = default
    else:
        sizes = [int(s) for s in output_size]
        if len(sizes) == nd + 2:
            sizes = sizes[2:]
        if len(sizes) != nd:
            raise ValueError(
                f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a "
                f"length of '{len(sizes)}'"
            )
        for d in range(nd):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < sizes[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
    for d, s in enumerate(sizes):
        if s < 0:
            raise ValueError(
                f"max_unpooling: output_size must contain non-negative spatial dimensions, but got output_size[{d}]={s}"
            )
    return sizes


def _unpool(input: Tensor, indices: Tensor, sizes: list[int], nd: int) -> Tensor:
    """Scatter each plane of `input` (N, C, *S) or (C, *S) to flat `indices` in zeros of spatial shape `sizes`."""
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Input to max_unpooling{nd}d should be a {nd + 1}d or {nd + 2}d Tensor, but got a tensor "
            f"with {input.dim()} dimensions."
        )
    if indices.dtype != int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype.kind_name}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
            f"but got indices tensor with shape: {list(indices.shape)}"
        )
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"max_unpool{nd}d\" not implemented for '{input.dtype.kind_name}'")
    volume = int(np.prod(sizes))
    flat_idx = indices.reshape(*input.shape[:-nd], -1)
    if flat_idx.numel():
        lo, hi = int(flat_idx.min()), int(flat_idx.max())
        if lo < 0 or hi >= volume:
            bad = lo if lo < 0 else hi
            raise RuntimeError(
                f"Found an invalid max index: {bad} (output volumes are of size {'x'.join(str(s) for s in sizes)})"
            )
    return max_unpool(input, indices, sizes)


def max_unpool1d(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, output_size: Any = None
) -> Tensor:
    """Inverse of max_pool1d: (N, C, L) values at `indices` in zeros of length (L - 1)·stride + kernel - 2·padding.

    Args:
        input (Tensor): the pooled maxima, (N, C, L) or (C, L).
        indices (Tensor): int64 flat indices into the unpooled dims, `input`'s shape (as max pooling returned them).
        kernel_size (int or tuple): the window size of the max pooling being inverted.
        stride (int or tuple, optional): its stride (default `kernel_size`).
        padding (int or tuple): its padding (default 0).
        output_size (sequence of int, optional): the exact output size (the last dims, or all), to pick among the
            sizes that pool to the input's.

    Returns:
        Tensor: zeros of the unpooled size with each value of `input` at its index.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> pooled, idx = F.max_pool1d(x, 2, return_indices=True)
        >>> F.max_unpool1d(pooled, idx, 2)
        tensor([[[0., 3., 0., 5., 4., 0.]]])
        >>> F.max_unpool1d(pooled, idx, 2, output_size=[7])
        tensor([[[0., 3., 0., 5., 4., 0., 0.]]])
    """
    if (
        _vmap.active
        and (r := batched("loop", max_unpool1d, input, indices, kernel_size, stride, padding, output_size))
        is not NOT_BATCHED
    ):
        return r  # the indices decide where values go: one example at a time
    kernel = _tuple(kernel_size, 1)
    step = kernel if stride is None else _tuple(stride, 1)
    sizes = _output_size(input, kernel, step, _tuple(padding, 1), output_size)
    return _unpool(input.unsqueeze(-1), indices.unsqueeze(-1), [*sizes, 1], 2).squeeze(-1)


def max_unpool2d(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, output_size: Any = None
) -> Tensor:
    """Inverse of max_pool2d: (N, C, H, W) values placed at their flat `indices` in (N, C, H_out, W_out) zeros.

    Args:
        input (Tensor): the pooled maxima, (N, C, H, W) or (C, H, W).
        indices (Tensor): int64 flat indices into the unpooled dims, `input`'s shape (as max pooling returned them).
        kernel_size (int or tuple): the window size of the max pooling being inverted.
        stride (int or tuple, optional): its stride (default `kernel_size`).
        padding (int or tuple): its padding (default 0).
        output_size (sequence of int, optional): the exact output size (the last dims, or all), to pick among the
            sizes that pool to the input's.

    Returns:
        Tensor: zeros of the unpooled size with each value of `input` at its index.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> pooled, idx = F.max_pool2d(x, 2, return_indices=True)
        >>> F.max_unpool2d(pooled, idx, 2)
        tensor([[[[ 0.,  0.,  0.,  0.],
                  [ 0.,  5.,  0.,  7.],
                  [ 0.,  0.,  0.,  0.],
                  [ 0., 13.,  0., 15.]]]])
    """
    if _autocasting[0]:
        input = _float32(input)
    if (
        _vmap.active
        and (r := batched("loop", max_unpool2d, input, indices, kernel_size, stride, padding, output_size))
        is not NOT_BATCHED
    ):
        return r  # the indices decide where values go: one example at a time
    kernel = _tuple(kernel_size, 2)
    step = kernel if stride is None else _tuple(stride, 2)
    return _unpool(input, indices, _output_size(input, kernel, step, _tuple(padding, 2), output_size), 2)


def max_unpool3d(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, output_size: Any = None
) -> Tensor:
    """Inverse of max_pool3d: (N, C, D, H, W) values placed at their flat `indices` in zeros of the unpooled size.

    Args:
        input (Tensor): the pooled maxima, (N, C, D, H, W) or (C, D, H, W).
        indices (Tensor): int64 flat indices into the unpooled dims, `input`'s shape (as max pooling returned them).
        kernel_size (int or tuple): the window size of the max pooling being inverted.
        stride (int or tuple, optional): its stride (default `kernel_size`).
        padding (int or tuple): its padding (default 0).
        output_size (sequence of int, optional): the exact output size (the last dims, or all), to pick among the
            sizes that pool to the input's.

    Returns:
        Tensor: zeros of the unpooled size with each value of `input` at its index.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> pooled, idx = F.max_pool3d(x, 2, return_indices=True)
        >>> F.max_unpool3d(pooled, idx, 2).shape
        retrograd.Size([1, 1, 4, 4, 4])
    """
    if _autocasting[0]:
        input = _float32(input)
    if (
        _vmap.active
        and (r := batched("loop", max_unpool3d, input, indices, kernel_size, stride, padding, output_size))
        is not NOT_BATCHED
    ):
        return r  # the indices decide where values go: one example at a time
    kernel = _tuple(kernel_size, 3)
    step = kernel if stride is None else _tuple(stride, 3)
    return _unpool(input, indices, _output_size(input, kernel, step, _tuple(padding, 3), output_size), 3)
