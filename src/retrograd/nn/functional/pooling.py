"""torch.nn.functional's pooling: max, average and adaptive, 1-D to 3-D.

Arguments are checked with PyTorch's messages and turned into a `Windows`
description (ops/fused/pooling.py), whose primitives hold the kernels and the
derivative rules. As in PyTorch, the 1-D pools run the 2-D ones on an
unsqueezed input (so their grad_fn is a SqueezeBackward1).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...dtypes import int64
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.fused import pooling as _pool
from ...ops.fused import resample as _resample
from ...tensor import Tensor
from . import _max_pool1d_checks as _checks1d

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d",
]

_WORDS = {1: "one", 2: "two", 3: "three"}


def _ints(value: Any, nd: int, what: str, name: str) -> tuple[int, ...]:
    vals = (int(value),) if isinstance(value, int) else tuple(int(v) for v in value)
    if len(vals) == 1:
        vals = vals * nd
    if len(vals) != nd:
        raise RuntimeError(f"{name}: {what} must either be a single int, or a tuple of {_WORDS[nd]} ints")
    return vals


def _spatial_input(nd: int, x: Tensor) -> None:
    rest = x.shape[1:] if x.dim() == nd + 2 else x.shape
    if any(n == 0 for n in rest):
        raise RuntimeError(f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got:{list(x.shape)}")


def _grid(name: str, x: Tensor, nd: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
          ceil_mode: bool) -> tuple[_pool.Windows, tuple[int, ...]]:
    """The regular windows of a pooling, and its padding, checked as PyTorch checks them."""
    kernel = _ints(kernel_size, nd, "kernel_size", name)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _ints(
        stride, nd, "stride", name)
    pad = _ints(padding, nd, "padding", name)
    dilation = _ints(dilation, nd, "dilation", name)
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got {_hw('k', kernel)}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {_hw('dilation', dilation)}")
    for k, p, d in zip(kernel, pad, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    spatial = tuple(x.shape[x.dim() - nd:])
    out = tuple(_out_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(spatial, kernel, stride, pad, dilation))
    if any(o < 1 for o in out):
        lead = list(x.shape[x.dim() - nd - 1:x.dim() - nd])
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, lead + list(spatial)))}). Calculated output "
                           f"size: ({'x'.join(map(str, lead + list(out)))}). Output size is too small")
    pads = tuple(
        (p, max((o - 1) * s + d * (k - 1) + 1 - n - p, 0))
        for n, k, s, p, d, o in zip(spatial, kernel, stride, pad, dilation, out)
    )
    return _pool.Windows(kernel, stride, dilation, pads, out), pad


def _hw(prefix: str, vals: tuple) -> str:
    names = ("D", "H", "W")[-len(vals):] if prefix != "k" else ("T", "H", "W")[-len(vals):]
    return " ".join(f"{prefix}{n}: {v}" for n, v in zip(names, vals))


_out_size = _checks1d.output_length  # PyTorch's pooling_output_shape


# --- max pooling --------------------------------------------------------------------------------------


def _max_pool_nd(name: str, nd: int, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                 ceil_mode: bool, return_indices: bool) -> Any:
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
    _spatial_input(nd, x)
    windows, _ = _grid(name, x, nd, kernel_size, stride, padding, dilation, ceil_mode)
    if x.dtype.name == "bool" or x.dtype.is_complex:  # PyTorch's kernels take the real dtypes, bool aside
        raise NotImplementedError(f"\"{name}\" not implemented for '{x.dtype.kind_name}'")
    return _pool.max_pool(x, windows, f"MaxPool{nd}DWithIndicesBackward0", return_indices)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over windows of ([N,] C, L) -> ([N,] C, L_out) [, indices].

    Args:
        input (Tensor): ([N,] C, L), floating.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        ceil_mode (bool): round the output size up instead of down (default False).
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        Tensor: the maxima, ([N,] C, L_out); with `return_indices`, a tuple (maxima, int64 flat indices into the
            input's pooled dims).

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> F.max_pool1d(x, 2)
        tensor([[[3., 5., 4.]]])
        >>> F.max_pool1d(x, 3, stride=2, padding=1, return_indices=True)
        (tensor([[[3., 5., 5.]]]), tensor([[[1, 3, 3]]]))
    """
    if return_indices:
        _checks1d.check_one_int_arguments(kernel_size, stride, padding, dilation)
    if input.dim() not in (2, 3):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    if not return_indices:
        _checks1d.check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
    out = max_pool2d(input.unsqueeze(-2), (1, _one(kernel_size)), (1, _one(stride)) if stride is not None and (
        isinstance(stride, int) or len(stride)) else None, (0, _one(padding)), (1, _one(dilation)), ceil_mode,
        return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def _one(value: Any) -> int:
    return int(value) if isinstance(value, int) else int(value[0])


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over (kH, kW) windows of ([N,] C, H, W) -> ([N,] C, H_out, W_out) [, int64 indices into H*W].

    Args:
        input (Tensor): ([N,] C, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        ceil_mode (bool): round the output size up instead of down (default False).
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        Tensor: the maxima, ([N,] C, H, W_out); with `return_indices`, a tuple (maxima, int64 flat indices into the
            input's pooled dims).

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.max_pool2d(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _max_pool_nd("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over (kD, kH, kW) windows of ([N,] C, D, H, W) [, int64 indices into D*H*W].

    Args:
        input (Tensor): ([N,] C, D, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        ceil_mode (bool): round the output size up instead of down (default False).
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        Tensor: the maxima, ([N,] C, D, H, W_out); with `return_indices`, a tuple (maxima, int64 flat indices into
            the input's pooled dims).

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> F.max_pool3d(x, 2).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """
    if _autocasting[0]:
        input = _float32(input)
    return _max_pool_nd("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """`max_pool1d(..., return_indices=True)`.

    Args:
        input (Tensor): ([N,] C, L), floating.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        ceil_mode (bool): round the output size up instead of down (default False).
        return_indices (bool): ignored by this variant, which always returns the indices.

    Returns:
        tuple: (maxima, int64 flat indices into the input's pooled dims), each of the pooled shape.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> F.max_pool1d_with_indices(x, 2)
        (tensor([[[3., 5., 4.]]]), tensor([[[1, 3, 4]]]))
    """
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """`max_pool2d(..., return_indices=True)`.

    Args:
        input (Tensor): ([N,] C, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        ceil_mode (bool): round the output size up instead of down (default False).
        return_indices (bool): ignored by this variant, which always returns the indices.

    Returns:
        tuple: (maxima, int64 flat indices into the input's pooled dims), each of the pooled shape.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.max_pool2d_with_indices(x, 2)
        (tensor([[[[ 5.,  7.],
                  [13., 15.]]]]), tensor([[[[ 5,  7],
                  [13, 15]]]]))
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """`max_pool3d(..., return_indices=True)`.

    Args:
        input (Tensor): ([N,] C, D, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        ceil_mode (bool): round the output size up instead of down (default False).
        return_indices (bool): ignored by this variant, which always returns the indices.

    Returns:
        tuple: (maxima, int64 flat indices into the input's pooled dims), each of the pooled shape.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> [t.shape for t in F.max_pool3d_with_indices(x, 2)]
        [retrograd.Size([1, 1, 2, 2, 2]), retrograd.Size([1, 1, 2, 2, 2])]
    """
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


# --- average pooling -----------------------------------------------------------------------------------


def _avg_pool_nd(name: str, nd: int, x: Tensor, kernel_size: Any, stride: Any, padding: Any, ceil_mode: bool,
                 count_include_pad: bool, divisor_override: Any) -> Tensor:
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
    if not x.is_floating_point() and x.dtype is not int64:  # (PyTorch's CPU kernels also take int64)
        raise NotImplementedError(f'"{name}" not implemented for \'{x.type().split(".")[-1][:-6]}\'')
    windows, pad = _grid(name, x, nd, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        divisor = np.full((1,) * (2 + nd), float(divisor_override))
    else:
        spatial = tuple(x.shape[x.dim() - nd:])
        divisor = _pool.grid_divisor(spatial, windows, pad, count_include_pad)
    return _pool.avg_pool(x, windows, divisor, f"AvgPool{nd}DBackward0")


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over windows of ([N,] C, L) -> ([N,] C, L_out).

    Args:
        input (Tensor): ([N,] C, L), floating.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit zero padding on both sides, at most half the kernel (default 0).
        ceil_mode (bool): round the output size up instead of down (default False).
        count_include_pad (bool): count the padding zeros in the mean's divisor (default True).

    Returns:
        Tensor: the window means, of the pooled shape.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> F.avg_pool1d(x, 2)
        tensor([[[2.0000, 3.5000, 2.0000]]])
        >>> F.avg_pool1d(x, 3, stride=1, padding=1, count_include_pad=False)
        tensor([[[2.0000, 2.0000, 3.3333, 3.6667, 3.0000, 2.0000]]])
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for avg_pool1d)")
    st = (1, _one(stride)) if stride is not None and (isinstance(stride, int) or len(stride)) else None
    out = avg_pool2d(input.unsqueeze(-2), (1, _one(kernel_size)), st, (0, _one(padding)), ceil_mode,
                     count_include_pad)
    return out.squeeze(-2)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over (kH, kW) windows of ([N,] C, H, W) -> ([N,] C, H_out, W_out).

    Args:
        input (Tensor): ([N,] C, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit zero padding on both sides, at most half the kernel (default 0).
        ceil_mode (bool): round the output size up instead of down (default False).
        count_include_pad (bool): count the padding zeros in the mean's divisor (default True).
        divisor_override (int, optional): divide every window's sum by this instead.

    Returns:
        Tensor: the window means, of the pooled shape.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.avg_pool2d(x, 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    return _avg_pool_nd("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override)


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over (kD, kH, kW) windows of ([N,] C, D, H, W).

    Args:
        input (Tensor): ([N,] C, D, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit zero padding on both sides, at most half the kernel (default 0).
        ceil_mode (bool): round the output size up instead of down (default False).
        count_include_pad (bool): count the padding zeros in the mean's divisor (default True).
        divisor_override (int, optional): divide every window's sum by this instead.

    Returns:
        Tensor: the window means, of the pooled shape.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> F.avg_pool3d(x, 2).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """
    if _autocasting[0]:
        input = _float32(input)
    return _avg_pool_nd("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override)


# --- adaptive pooling -----------------------------------------------------------------------------------


def _check_sizes_fit_rank(x: Tensor, output_size: Any) -> None:
    """PyTorch's Python-side check of a sequence output size (before any check of the tensor): it
    fills None entries from the input's trailing dims, so it needs more dims than entries."""
    if isinstance(output_size, int) or output_size is None:
        return
    if x.dim() <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")


def _check_1d_rank(x: Tensor, name: str) -> None:
    if x.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {x.dim()}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {name})")


def _adaptive_size(name: str, nd: int, x: Tensor, output_size: Any) -> tuple[int, ...]:
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {list(x.shape)}")
    sizes = (output_size,) * nd if isinstance(output_size, int) or output_size is None else tuple(output_size)
    if len(sizes) == 1:
        sizes = sizes * nd
    if len(sizes) != nd:
        raise RuntimeError(f"{name}: output_size must be {nd}")
    spatial = x.shape[x.dim() - nd:]
    return tuple(int(n) if o is None else int(o) for o, n in zip(sizes, spatial))


def _empty_pooled(x: Tensor, out: tuple[int, ...], nd: int) -> Tensor:
    """The empty result of pooling to an output size with a 0, still on x's graph (as PyTorch's)."""
    return x.flatten(x.dim() - nd)[..., :0].reshape(tuple(x.shape[: x.dim() - nd]) + out)


def adaptive_avg_pool_nd(x: Tensor, out: tuple[int, ...], nd: int) -> Tensor:
    """Adaptive average pooling of the last `nd` dims to `out` (also interpolate's 'area' mode)."""
    if nd == 2 and all(o == 1 for o in out):
        return x.mean((-2, -1), keepdim=True)  # as PyTorch does
    if 0 in out:
        return _empty_pooled(x, out, nd)
    spatial = tuple(x.shape[x.dim() - nd:])
    maps = _pool.adaptive_mean_maps(spatial, out, x.dtype.np)
    return _resample.resample(x, tuple(range(x.dim() - nd, x.dim())), maps, f"AdaptiveAvgPool{nd}DBackward0")


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average over PyTorch's adaptive windows: ([N,] C, L) -> ([N,] C, output_size).

    Args:
        input (Tensor): ([N,] C, L), floating.
        output_size (int or tuple): the output size.

    Returns:
        Tensor: ([N,] C, L) with the pooled dims of size `output_size`.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> F.adaptive_avg_pool1d(x, 4)
        tensor([[[2.0000, 2.5000, 4.5000, 2.0000]]])
    """
    _check_1d_rank(input, "adaptive_avg_pool1d")
    size = _adaptive_size("adaptive_avg_pool1d", 1, input, output_size)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size[0])).squeeze(-2)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average over adaptive windows: ([N,] C, H, W) -> ([N,] C, *output_size) (None keeps a size).

    Args:
        input (Tensor): ([N,] C, H, W), floating.
        output_size (int or tuple): the output size, an int for all 2 dims or one per dim (None keeps that dim).

    Returns:
        Tensor: ([N,] C, H, W) with the pooled dims of size `output_size`.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.adaptive_avg_pool2d(x, 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    _check_sizes_fit_rank(input, output_size)
    if not input.is_floating_point():
        raise NotImplementedError(f'"adaptive_avg_pool2d" not implemented for \'{input.type().split(".")[-1][:-6]}\'')
    return adaptive_avg_pool_nd(input, _adaptive_size("adaptive_avg_pool2d", 2, input, output_size), 2)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """Average over adaptive windows: ([N,] C, D, H, W) -> ([N,] C, *output_size).

    Args:
        input (Tensor): ([N,] C, D, H, W), floating.
        output_size (int or tuple): the output size, an int for all 3 dims or one per dim (None keeps that dim).

    Returns:
        Tensor: ([N,] C, D, H, W) with the pooled dims of size `output_size`.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> F.adaptive_avg_pool3d(x, 2).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """
    _check_sizes_fit_rank(input, output_size)
    if _autocasting[0]:
        input = _float32(input)
    return adaptive_avg_pool_nd(input, _adaptive_size("adaptive_avg_pool3d", 3, input, output_size), 3)


def _adaptive_max_nd(nd: int, x: Tensor, output_size: Any, return_indices: bool) -> Any:
    name = f"adaptive_max_pool{nd}d"
    _check_sizes_fit_rank(x, output_size)
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(x.shape)}")
    out = _adaptive_size(name, nd, x, output_size)
    if 0 in out:
        pooled = _empty_pooled(x, out, nd)
        return (pooled, pooled.detach().long()) if return_indices else pooled
    windows = _pool.Windows.adaptive(tuple(x.shape[x.dim() - nd:]), out)
    return _pool.max_pool(x, windows, f"AdaptiveMaxPool{nd}DBackward0", return_indices)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over adaptive windows: ([N,] C, L) -> ([N,] C, output_size) [, indices].

    Args:
        input (Tensor): ([N,] C, L), floating.
        output_size (int or tuple): the output size.
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        Tensor: the maxima, ([N,] C, L) with the pooled dims of size `output_size`; with `return_indices`, also the
            int64 flat indices.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> F.adaptive_max_pool1d(x, 4)
        tensor([[[3., 3., 5., 4.]]])
    """
    _check_1d_rank(input, "adaptive_max_pool1d")
    size = _adaptive_size("adaptive_max_pool1d", 1, input, output_size)
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, size[0]), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over adaptive windows: ([N,] C, H, W) -> ([N,] C, *output_size) [, int64 indices into H*W].

    Args:
        input (Tensor): ([N,] C, H, W), floating.
        output_size (int or tuple): the output size, an int for all 2 dims or one per dim (None keeps that dim).
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        Tensor: the maxima, ([N,] C, H, W) with the pooled dims of size `output_size`; with `return_indices`, also
            the int64 flat indices.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.adaptive_max_pool2d(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _adaptive_max_nd(2, input, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over adaptive windows: ([N,] C, D, H, W) -> ([N,] C, *output_size) [, indices].

    Args:
        input (Tensor): ([N,] C, D, H, W), floating.
        output_size (int or tuple): the output size, an int for all 3 dims or one per dim (None keeps that dim).
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        Tensor: the maxima, ([N,] C, D, H, W) with the pooled dims of size `output_size`; with `return_indices`,
            also the int64 flat indices.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> F.adaptive_max_pool3d(x, 2).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """
    if _autocasting[0]:
        input = _float32(input)
    return _adaptive_max_nd(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """`adaptive_max_pool1d(..., return_indices=True)`.

    Args:
        input (Tensor): ([N,] C, L), floating.
        output_size (int or tuple): the output size.
        return_indices (bool): ignored by this variant, which always returns the indices.

    Returns:
        tuple: (maxima, int64 flat indices), each ([N,] C, L) with the pooled dims of size `output_size`.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> F.adaptive_max_pool1d_with_indices(x, 4)
        (tensor([[[3., 3., 5., 4.]]]), tensor([[[1, 1, 3, 4]]]))
    """
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """`adaptive_max_pool2d(..., return_indices=True)`.

    Args:
        input (Tensor): ([N,] C, H, W), floating.
        output_size (int or tuple): the output size, an int for all 2 dims or one per dim (None keeps that dim).
        return_indices (bool): ignored by this variant, which always returns the indices.

    Returns:
        tuple: (maxima, int64 flat indices), each ([N,] C, H, W) with the pooled dims of size `output_size`.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.adaptive_max_pool2d_with_indices(x, 2)
        (tensor([[[[ 5.,  7.],
                  [13., 15.]]]]), tensor([[[[ 5,  7],
                  [13, 15]]]]))
    """
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """`adaptive_max_pool3d(..., return_indices=True)`.

    Args:
        input (Tensor): ([N,] C, D, H, W), floating.
        output_size (int or tuple): the output size, an int for all 3 dims or one per dim (None keeps that dim).
        return_indices (bool): ignored by this variant, which always returns the indices.

    Returns:
        tuple: (maxima, int64 flat indices), each ([N,] C, D, H, W) with the pooled dims of size `output_size`.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> [t.shape for t in F.adaptive_max_pool3d_with_indices(x, 2)]
        [retrograd.Size([1, 1, 2, 2, 2]), retrograd.Size([1, 1, 2, 2, 2])]
    """
    return adaptive_max_pool3d(input, output_size, True)


# --- power-average (LP) pooling ------------------------------------------------------------------


def _lp_pool(input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool, nd: int) -> Tensor:
    """(Σ x^p over each window)^(1/p): the average pool of x^p, times the window size, to the 1/p."""
    from ... import ops as _ops
    from .. import functional as F  # the pools and relu as PyTorch calls them, patched ones included

    kernel = (kernel_size,) * nd if isinstance(kernel_size, int) else tuple(kernel_size)
    if math.isinf(norm_type):  # the limits, as PyTorch computes them: the largest (smallest) |x| of a window
        biggest = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[nd - 1]
        window_stride = stride if stride is not None else kernel_size
        if norm_type > 0:
            return biggest(input.abs(), kernel_size, window_stride, 0, 1, ceil_mode)
        return -biggest(-input.abs(), kernel_size, window_stride, 0, 1, ceil_mode)
    avg = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[nd - 1]
    pooled = avg(input.pow(norm_type), kernel_size, stride if stride is not None else kernel_size, 0, ceil_mode)
    # sign · relu(|·|) keeps the rounding negatives of the average at zero, as PyTorch does
    window = int(np.prod(kernel))
    return (_ops.sign(pooled) * F.relu(_ops.abs(pooled))).mul(window).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: int | float, kernel_size: int, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The p-norm over windows of ([N,] C, L).

    Args:
        input (Tensor): ([N,] C, L), floating.
        norm_type (float): the power p; each window gives `(Σ x^p)^(1/p)`.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        Tensor: the windows' p-norms, of the pooled shape.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> F.lp_pool1d(x, 2.0, 2)
        tensor([[[3.1623, 5.3852, 4.0000]]])
    """
    return _lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input: Tensor, norm_type: int | float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The p-norm over (kH, kW) windows of ([N,] C, H, W).

    Args:
        input (Tensor): ([N,] C, H, W), floating.
        norm_type (float): the power p; each window gives `(Σ x^p)^(1/p)`.
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        Tensor: the windows' p-norms, of the pooled shape.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.lp_pool2d(x, 2.0, 2)
        tensor([[[[ 6.4807,  9.8995],
                  [21.4009, 25.3377]]]])
    """
    return _lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input: Tensor, norm_type: int | float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The p-norm over (kD, kH, kW) windows of ([N,] C, D, H, W).

    Args:
        input (Tensor): ([N,] C, D, H, W), floating.
        norm_type (float): the power p; each window gives `(Σ x^p)^(1/p)`.
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        Tensor: the windows' p-norms, of the pooled shape.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> F.lp_pool3d(x, 2.0, 2).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """
    return _lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 3)
