"""Antialiased resampling maps (`interpolate(..., antialias=True)`): bilinear, bicubic and lanczos filters
widened by the scale.

When an axis shrinks by `scale` > 1, each output averages the inputs under a filter stretched
`scale` times (a triangle for bilinear, Keys' cubic with A = -0.5 for bicubic, Lanczos-3 for
lanczos), as PIL does,
so fine detail is averaged instead of skipped. Each output's weights are normalised to sum to 1.
The result is an ordinary separable map `(index, weights)` for `resample`, whose transpose
gives the gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .resample import Map


def _triangle(x: Any) -> Any:
    return np.maximum(0.0, 1.0 - np.abs(x))


def _cubic(x: Any) -> Any:
    a = -0.5  # the antialiased bicubic filter uses Keys' A = -0.5 (plain bicubic: -0.75)
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _lanczos(x: Any) -> Any:
    x = np.abs(x)  # sinc(x) sinc(x / 3) inside |x| < 3 (np.sinc is sin(pi x) / (pi x))
    return np.where(x < 3, np.sinc(x) * np.sinc(x / 3), 0.0)


# each filter and its support (half-width) at scale 1
_FILTERS = {"bilinear": (_triangle, 1.0), "bicubic": (_cubic, 2.0), "lanczos": (_lanczos, 3.0)}


def _scale(size: int, out: int, scale: float | None, align_corners: bool) -> float:
    """Input pixels per output pixel (area_pixel_compute_scale)."""
    if align_corners:
        return (size - 1) / (out - 1) if out > 1 else 0.0
    return 1.0 / scale if scale else size / out


def antialias_map(size: int, out: int, scale: float | None, align_corners: bool, mode: str, dtype: Any) -> Map:
    """The map of one axis: output i averages the inputs within the (stretched) filter `mode`'s support."""
    kernel, reach = _FILTERS[mode]
    s = _scale(size, out, scale, align_corners)
    support = reach * max(s, 1.0)
    stretch = 1.0 / s if s >= 1.0 else 1.0
    center = s * (np.arange(out) + 0.5)  # with align_corners too: only the scale changes
    lo = np.maximum(np.trunc(center - support + 0.5).astype(np.int64), 0)
    hi = np.minimum(np.trunc(center + support + 0.5).astype(np.int64), size)
    taps = max(int((hi - lo).max(initial=1)), 1)
    index = lo[:, None] + np.arange(taps)
    inside = index < hi[:, None]
    weights = np.where(inside, kernel((index - center[:, None] + 0.5) * stretch), 0.0)
    total = weights.sum(1, keepdims=True)
    weights = np.where(total != 0, weights / np.where(total != 0, total, 1.0), 0.0)
    return np.minimum(index, size - 1), weights.astype(np.dtype(dtype))
