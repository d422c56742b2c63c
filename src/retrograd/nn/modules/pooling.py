"""Pooling modules: max, average and adaptive, 1-D to 3-D, as in torch.nn.

Each module stores its arguments the way PyTorch does (so `extra_repr` prints
the same) and calls the matching function of `nn.functional`.
"""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .module import Module

# PyTorch defines these in torch.nn.modules.pooling; tools such as thop name them there.
from .unpooling import FractionalMaxPool2d as FractionalMaxPool2d
from .unpooling import FractionalMaxPool3d as FractionalMaxPool3d
from .unpooling import MaxUnpool1d as MaxUnpool1d
from .unpooling import MaxUnpool2d as MaxUnpool2d
from .unpooling import MaxUnpool3d as MaxUnpool3d
from .unpooling import _MaxUnpoolNd as _MaxUnpoolNd

__all__ = [
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "LPPool1d", "LPPool2d", "LPPool3d",
]


class _MaxPoolNd(Module):
    # the name of the `F` function a forward runs, looked up at call time as PyTorch's modules do,
    # so a patched `torch.nn.functional.max_pool2d` (ptflops' FLOP counting) runs for the module too
    _fn = "max_pool2d"

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
        return getattr(F, self._fn)(input, self.kernel_size, self.stride, self.padding, self.dilation,
                                    ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over windows of ([N,] C, L).

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        return_indices (bool): also return the flat positions of the maxima, for `MaxUnpool` (default False).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        (MaxPool1d): a module mapping ([N,] C, L) to the pooled shape (and indices with `return_indices`).

    Examples:
        >>> x = retrograd.arange(8.0).reshape(1, 1, 8)
        >>> pool = nn.MaxPool1d(2)
        >>> pool
        MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> pool(x)
        tensor([[[1., 3., 5., 7.]]])
        >>> nn.MaxPool1d(3, stride=2, padding=1, return_indices=True)(x)
        (tensor([[[1., 3., 5., 7.]]]), tensor([[[1, 3, 5, 7]]]))
    """

    _fn = "max_pool1d"


class MaxPool2d(_MaxPoolNd):
    """Max over (kH, kW) windows of ([N,] C, H, W).

    Args:
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        return_indices (bool): also return the flat positions of the maxima, for `MaxUnpool` (default False).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        (MaxPool2d): a module mapping ([N,] C, H, W) to the pooled shape (and indices with `return_indices`).

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> pool = nn.MaxPool2d(2)
        >>> pool
        MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> pool(x)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    _fn = "max_pool2d"


class MaxPool3d(_MaxPoolNd):
    """Max over (kD, kH, kW) windows of ([N,] C, D, H, W).

    Args:
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit -inf padding on both sides, at most half the kernel (default 0).
        dilation (int or tuple): the spacing between window elements (default 1).
        return_indices (bool): also return the flat positions of the maxima, for `MaxUnpool` (default False).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        (MaxPool3d): a module mapping ([N,] C, D, H, W) to the pooled shape (and indices with `return_indices`).

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> pool = nn.MaxPool3d(2)
        >>> pool
        MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> pool(x).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """

    _fn = "max_pool3d"


class _AvgPoolNd(Module):
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over windows of ([N,] C, L).

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit zero padding on both sides, at most half the kernel (default 0).
        ceil_mode (bool): round the output size up instead of down (default False).
        count_include_pad (bool): count the padding zeros in the mean's divisor (default True).

    Returns:
        (AvgPool1d): a module mapping ([N,] C, L) to the pooled shape.

    Examples:
        >>> x = retrograd.arange(8.0).reshape(1, 1, 8)
        >>> pool = nn.AvgPool1d(2)
        >>> pool
        AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))
        >>> pool(x)
        tensor([[[0.5000, 2.5000, 4.5000, 6.5000]]])
        >>> nn.AvgPool1d(3, stride=1, padding=1, count_include_pad=False)(x)
        tensor([[[0.5000, 1.0000, 2.0000, 3.0000, 4.0000, 5.0000, 6.0000, 6.5000]]])
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


