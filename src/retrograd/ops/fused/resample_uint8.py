"""uint8 images through bilinear, bicubic and lanczos `interpolate`, in fixed point as PyTorch's CPU does it.

PyTorch resizes uint8 images the way Pillow does: each axis's float weights (the same maps as
the float kernels: `linear_map`, `cubic_map`, `antialias_map`) are summed per input pixel, so
taps clamped onto a border pixel merge before rounding; they are scaled to int16 by a power of
two chosen from the largest weight of the axis; and each output is
`(sum w * x + half) >> precision`, clamped to [0, 255]. The width is resized first and the
intermediate image is stored as uint8; an axis whose size does not change is left as it is.
Integer images have no gradient, so the primitive has no derivative rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...backend import on_device_of
from ...engine.primitive import Primitive
from ...tensor import Tensor
from .resample import Map


def fixed_point(index: Any, weights: Any, size: int) -> tuple[Any, int]:
    """The map as an (out, size) int64 matrix of int16-range weights, and its precision in bits."""
    dense = np.zeros((index.shape[0], size))
    rows = np.repeat(np.arange(index.shape[0]), index.shape[1])
    np.add.at(dense, (rows, index.ravel()), weights.astype(np.float64).ravel())
    largest = dense.max(initial=0.0)
    precision = 0
    while precision < 22 and int(0.5 + largest * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    scaled = dense * (1 << precision)
    # C's (int)(v + 0.5) for v >= 0 and (int)(v - 0.5) below: round half away from zero
    return np.trunc(scaled + np.where(scaled < 0, -0.5, 0.5)).astype(np.int64), precision


def _forward(xp: Any, a: Any, axes: tuple, maps: tuple) -> Any:
    for axis, (index, weights) in zip(axes, maps):
        if index.shape[0] == a.shape[axis]:
            continue
        matrix, precision = fixed_point(index, weights, a.shape[axis])
        moved = xp.moveaxis(a, axis, -1).astype(xp.int64)
        acc = moved @ on_device_of(matrix.T, a) + (1 << (precision - 1))
        a = xp.moveaxis(xp.clip(acc >> precision, 0, 255).astype(xp.uint8), -1, axis)
    return xp.ascontiguousarray(a)


_RESIZE_UINT8 = Primitive("resize_uint8", _forward, [None], node_name="UpsampleBackward0")


def resize_uint8(x: Tensor, maps: tuple[Map, ...]) -> Tensor:
    """(N, C, H, W) uint8 resized by the float maps of H and W, the width first, in fixed point."""
    return _RESIZE_UINT8(x, axes=(3, 2), maps=(maps[1], maps[0]))
