"""grid_sample composed of differentiable tensor ops: what the primitive's rule differentiates when its
backward is itself recorded (`create_graph=True`, forward-mode AD, vmap), so every order of
derivative is exact (PyTorch's double backward through grid_sample works too).

The normalised coordinates are unnormalised to pixels, folded into range by the padding mode
('border' clamps, 'reflection' mirrors), then interpolated: bilinearly (trilinearly for 5-D)
from the 2^d surrounding pixels, bicubically from the 4 x 4 around (A = -0.75, coordinates
unnormalised but not folded; each pixel read is folded instead), or from the nearest one (ties
to even). Pixels outside the input read as zero. Values agree with the primitive's to rounding.
"""

from __future__ import annotations

import itertools

from ...dtypes import bool_, int64
from ...tensor import Tensor
from ..creation import ones
from ..elementwise.clamp_where import where

__all__: list[str] = []


def _reflect(x: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Mirror coordinates into [twice_low/2, twice_high/2], folding as often as needed."""
    if twice_low == twice_high:
        return x * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    dist = (x - low).abs()
    extra = dist.fmod(span)
    flips = (dist.detach() / span).floor()
    even = flips.fmod(2) == 0
    return where(even, extra + low, span - extra + low)


def _fold(x: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Pixel coordinates folded into the input by the padding mode."""
    if padding_mode == "zeros":
        return x
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
    # PyTorch's clip sends NaN (a NaN grid value, or an infinite one reflected) to 0
    return where(x.isnan(), 0.0, x.clamp(0, size - 1))


def _unnormalize(g: Tensor, size: int, align_corners: bool) -> Tensor:
    return (g + 1) / 2 * (size - 1) if align_corners else ((g + 1) * size - 1) / 2


def _cubic(t: Tensor) -> list:
    """Cubic convolution weights (A = -0.75) of the 4 pixels around fractional offsets t."""
    a = -0.75

    def outer(x: Tensor) -> Tensor:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    def inner(x: Tensor) -> Tensor:
        return ((a + 2) * x - (a + 3)) * x * x + 1

    return [outer(t + 1), inner(t), inner(1 - t), outer(2 - t)]


def composed(x: Tensor, grid: Tensor, mode: str, padding_mode: str, align_corners: bool) -> Tensor:
    """grid_sample of x (N, C, *spatial) at grid (N, *out, d) from tensor ops."""
    nd = x.dim() - 2
    n, c = x.shape[0], x.shape[1]
    sizes = tuple(x.shape[2:])
    out_shape = tuple(grid.shape[1:-1])
    flat_input = x.reshape(n, c, -1)
    # grid's last axis holds (x, y[, z]): the last spatial axis first
    raw = [_unnormalize(grid[..., nd - 1 - a].reshape(n, -1), sizes[a], align_corners) for a in range(nd)]
    if mode == "bicubic":
        lows = [r.detach().floor() for r in raw]
        points = [[_fold(lo + k, size, padding_mode, align_corners).detach() for k in (-1, 0, 1, 2)]
                  for lo, size in zip(lows, sizes)]
        weights = [_cubic(r - lo) for r, lo in zip(raw, lows)]
        return _read(flat_input, points, weights, sizes).reshape(n, c, *out_shape)
    coords = [_fold(r, size, padding_mode, align_corners) for r, size in zip(raw, sizes)]
    if mode == "nearest":
        out = _read(flat_input, [[p.detach().round()] for p in coords], [[None]] * nd, sizes).reshape(n, c, *out_shape)
        if grid.requires_grad:  # as PyTorch: the grid gets a zero gradient (`where` keeps it on the graph)
            out = where(ones((), dtype=bool_), out, coords[0].reshape(n, 1, *out_shape))
        return out
    lows = [p.detach().floor() for p in coords]
    points = [[lo, lo + 1] for lo in lows]
    weights = [[1 - (p - lo), p - lo] for p, lo in zip(coords, lows)]
    return _read(flat_input, points, weights, sizes).reshape(n, c, *out_shape)


def _read(flat_input: Tensor, points: list, weights: list, sizes: tuple) -> Tensor:
    """Σ over corners of input at the corner (0 outside) times the product of the corner's axis weights."""
    n, c = flat_input.shape[0], flat_input.shape[1]
    total = None
    for corner in itertools.product(*[range(len(p)) for p in points]):
        index, inside, weight = None, None, None
        for axis, k in enumerate(corner):
            at, size = points[axis][k], sizes[axis]
            ok = (at >= 0) & (at <= size - 1)  # False for NaN and infinities too
            pos = where(ok, at, 0.0).to(int64)
            index = pos if index is None else index * size + pos
            inside = ok if inside is None else inside & ok
            w = weights[axis][k]
            if w is not None:
                weight = w if weight is None else weight * w
        values = flat_input.gather(2, index.unsqueeze(1).expand(n, c, index.shape[1]))
        values = where(inside.unsqueeze(1), values, 0.0)
        # outside pixels read as 0 but their weights still multiply in, so a NaN weight gives NaN, as PyTorch's
        term = values if weight is None else values * weight.unsqueeze(1)
        total = term if total is None else total + term
    assert total is not None  # at least one corner
    return total
