"""grid_sample's pixel coordinates: normalised grid values unnormalised, then folded by the padding mode.

PyTorch computes them twice over, in two kernels with different arithmetic, and each is
reproduced here operation for operation so float32 results have PyTorch's bits:

- `vectorized_*`: the 2-D CPU kernel (GridSamplerKernel.cpp's ComputeLocation) on SIMD vectors.
  Its compiler fuses a product followed by a sum into one multiply-add that rounds once:
  `(g + 1) * (size / 2) - 0.5` and the reflection's `|x| - flips * 2span` are fused (`fma`).
  Reflection folds by `trunc(|x| / 2span)` double flips and `min(extra, 2span - extra)`; the
  clip maps NaN to 0 in the forward and keeps it in the backward.
- `scalar_*`: the 3-D kernel (GridSampler.h's grid_sampler_compute_source_index), plain C++ with
  one rounding per operation: `((g + 1) * size - 1) / 2`, reflection by `fmod` and `floor`.

Each `*_with_grad` also returns d(coordinate)/d(grid value): the unnormalising scale, times -1
where the reflection flips, times 0 where the clip holds the coordinate at a border (a point on
the border counts as outside, as PyTorch's).
"""

from __future__ import annotations

from typing import Any

from ..kernels.fused_multiply_add import fma

__all__: list[str] = []


def scale(size: int, align_corners: bool, dtype: Any) -> Any:
    """The unnormalising factor d(pixel)/d(grid value): (size - 1) / 2 with align_corners, size / 2 without."""
    return dtype.type(size - 1 if align_corners else size) / dtype.type(2)


def vectorized_unnormalize(xp: Any, g: Any, size: int, align_corners: bool) -> Any:
    """Pixel coordinates of normalised values g: (g + 1) * s, or (g + 1) * s - 0.5 in one rounding."""
    s = scale(size, align_corners, g.dtype)
    if align_corners:
        return (g + 1) * s
    return fma(xp, g + 1, s, g.dtype.type(-0.5), g.dtype)


def _vectorized_fold(xp: Any, x: Any, size: int, align_corners: bool) -> tuple:
    """(|x - low|, the remainder after whole double flips, 2span) of the reflection about [low, low + span]."""
    dt = x.dtype
    twice_span = dt.type(2 * (size - 1) if align_corners else 2 * size)
    shifted = x if align_corners else x + dt.type(0.5)
    distance = xp.abs(shifted)
    flips = xp.trunc(distance / twice_span)
    return shifted, fma(xp, -flips, twice_span, distance, dt), twice_span


def vectorized_compute(xp: Any, x: Any, size: int, padding_mode: str, align_corners: bool) -> Any:
    """Pixel coordinates x folded into the input by the padding mode (no change for 'zeros')."""
    if padding_mode == "zeros":
        return x
    if padding_mode == "reflection":
        if align_corners and size <= 1:
            x = xp.zeros_like(x)
        else:
            _, extra, twice_span = _vectorized_fold(xp, x, size, align_corners)
            x = xp.minimum(extra, twice_span - extra)
            if not align_corners:
                x = x - x.dtype.type(0.5)
    # NaN clips to 0 (the kernel's max(0, x) returns its first operand when one is NaN)
    return xp.minimum(xp.fmax(x, x.dtype.type(0)), x.dtype.type(size - 1))


def vectorized_source(xp: Any, g: Any, size: int, padding_mode: str, align_corners: bool) -> Any:
    """The 2-D kernel's pixel coordinates of grid values g along an axis of `size` pixels."""
    return vectorized_compute(xp, vectorized_unnormalize(xp, g, size, align_corners), size, padding_mode,
                              align_corners)


def vectorized_source_with_grad(xp: Any, g: Any, size: int, padding_mode: str, align_corners: bool) -> tuple:
    """(coordinates, d coordinates / d g) as the 2-D kernel's backward computes them."""
    dt = g.dtype
    x = vectorized_unnormalize(xp, g, size, align_corners)
    mult = xp.full(g.shape, scale(size, align_corners, dt), dt)
    if padding_mode == "zeros":
        return x, mult
    if padding_mode == "reflection":
        if align_corners and size <= 1:
            x, mult = xp.zeros_like(x), xp.zeros_like(mult)
        else:
            shifted, extra, twice_span = _vectorized_fold(xp, x, size, align_corners)
            reflected = twice_span - extra
            flip = extra > reflected
            x = xp.where(flip, reflected, extra)
            if not align_corners:
                x = x - dt.type(0.5)
            mult = xp.where(flip ^ (shifted < 0), -mult, mult)
    # the clip's gradient: zero where it holds x at 0 or size - 1 (NaN passes through, with its gradient)
    top = dt.type(size - 1)
    held = (x <= 0) | (x >= top)
    return xp.minimum(xp.maximum(x, dt.type(0)), top), xp.where(held, dt.type(0), mult)


def _scalar_unnormalize(g: Any, size: int, align_corners: bool) -> Any:
    dt = g.dtype
    if align_corners:
        return (g + 1) / dt.type(2) * dt.type(size - 1)
    return ((g + 1) * dt.type(size) - 1) / dt.type(2)


def _scalar_reflect(xp: Any, x: Any, twice_low: int, twice_high: int) -> tuple:
    """(x mirrored into [low, high], the mirror's sign) as GridSampler.h's reflect_coordinates_set_grad."""
    dt = x.dtype
    if twice_low == twice_high:
        return xp.zeros_like(x), xp.zeros_like(x)
    low, span = dt.type(twice_low) / dt.type(2), dt.type(twice_high - twice_low) / dt.type(2)
    shifted = x - low
    distance = xp.abs(shifted)
    extra = xp.fmod(distance, span)
    odd = xp.floor(distance / span) % 2 == 1
    sign = xp.where(odd ^ (shifted < 0), dt.type(-1), dt.type(1))
    return xp.where(odd, span - extra + low, extra + low), sign


def scalar_source_with_grad(xp: Any, g: Any, size: int, padding_mode: str, align_corners: bool,
                            backward: bool = False) -> tuple:
    """(coordinates, d coordinates / d g) as the 3-D kernel computes them, in its forward or `backward`."""
    dt = g.dtype
    x = _scalar_unnormalize(g, size, align_corners)
    mult = xp.full(g.shape, scale(size, align_corners, dt), dt)
    if padding_mode == "zeros":
        return x, mult
    if padding_mode == "reflection":
        twice_low, twice_high = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        x, sign = _scalar_reflect(xp, x, twice_low, twice_high)
        mult = mult * sign
    # the forward's min(size - 1, max(x, 0)) sends NaN to size - 1, the backward's comparisons keep it;
    # the gradient is 0 where x is held at a border
    top = dt.type(size - 1)
    held = (x <= 0) | (x >= top)
    inner = xp.where(x >= top, top, x) if backward else xp.where(x < top, x, top)
    clipped = xp.where(x <= 0, dt.type(0), inner)
    return clipped, xp.where(held, dt.type(0), mult)
