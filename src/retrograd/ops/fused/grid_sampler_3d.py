"""grid_sample on (N, C, D, H, W) input, forward and backward, in the arithmetic of PyTorch's 3-D CPU kernel.

PyTorch's 3-D kernel (GridSampler.cpp) is plain C++, one pixel at a time, one rounding per
operation; this computes the same expressions on whole arrays in the same order:

    trilinear  per axis lo = (x0 + 1) - x, hi = x - x0 with x0 = floor(x); a corner's weight is
               (w_x w_y) w_z; out = 0 + v_tnw w_tnw + ... + v_bse w_bse (corners z, then y, then x)
               d/dx: Σ_c Σ_corners ±((v w_y) w_z) g, times dx/dgrid (alike for y, z)
    nearest    the pixel at rint(x) (ties to even); the grid's gradient is zero

Corners outside the input are skipped (a NaN coordinate gives 0, not NaN: its corners are all
outside). The input's gradient adds each output pixel's corners in turn, pixel after pixel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .grid_coordinates import scalar_source_with_grad
from .grid_scatter import as_int, chunked_order, gather, scatter_add, size_of

__all__: list[str] = []

_CORNERS = [(z, y, x) for z in (0, 1) for y in (0, 1) for x in (0, 1)]  # tnw, tne, tsw, tse, bnw, ..., bse


def _coordinates(xp: Any, grid: Any, sizes: tuple, padding_mode: str, align_corners: bool, backward: bool) -> list:
    """[(coordinates, d/dgrid)] along z, y, x of the grid's points (its last axis holds x, y, z)."""
    shape = (grid.shape[0], size_of(grid.shape[1:4]))
    return [
        scalar_source_with_grad(xp, grid[..., 2 - a].reshape(shape), sizes[a], padding_mode, align_corners, backward)
        for a in range(3)
    ]


def _corners(xp: Any, coords: list, sizes: tuple) -> tuple:
    """Per axis (lo, hi) weights and (first, second) integer positions; per corner the flat index and mask."""
    weights, positions = [], []
    for x in coords:
        x0 = xp.floor(x)
        weights.append(((x0 + 1) - x, x - x0))
        i0 = as_int(xp, x0)
        positions.append((i0, i0 + 1))
    d, h, w = sizes
    index, inside = [], []
    for corner in _CORNERS:
        iz, iy, ix = (positions[a][k] for a, k in enumerate(corner))
        index.append((iz * h + iy) * w + ix)
        inside.append((iz > -1) & (iz < d) & (iy > -1) & (iy < h) & (ix > -1) & (ix < w))
    return weights, index, inside


def _nearest(xp: Any, coords: list, sizes: tuple) -> tuple:
    iz, iy, ix = (as_int(xp, xp.rint(x)) for x in coords)
    d, h, w = sizes
    return (iz * h + iy) * w + ix, (iz > -1) & (iz < d) & (iy > -1) & (iy < h) & (ix > -1) & (ix < w)


def forward(xp: Any, input: Any, grid: Any, mode: str, padding_mode: str, align_corners: bool) -> Any:
    """(N, C, D_out, H_out, W_out) samples of input (N, C, D, H, W) at grid (N, D_out, H_out, W_out, 3)."""
    n, c = input.shape[:2]
    sizes = input.shape[2:]
    flat = xp.ascontiguousarray(input).reshape(n, c, size_of(input.shape[2:]))
    coords = [x for x, _ in _coordinates(xp, grid, sizes, padding_mode, align_corners, False)]
    if mode == "nearest":
        return gather(xp, flat, *_nearest(xp, coords, sizes)).reshape(n, c, *grid.shape[1:4])
    (wz, wy, wx), index, inside = _corners(xp, coords, sizes)
    out = xp.zeros((n, c, index[0].shape[1]), input.dtype)
    for (z, y, x), i, m in zip(_CORNERS, index, inside):
        out = out + xp.where(m[:, None], gather(xp, flat, i, m) * ((wx[x] * wy[y]) * wz[z])[:, None], 0)
    return out.reshape(n, c, *grid.shape[1:4])


def backward(xp: Any, g: Any, input: Any, grid: Any, mode: str, padding_mode: str, align_corners: bool,
             input_grad: bool) -> tuple:
    """(d input or None, d grid) of the samples' gradient g (N, C, D_out, H_out, W_out)."""
    n, c = input.shape[:2]
    sizes = input.shape[2:]
    dt = input.dtype
    g = xp.ascontiguousarray(g).reshape(n, c, size_of(g.shape[2:]))
    found = _coordinates(xp, grid, sizes, padding_mode, align_corners, True)
    coords = [x for x, _ in found]
    pixels = np.arange(g.shape[2])  # each output pixel's contributions, one pixel after another
    if mode == "nearest":
        index, inside = _nearest(xp, coords, sizes)
        d_input = scatter_add(xp, input.shape, index, inside, g, chunked_order(pixels, 1))
        return d_input if input_grad else None, xp.zeros(grid.shape, dt)
    flat = xp.ascontiguousarray(input).reshape(n, c, size_of(input.shape[2:]))
    (wz, wy, wx), index, inside = _corners(xp, coords, sizes)
    values = [gather(xp, flat, i, m) for i, m in zip(index, inside)]
    d_z = d_y = d_x = xp.zeros(g.shape[::2], dt)
    for k in range(c):
        gk = g[:, k]
        for (z, y, x), v, m in zip(_CORNERS, values, inside):
            vk = v[:, k]
            # gix -= v (y - y0 weight) (z weight) g where the corner is at x0, += at x1; alike for y, z
            d_x = _step(xp, d_x, ((vk * wy[y]) * wz[z]) * gk, x, m)
            d_y = _step(xp, d_y, ((vk * wx[x]) * wz[z]) * gk, y, m)
            d_z = _step(xp, d_z, ((vk * wx[x]) * wy[y]) * gk, z, m)
    d_grid = xp.stack([mult * d for (_, mult), d in zip(found[::-1], (d_x, d_y, d_z))], -1).reshape(grid.shape)
    if not input_grad:
        return None, d_grid
    contributions = xp.concatenate([((wx[x] * wy[y]) * wz[z])[:, None] * g for z, y, x in _CORNERS], 2)
    d_input = scatter_add(xp, input.shape, xp.concatenate(index, 1), xp.concatenate(inside, 1), contributions,
                          chunked_order(pixels, 8))
    return d_input, d_grid


def _step(xp: Any, total: Any, term: Any, far: int, inside: Any) -> Any:
    """total + term at a far corner, total - term at a near one; unchanged outside the input."""
    return xp.where(inside, total + term if far else total - term, total)
