"""Convolution modules: Conv1d/2d/3d and ConvTranspose1d/2d/3d.

Constructor signatures, parameter shapes, default initialisation
(kaiming_uniform_(a=sqrt(5)) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in))
for the bias) and `extra_repr` follow PyTorch's `torch.nn.modules.conv`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ...ops.creation import empty
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
]


def _ntuple(value: Any, n: int) -> tuple:
    """PyTorch's _single/_pair/_triple: an iterable as a tuple, anything else repeated n times."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class _ConvNd(Module):
    """Shared state of the convolution modules: the hyper-parameters, weight and bias."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: tuple, stride: tuple, padding: Any,
                 dilation: tuple, transposed: bool, output_padding: tuple, groups: int, bias: bool,
                 padding_mode: str, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in {"same", "valid"}:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {set(_PADDING_MODES)}, but got padding_mode='{padding_mode}'"
            )
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.transposed, self.output_padding, self.groups = transposed, output_padding, groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = _reversed_padding(padding, kernel_size, dilation)
        shape = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(empty((*shape, *kernel_size), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty((out_channels,), device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """kaiming_uniform_(a=sqrt(5)) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


def _reversed_padding(padding: Any, kernel_size: tuple, dilation: tuple) -> list[int]:
    """F.pad's widths (last dim first) for a padding_mode other than zeros."""
    if not isinstance(padding, str):
        return [p for p in reversed(padding) for _ in range(2)]
    widths = [0, 0] * len(kernel_size)
    if padding == "same":
        for d, k, i in zip(dilation, kernel_size, range(len(kernel_size) - 1, -1, -1)):
            total = d * (k - 1)
            widths[2 * i], widths[2 * i + 1] = total // 2, total - total // 2
    return widths


