"""Upsample, UpsamplingNearest2d and UpsamplingBilinear2d: resize through `F.interpolate`."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resize with `F.interpolate` to `size` or by `scale_factor` (nearest, linear, bilinear, bicubic, ...).

    Args:
        size (int or tuple, optional): the output's spatial size; give this or `scale_factor`.
        scale_factor (float or tuple, optional): the factor(s) to multiply the spatial size by.
        mode (str): `'nearest'` (default), `'nearest-exact'`, `'linear'`, `'bilinear'`, `'bicubic'` or `'trilinear'`.
        align_corners (bool, optional): for the linear modes and bicubic, map corner pixel centres onto each other.
        recompute_scale_factor (bool, optional): compute the sampling from the output size instead of `scale_factor`.

    Returns:
        (Upsample): a module mapping (N, C, *S) to (N, C, *size).

    Examples:
        >>> up = nn.Upsample(scale_factor=2, mode='linear')
        >>> up
        Upsample(scale_factor=2.0, mode='linear')
        >>> up(retrograd.tensor([[[1.0, 2.0, 4.0]]]))
        tensor([[[1.0000, 1.2500, 1.7500, 2.5000, 3.5000, 4.0000]]])
    """

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
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """`Upsample(mode='nearest')` for ([N,] C, H, W).

    Args:
        size (int or tuple, optional): the output's (H, W); give this or `scale_factor`.
        scale_factor (float or tuple, optional): the factor(s) to multiply H and W by.

    Returns:
        (UpsamplingNearest2d): a module mapping (N, C, H, W) to (N, C, *size).

    Examples:
        >>> up = nn.UpsamplingNearest2d(scale_factor=2)
        >>> up
        UpsamplingNearest2d(scale_factor=2.0, mode='nearest')
        >>> up(retrograd.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """`Upsample(mode='bilinear', align_corners=True)`.

    Args:
        size (int or tuple, optional): the output's (H, W); give this or `scale_factor`.
        scale_factor (float or tuple, optional): the factor(s) to multiply H and W by.

    Returns:
        (UpsamplingBilinear2d): a module mapping (N, C, H, W) to (N, C, *size).

    Examples:
        >>> up = nn.UpsamplingBilinear2d(scale_factor=2)
        >>> up
        UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')
        >>> up(retrograd.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
        tensor([[[[1.0000, 1.3333, 1.6667, 2.0000],
                  [1.6667, 2.0000, 2.3333, 2.6667],
                  [2.3333, 2.6667, 3.0000, 3.3333],
                  [3.0000, 3.3333, 3.6667, 4.0000]]]])
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
