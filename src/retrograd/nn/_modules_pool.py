"""Pooling, padding, Fold/Unfold and Upsample modules, as in torch.nn (re-exported by modules_conv).

Each module stores its arguments the way PyTorch does (so `extra_repr` prints
the same) and calls the matching function of `nn.functional`.
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import _functional_pool as P
from . import functional_conv as FC
from .module import Module

__all__ = [
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "Fold", "Unfold",
    "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


class _MaxPoolNd(Module):
    _fn = staticmethod(P.max_pool2d)

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        return self._fn(input, self.kernel_size, self.stride, self.padding, self.dilation, ceil_mode=self.ceil_mode,
                        return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over windows of ([N,] C, L)."""

    _fn = staticmethod(P.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Max over (kH, kW) windows of ([N,] C, H, W)."""

    _fn = staticmethod(P.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """Max over (kD, kH, kW) windows of ([N,] C, D, H, W)."""

    _fn = staticmethod(P.max_pool3d)


class _AvgPoolNd(Module):
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over windows of ([N,] C, L)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return P.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


def _single(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class _AvgPool(_AvgPoolNd):
    _fn = staticmethod(P.avg_pool2d)

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return self._fn(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                        self.divisor_override)


class AvgPool2d(_AvgPool):
    """Mean over (kH, kW) windows of ([N,] C, H, W)."""

    _fn = staticmethod(P.avg_pool2d)


class AvgPool3d(_AvgPool):
    """Mean over (kD, kH, kW) windows of ([N,] C, D, H, W)."""

    _fn = staticmethod(P.avg_pool3d)


class _AdaptiveAvg(Module):
    _fn = staticmethod(P.adaptive_avg_pool2d)

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return self._fn(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvg):
    """Average over adaptive windows: ([N,] C, L) -> ([N,] C, output_size)."""

    _fn = staticmethod(P.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvg):
    """Average over adaptive windows: ([N,] C, H, W) -> ([N,] C, *output_size)."""

    _fn = staticmethod(P.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvg):
    """Average over adaptive windows: ([N,] C, D, H, W) -> ([N,] C, *output_size)."""

    _fn = staticmethod(P.adaptive_avg_pool3d)


class _AdaptiveMax(Module):
    _fn = staticmethod(P.adaptive_max_pool2d)

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return self._fn(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMax):
    """Max over adaptive windows: ([N,] C, L) -> ([N,] C, output_size)."""

    _fn = staticmethod(P.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMax):
    """Max over adaptive windows: ([N,] C, H, W) -> ([N,] C, *output_size)."""

    _fn = staticmethod(P.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMax):
    """Max over adaptive windows: ([N,] C, D, H, W) -> ([N,] C, *output_size)."""

    _fn = staticmethod(P.adaptive_max_pool3d)


class Upsample(Module):
    """Resize with `FC.interpolate` to `size` or by `scale_factor` (nearest, linear, bilinear, bicubic, ...)."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return FC.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """`Upsample(mode='nearest')` for ([N,] C, H, W)."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """`Upsample(mode='bilinear', align_corners=True)`."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class Fold(Module):
    """col2im: columns (N, C*prod(kernel), L) summed into (N, C, *output_size)."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return FC.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """im2col: sliding blocks of (N, C, H, W) as columns (N, C*prod(kernel), L)."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return FC.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"


class _PadNd(Module):
    _dims, _mode = 1, "constant"

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * self._dims)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self._mode == "constant":
            return FC.pad(input, self.padding, "constant", self.value)
        return FC.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_PadNd):
    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ZeroPad1d(_PadNd):
    """Pad the last dim with zeros; `padding` = int or (left, right)."""

    _dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)


class ZeroPad2d(ZeroPad1d):
    """Pad the last 2 dims with zeros; `padding` = int or (left, right, top, bottom)."""

    _dims = 2


class ZeroPad3d(ZeroPad1d):
    """Pad the last 3 dims with zeros; `padding` = int or 6 widths."""

    _dims = 3


class ConstantPad1d(_ConstantPad):
    """Pad the last dim with `value`."""

    _dims = 1

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)


class ConstantPad2d(ConstantPad1d):
    """Pad the last 2 dims with `value`."""

    _dims = 2


class ConstantPad3d(ConstantPad1d):
    """Pad the last 3 dims with `value`."""

    _dims = 3


class ReflectionPad1d(_PadNd):
    """Pad the last 1 dim by reflecting the input; `padding` = int or 2 widths (last dim first)."""

    _dims, _mode = 1, "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReflectionPad2d(_PadNd):
    """Pad the last 2 dims by reflecting the input; `padding` = int or 4 widths (last dim first)."""

    _dims, _mode = 2, "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReflectionPad3d(_PadNd):
    """Pad the last 3 dims by reflecting the input; `padding` = int or 6 widths (last dim first)."""

    _dims, _mode = 3, "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad1d(_PadNd):
    """Pad the last 1 dim by replicateing the input; `padding` = int or 2 widths (last dim first)."""

    _dims, _mode = 1, "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad2d(_PadNd):
    """Pad the last 2 dims by replicateing the input; `padding` = int or 4 widths (last dim first)."""

    _dims, _mode = 2, "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad3d(_PadNd):
    """Pad the last 3 dims by replicateing the input; `padding` = int or 6 widths (last dim first)."""

    _dims, _mode = 3, "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad1d(_PadNd):
    """Pad the last 1 dim by circularing the input; `padding` = int or 2 widths (last dim first)."""

    _dims, _mode = 1, "circular"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad2d(_PadNd):
    """Pad the last 2 dims by circularing the input; `padding` = int or 4 widths (last dim first)."""

    _dims, _mode = 2, "circular"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad3d(_PadNd):
    """Pad the last 3 dims by circularing the input; `padding` = int or 6 widths (last dim first)."""

    _dims, _mode = 3, "circular"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)