def _single(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class _AvgPool(_AvgPoolNd):
    _fn = "avg_pool2d"

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
        return getattr(F, self._fn)(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                    self.count_include_pad, self.divisor_override)


class AvgPool2d(_AvgPool):
    """Mean over (kH, kW) windows of ([N,] C, H, W).

    Args:
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit zero padding on both sides, at most half the kernel (default 0).
        ceil_mode (bool): round the output size up instead of down (default False).
        count_include_pad (bool): count the padding zeros in the mean's divisor (default True).
        divisor_override (int, optional): divide every window's sum by this instead.

    Returns:
        (AvgPool2d): a module mapping ([N,] C, H, W) to the pooled shape.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> pool = nn.AvgPool2d(2)
        >>> pool
        AvgPool2d(kernel_size=2, stride=2, padding=0)
        >>> pool(x)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    _fn = "avg_pool2d"


class AvgPool3d(_AvgPool):
    """Mean over (kD, kH, kW) windows of ([N,] C, D, H, W).

    Args:
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        padding (int or tuple): implicit zero padding on both sides, at most half the kernel (default 0).
        ceil_mode (bool): round the output size up instead of down (default False).
        count_include_pad (bool): count the padding zeros in the mean's divisor (default True).
        divisor_override (int, optional): divide every window's sum by this instead.

    Returns:
        (AvgPool3d): a module mapping ([N,] C, D, H, W) to the pooled shape.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> pool = nn.AvgPool3d(2)
        >>> pool
        AvgPool3d(kernel_size=2, stride=2, padding=0)
        >>> pool(x).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """

    _fn = "avg_pool3d"


class _AdaptiveAvgPoolNd(Module):
    _fn = "adaptive_avg_pool2d"

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return getattr(F, self._fn)(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average over adaptive windows: ([N,] C, L) -> ([N,] C, output_size).

    Args:
        output_size (int or tuple): the output length.

    Returns:
        (AdaptiveAvgPool1d): a module mapping ([N,] C, L) to `output_size` by averaging over windows it picks to
            cover the input.

    Examples:
        >>> x = retrograd.arange(8.0).reshape(1, 1, 8)
        >>> pool = nn.AdaptiveAvgPool1d(3)
        >>> pool
        AdaptiveAvgPool1d(output_size=3)
        >>> pool(x)
        tensor([[[1.0000, 3.5000, 6.0000]]])
    """

    _fn = "adaptive_avg_pool1d"


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average over adaptive windows: ([N,] C, H, W) -> ([N,] C, *output_size).

    Args:
        output_size (int or tuple): the output size, an int for all 2 dims or one per dim (None keeps that dim).

    Returns:
        (AdaptiveAvgPool2d): a module mapping ([N,] C, H, W) to `output_size` by averaging over windows it picks to
            cover the input.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> pool = nn.AdaptiveAvgPool2d(2)
        >>> pool
        AdaptiveAvgPool2d(output_size=2)
        >>> pool(x)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    _fn = "adaptive_avg_pool2d"


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average over adaptive windows: ([N,] C, D, H, W) -> ([N,] C, *output_size).

    Args:
        output_size (int or tuple): the output size, an int for all 3 dims or one per dim (None keeps that dim).

    Returns:
        (AdaptiveAvgPool3d): a module mapping ([N,] C, D, H, W) to `output_size` by averaging over windows it picks
            to cover the input.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> pool = nn.AdaptiveAvgPool3d(2)
        >>> pool
        AdaptiveAvgPool3d(output_size=2)
        >>> pool(x).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """

    _fn = "adaptive_avg_pool3d"


class _AdaptiveMaxPoolNd(Module):
    _fn = "adaptive_max_pool2d"

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return getattr(F, self._fn)(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max over adaptive windows: ([N,] C, L) -> ([N,] C, output_size).

    Args:
        output_size (int or tuple): the output length.
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        (AdaptiveMaxPool1d): a module mapping ([N,] C, L) to `output_size` by the max over windows it picks to cover
            the input.

    Examples:
        >>> x = retrograd.arange(8.0).reshape(1, 1, 8)
        >>> pool = nn.AdaptiveMaxPool1d(3)
        >>> pool
        AdaptiveMaxPool1d(output_size=3)
        >>> pool(x)
        tensor([[[2., 5., 7.]]])
        >>> nn.AdaptiveMaxPool1d(2, return_indices=True)(x)
        (tensor([[[3., 7.]]]), tensor([[[3, 7]]]))
    """

    _fn = "adaptive_max_pool1d"


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max over adaptive windows: ([N,] C, H, W) -> ([N,] C, *output_size).

    Args:
        output_size (int or tuple): the output size, an int for all 2 dims or one per dim (None keeps that dim).
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        (AdaptiveMaxPool2d): a module mapping ([N,] C, H, W) to `output_size` by the max over windows it picks to
            cover the input.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> pool = nn.AdaptiveMaxPool2d(2)
        >>> pool
        AdaptiveMaxPool2d(output_size=2)
        >>> pool(x)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    _fn = "adaptive_max_pool2d"


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max over adaptive windows: ([N,] C, D, H, W) -> ([N,] C, *output_size).

    Args:
        output_size (int or tuple): the output size, an int for all 3 dims or one per dim (None keeps that dim).
        return_indices (bool): also return the flat positions of the maxima (default False).

    Returns:
        (AdaptiveMaxPool3d): a module mapping ([N,] C, D, H, W) to `output_size` by the max over windows it picks to
            cover the input.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> pool = nn.AdaptiveMaxPool3d(2)
        >>> pool
        AdaptiveMaxPool3d(output_size=2)
        >>> pool(x).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """

    _fn = "adaptive_max_pool3d"


class _LPPoolNd(Module):
    """The p-norm over each window (see F.lp_pool1d/2d/3d)."""

    _fn = ""

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return getattr(F, self._fn)(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """Power-average pooling over ([N,] C, L).

    Args:
        norm_type (float): the power p: each window gives `(Σ x^p)^(1/p)`; inf is max pooling, 1 sum pooling.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        (LPPool1d): a module mapping ([N,] C, L) to the pooled shape.

    Examples:
        >>> x = retrograd.arange(8.0).reshape(1, 1, 8)
        >>> pool = nn.LPPool1d(2, 2)
        >>> pool
        LPPool1d(norm_type=2, kernel_size=2, stride=None, ceil_mode=False)
        >>> pool(x)
        tensor([[[1.0000, 3.6056, 6.4031, 9.2195]]])
    """

    _fn = "lp_pool1d"


class LPPool2d(_LPPoolNd):
    """Power-average pooling over ([N,] C, H, W).

    Args:
        norm_type (float): the power p: each window gives `(Σ x^p)^(1/p)`; inf is max pooling, 1 sum pooling.
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        (LPPool2d): a module mapping ([N,] C, H, W) to the pooled shape.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> pool = nn.LPPool2d(2, 2)
        >>> pool
        LPPool2d(norm_type=2, kernel_size=2, stride=None, ceil_mode=False)
        >>> pool(x)
        tensor([[[[ 6.4807,  9.8995],
                  [21.4009, 25.3377]]]])
    """

    _fn = "lp_pool2d"


class LPPool3d(_LPPoolNd):
    """Power-average pooling over ([N,] C, D, H, W).

    Args:
        norm_type (float): the power p: each window gives `(Σ x^p)^(1/p)`; inf is max pooling, 1 sum pooling.
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        stride (int or tuple, optional): the step between windows (default `kernel_size`).
        ceil_mode (bool): round the output size up instead of down (default False).

    Returns:
        (LPPool3d): a module mapping ([N,] C, D, H, W) to the pooled shape.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> pool = nn.LPPool3d(2, 2)
        >>> pool
        LPPool3d(norm_type=2, kernel_size=2, stride=None, ceil_mode=False)
        >>> pool(x).shape
        retrograd.Size([1, 1, 2, 2, 2])
    """

    _fn = "lp_pool3d"
