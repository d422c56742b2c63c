"""PyTorch's own checks of a 1-D max pooling, made before it runs the 2-D pooling (or its 1-D kernel).

`F.max_pool1d` without indices calls `torch.max_pool1d`, whose C++ checks name `max_pool1d()`
(`check_max_pool1d` in ATen's MaxPooling.h) and whose CPU kernel takes floating inputs only; with
`return_indices` it calls `torch.max_pool1d_with_indices`, whose argument parser wants one int per
argument. The rest (the 2-D pooling's checks and messages) is the same for both.
"""

from __future__ import annotations

from typing import Any

from ...engine.grad_mode import is_grad_enabled
from ...tensor import Tensor

_FLOATING = ("float16", "bfloat16", "float32", "float64")


def _sizes(value: Any) -> list[int]:
    return [int(value)] if isinstance(value, int) else [int(v) for v in value]


def check_one_int_arguments(kernel_size: Any, stride: Any, padding: Any, dilation: Any) -> None:
    """`torch.max_pool1d_with_indices`'s parser: each argument an int or a sequence of one (stride may be empty)."""
    for name, value in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding),
                        ("dilation", dilation)):
        if value is None or isinstance(value, int) or (name == "stride" and len(value) == 0):
            continue
        if len(value) != 1:
            raise RuntimeError(f"max_pool1d() argument '{name}' should contain one int (got {len(value)})")


def check_max_pool1d(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool) -> None:
    """`torch.max_pool1d`'s checks, in its order: the input's dims, each argument's length, then its value,
    the output length, and (on the path without a gradient to record) a floating dtype."""
    sizes = list(x.shape)
    if not ((len(sizes) == 2 and 0 not in sizes) or (len(sizes) == 3 and 0 not in sizes[1:])):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{sizes}")
    kernel, pad, dil = _sizes(kernel_size), _sizes(padding), _sizes(dilation)
    step = [] if stride is None else _sizes(stride)
    _check_lengths(kernel, step, pad, dil)
    k, s, p, d = kernel[0], (step or kernel)[0], pad[0], dil[0]
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = output_length(sizes[-1], k, s, p, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    recorded = x.requires_grad and is_grad_enabled()  # PyTorch then runs max_pool1d_with_indices instead
    if not recorded and x.device.type == "cpu" and x.dtype.name not in _FLOATING:
        raise NotImplementedError(f"\"max_pool1d_impl\" not implemented for '{x.dtype.kind_name}'")


def _check_lengths(kernel: list[int], stride: list[int], padding: list[int], dilation: list[int]) -> None:
    if len(kernel) != 1:
        raise RuntimeError("max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got "
                           f"size {len(kernel)}")
    if len(stride) > 1:
        raise RuntimeError("max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but "
                           f"got size {len(stride)}")
    if len(padding) != 1:
        raise RuntimeError("max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got "
                           f"size {len(padding)}")
    if len(dilation) != 1:
        raise RuntimeError("max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got "
                           f"size {len(dilation)}")


def output_length(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: floor or ceil, and no window starting in the right padding."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out
