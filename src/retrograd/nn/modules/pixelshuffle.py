"""PixelShuffle and PixelUnshuffle: trade channels for spatial resolution and back."""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    """(*, C·r², H, W) -> (*, C, H·r, W·r).

    Args:
        upscale_factor (int): r.

    Returns:
        (PixelShuffle): a module mapping (*, C·r², H, W) to (*, C, H·r, W·r).

    Examples:
        >>> ps = nn.PixelShuffle(2)
        >>> ps
        PixelShuffle(upscale_factor=2)
        >>> ps(retrograd.arange(4.0).reshape(1, 4, 1, 1))
        tensor([[[[0., 1.],
                  [2., 3.]]]])
        >>> ps(retrograd.ones(2, 8, 3, 3)).shape
        retrograd.Size([2, 2, 6, 6])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H·r, W·r) -> (*, C·r², H, W).

    Args:
        downscale_factor (int): r.

    Returns:
        (PixelUnshuffle): a module mapping (*, C, H·r, W·r) to (*, C·r², H, W).

    Examples:
        >>> pu = nn.PixelUnshuffle(2)
        >>> pu
        PixelUnshuffle(downscale_factor=2)
        >>> pu(retrograd.ones(2, 2, 6, 6)).shape
        retrograd.Size([2, 8, 3, 3])
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"

