"""Fold and Unfold: sliding blocks to columns and back (col2im / im2col), as torch.nn."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    """col2im: columns (N, C*prod(kernel), L) summed into (N, C, *output_size).

    Args:
        output_size (int or tuple): the spatial size (H, W) of the result.
        kernel_size (int or tuple): the block size.
        dilation (int or tuple): the spacing between block elements (default 1).
        padding (int or tuple): the padding of the original input (default 0).
        stride (int or tuple): the step between blocks (default 1).

    Returns:
        (Fold): a module mapping columns (N, C·kH·kW, L) or (C·kH·kW, L) to (N, C, H, W) or (C, H, W), overlaps summed.

    Examples:
        >>> fold = nn.Fold(output_size=3, kernel_size=2)
        >>> fold
        Fold(output_size=3, kernel_size=2, dilation=1, padding=0, stride=1)
        >>> fold(retrograd.ones(1, 4, 4))
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """im2col: sliding blocks of (N, C, H, W) as columns (N, C*prod(kernel), L).

    Args:
        kernel_size (int or tuple): the block size.
        dilation (int or tuple): the spacing between block elements (default 1).
        padding (int or tuple): zeros added on each side (default 0).
        stride (int or tuple): the step between blocks (default 1).

    Returns:
        (Unfold): a module mapping (N, C, H, W) or (C, H, W) to columns (N, C·kH·kW, L) or (C·kH·kW, L).

    Examples:
        >>> unfold = nn.Unfold(kernel_size=2)
        >>> unfold
        Unfold(kernel_size=2, dilation=1, padding=0, stride=1)
        >>> unfold(retrograd.arange(9.0).reshape(1, 1, 3, 3))
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
    """

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