class _Conv(_ConvNd):
    """Conv1d/2d/3d: the same module for n spatial dims."""

    _n = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        n = self._n
        padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n), padding,
                         _ntuple(dilation, n), False, _ntuple(0, n), groups, bias, padding_mode, device, dtype)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        conv = (F.conv1d, F.conv2d, F.conv3d)[self._n - 1]
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, _ntuple(0, self._n), self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over ([N,] C_in, L) -> ([N,] C_out, L_out); weight (C_out, C_in/groups, k).

    `L_out = (L + 2·padding - dilation·(k - 1) - 1) // stride + 1` (per spatial dim).

    Args:
        in_channels (int): channels of the input, C_in.
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel's length.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): padding added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        padding_mode (str): `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (Conv1d): a module with `weight` (C_out, C_in/groups, k) and `bias` (C_out,), mapping ([N,] C_in, L) to
            ([N,] C_out, L_out).

    Examples:
        >>> conv = nn.Conv1d(2, 4, 3, padding=1)
        >>> conv
        Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=(1,))
        >>> conv.weight.shape
        retrograd.Size([4, 2, 3])
        >>> conv(retrograd.zeros(5, 2, 8)).shape
        retrograd.Size([5, 4, 8])
        >>> nn.Conv1d(2, 4, 3, stride=2, bias=False)(retrograd.zeros(2, 8)).shape
        retrograd.Size([4, 3])
    """

    _n = 1


class Conv2d(_Conv):
    """2-D convolution over ([N,] C_in, H, W) -> ([N,] C_out, H_out, W_out); weight (C_out, C_in/groups, kH, kW).

    `H_out = (H + 2·padding - dilation·(kH - 1) - 1) // stride + 1`, and the same for W.

    Args:
        in_channels (int): channels of the input, C_in.
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel's height and width.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): zeros added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        padding_mode (str): `'zeros'`, `'reflect'`, `'replicate'` or `'circular'`.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (Conv2d): a module with `weight` (C_out, C_in/groups, kH, kW) and `bias` (C_out,).

    Examples:
        >>> conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
        >>> conv(retrograd.zeros(2, 3, 32, 32)).shape
        retrograd.Size([2, 8, 32, 32])
        >>> nn.Conv2d(3, 8, 5, stride=2)(retrograd.zeros(1, 3, 32, 32)).shape
        retrograd.Size([1, 8, 14, 14])
    """

    _n = 2


class Conv3d(_Conv):
    """3-D convolution over ([N,] C_in, D, H, W); weight (C_out, C_in/groups, kD, kH, kW).

    `D_out = (D + 2·padding - dilation·(k - 1) - 1) // stride + 1` (per spatial dim).

    Args:
        in_channels (int): channels of the input, C_in.
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size (an int for all 3 dims, or one per dim).
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): padding added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        padding_mode (str): `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (Conv3d): a module with `weight` (C_out, C_in/groups, kD, kH, kW) and `bias` (C_out,), mapping ([N,] C_in,
            D, H, W) to ([N,] C_out, D_out, H_out, W_out).

    Examples:
        >>> conv = nn.Conv3d(2, 4, 3, padding=1)
        >>> conv
        Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=(1, 1, 1))
        >>> conv.weight.shape
        retrograd.Size([4, 2, 3, 3, 3])
        >>> conv(retrograd.zeros(5, 2, 8, 8, 8)).shape
        retrograd.Size([5, 4, 8, 8, 8])
        >>> nn.Conv3d(2, 4, 3, stride=2, bias=False)(retrograd.zeros(2, 8, 8, 8)).shape
        retrograd.Size([4, 3, 3, 3])
    """

    _n = 3


class _ConvTransposeNd(_ConvNd):
    """ConvTranspose1d/2d/3d: the same module for n spatial dims (PyTorch's base class name)."""

    _n = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        n = self._n
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n), _ntuple(padding, n),
                         _ntuple(dilation, n), True, _ntuple(output_padding, n), groups, bias, padding_mode,
                         device, dtype)

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """output_padding, or the one that makes the output `output_size` (checked as PyTorch does)."""
        if output_size is None:
            return self.output_padding
        n = self._n
        lead = 2 if input.dim() == n + 2 else 1
        # the error message shows output_size as the caller passed it (tuple, list or Size), as PyTorch's does
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or {lead + n} "
                             f"elements (got {len(output_size)})")
        low = [(input.size(d + lead) - 1) * self.stride[d] - 2 * self.padding[d] + self.dilation[d]
               * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        high = [lo + s - 1 for lo, s in zip(low, self.stride)]
        for size, lo, hi in zip(output_size, low, high):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {low} to "
                                 f"{high} (for an input of {input.size()[lead:]})")
        return tuple(size - lo for size, lo in zip(output_size, low))

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self._n - 1]
        output_padding = self._output_padding(input, output_size)
        return conv(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                    self.dilation)


class _ConvTransposeMixin(_ConvTransposeNd):
    """PyTorch's deprecated internal base, kept importable for old code (mmengine imports it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn("`_ConvTransposeMixin` is a deprecated internal class. Please consider using public APIs.",
                      FutureWarning, stacklevel=2)
        super().__init__(*args, **kwargs)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution ([N,] C_in, L) -> ([N,] C_out, L_out); weight (C_in, C_out/groups, k).

    The gradient of Conv1d with respect to its input: `out = (in - 1)·stride - 2·padding + dilation·(k - 1) +
    output_padding + 1` per spatial dim.

    Args:
        in_channels (int): channels of the input, C_in.
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel's length.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): `dilation·(k - 1) - padding` zeros are added on each side of the input; it undoes a
            convolution's padding (default 0).
        output_padding (int or tuple): extra size added on one side of the output, to pick among the sizes a strided
            convolution maps to the same size; smaller than stride or dilation (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding_mode (str): only `'zeros'` is supported.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (ConvTranspose1d): a module with `weight` (C_in, C_out/groups, k) and `bias` (C_out,); `module(input,
            output_size=None)` maps ([N,] C_in, L) to ([N,] C_out, *out).

    Examples:
        >>> up = nn.ConvTranspose1d(4, 2, 3, stride=2, padding=1)
        >>> up
        ConvTranspose1d(4, 2, kernel_size=(3,), stride=(2,), padding=(1,))
        >>> up.weight.shape
        retrograd.Size([4, 2, 3])
        >>> x = retrograd.zeros(1, 4, 5)
        >>> up(x).shape
        retrograd.Size([1, 2, 9])
        >>> up(x, output_size=[10]).shape
        retrograd.Size([1, 2, 10])
    """

    _n = 1


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution ([N,] C_in, H, W) -> ([N,] C_out, H_out, W_out); weight (C_in, C_out/g, kH, kW).

    The gradient of Conv2d with respect to its input: `out = (in - 1)·stride - 2·padding + dilation·(k - 1) +
    output_padding + 1` per spatial dim.

    Args:
        in_channels (int): channels of the input, C_in.
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size (an int for all 2 dims, or one per dim).
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): `dilation·(k - 1) - padding` zeros are added on each side of the input; it undoes a
            convolution's padding (default 0).
        output_padding (int or tuple): extra size added on one side of the output, to pick among the sizes a strided
            convolution maps to the same size; smaller than stride or dilation (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding_mode (str): only `'zeros'` is supported.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (ConvTranspose2d): a module with `weight` (C_in, C_out/groups, kH, kW) and `bias` (C_out,); `module(input,
            output_size=None)` maps ([N,] C_in, H, W) to ([N,] C_out, *out).

    Examples:
        >>> up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
        >>> up
        ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
        >>> up.weight.shape
        retrograd.Size([4, 2, 3, 3])
        >>> x = retrograd.zeros(1, 4, 5, 5)
        >>> up(x).shape
        retrograd.Size([1, 2, 9, 9])
        >>> up(x, output_size=[10, 10]).shape
        retrograd.Size([1, 2, 10, 10])
    """

    _n = 2


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution ([N,] C_in, D, H, W); weight (C_in, C_out/groups, kD, kH, kW).

    The gradient of Conv3d with respect to its input: `out = (in - 1)·stride - 2·padding + dilation·(k - 1) +
    output_padding + 1` per spatial dim.

    Args:
        in_channels (int): channels of the input, C_in.
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size (an int for all 3 dims, or one per dim).
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): `dilation·(k - 1) - padding` zeros are added on each side of the input; it undoes a
            convolution's padding (default 0).
        output_padding (int or tuple): extra size added on one side of the output, to pick among the sizes a strided
            convolution maps to the same size; smaller than stride or dilation (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding_mode (str): only `'zeros'` is supported.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (ConvTranspose3d): a module with `weight` (C_in, C_out/groups, kD, kH, kW) and `bias` (C_out,);
            `module(input, output_size=None)` maps ([N,] C_in, D, H, W) to ([N,] C_out, *out).

    Examples:
        >>> up = nn.ConvTranspose3d(4, 2, 3, stride=2, padding=1)
        >>> up
        ConvTranspose3d(4, 2, kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1))
        >>> up.weight.shape
        retrograd.Size([4, 2, 3, 3, 3])
        >>> x = retrograd.zeros(1, 4, 5, 5, 5)
        >>> up(x).shape
        retrograd.Size([1, 2, 9, 9, 9])
        >>> up(x, output_size=[10, 10, 10]).shape
        retrograd.Size([1, 2, 10, 10, 10])
    """

    _n = 3
