"""grid_sample on (N, C, H, W) input, forward and backward, in the arithmetic of PyTorch's 2-D CPU kernel.

PyTorch's kernel (GridSamplerKernel.cpp) computes on SIMD vectors, and its compiler fuses each
product that is summed into a multiply-add rounded once; the sums below are written as those
`fma`s, in the kernel's order, so float32 results carry PyTorch's bits:

    bilinear  x0 = floor(x), wx = x - x0, ex = 1 - wx (alike for y); corner weights nw = sy ex,
              ne = sy wx, sw = ny ex, se = ny wx with ny = y - y0, sy = 1 - ny
              out = fma(se_v, se, fma(sw_v, sw, fma(ne_v, ne, nw_v nw)))
              d/dx: Σ_c fma(fma(se_v - sw_v, ny, (ne_v - nw_v) sy), g, ·), times dx/dgrid
    bicubic   cubic convolution (A = -0.75) of the 4 x 4 pixels around floor(x), each row, then the
              column (see `_BICUBIC_SUMS`, `_cubic` for which products are fused); pixels are folded
              by the padding mode one by one, the coordinates themselves are not
    nearest   the pixel at rint(x) (ties to even); the grid's gradient is zero

Pixels outside the input read as 0 (the 'zeros' padding); the weights are still multiplied in,
so a NaN coordinate gives NaN, as PyTorch's. The gradients are added into the input in the
kernel's order (`grid_scatter`). float64 keeps two roundings where PyTorch fuses (NumPy has no
exact float64 multiply-add): its results may differ from PyTorch's in the last bit.
"""

from __future__ import annotations

from typing import Any

from ..kernels.fused_multiply_add import fma
from .grid_coordinates import (
    scale,
    vectorized_compute,
    vectorized_source,
    vectorized_source_with_grad,
    vectorized_unnormalize,
)
from .grid_scatter import (
    as_int,
    chunk_ids,
    chunked_order,
    gather,
    partial_vectors,
    points_contiguous,
    scatter_add,
    size_of,
    vector_lanes,
)

__all__: list[str] = []


def _bilinear_params(xp: Any, x: Any, y: Any, h: int, w: int, zeros: bool) -> tuple:
    """Distances (ny, sy, wx, ex), corner weights, corner indices and masks, as compute_interp_params."""
    x0, y0 = xp.floor(x), xp.floor(y)
    wx = x - x0
    ex = 1 - wx
    ny = y - y0
    sy = 1 - ny
    weights = (sy * ex, sy * wx, ny * ex, ny * wx)  # nw, ne, sw, se
    ix, iy = as_int(xp, x0), as_int(xp, y0)
    # with border or reflection padding x0 is inside: only the far corners can fall out
    in_w = (ix > -1) & (ix < w) if zeros else xp.ones(ix.shape, bool)
    in_n = (iy > -1) & (iy < h) if zeros else xp.ones(iy.shape, bool)
    in_e = (ix + 1 > -1) & (ix + 1 < w)
    in_s = (iy + 1 > -1) & (iy + 1 < h)
    nw = iy * w + ix
    index = (nw, nw + 1, nw + w, nw + w + 1)
    inside = (in_w & in_n, in_e & in_n, in_w & in_s, in_e & in_s)
    return (ny, sy, wx, ex), weights, index, inside


def _planes(xp: Any, input: Any, grid: Any) -> tuple:
    n, c = input.shape[:2]
    flat = xp.ascontiguousarray(input).reshape(n, c, size_of(input.shape[2:]))
    return flat, grid[..., 0].reshape(n, size_of(grid.shape[1:3])), grid[..., 1].reshape(n, size_of(grid.shape[1:3]))


def _fused_sum(xp: Any, pairs: list, dtype: Any, first: int = 1, fuse_rest: bool = True) -> Any:
    """a0 b0 + a1 b1 + ... as the compiler fuses it: the `first` product of the first sum fused with the
    other as addend (fma(a1, b1, a0 b0) for first=1), then each further product fused (`fuse_rest`) or
    rounded and added."""
    (a0, b0), (a1, b1) = pairs[:2]
    total = fma(xp, a1, b1, a0 * b0, dtype) if first else fma(xp, a0, b0, a1 * b1, dtype)
    for a, b in pairs[2:]:
        total = fma(xp, a, b, total, dtype) if fuse_rest else total + a * b
    return total


# How PyTorch's build fuses a bicubic row (c0 v0 + ... + c3 v3) and the column over rows, as
# (first, fuse_rest) of `_fused_sum`. The kernel's code is inlined once per grid layout and once more
# for a line's last, partial vector, and compiled differently in some copies: with reflection padding
# a grid whose points are not one contiguous block has its own pair for whole and partial vectors.
# (Found by comparing bits with PyTorch 2.13's x86 build; the bilinear sums are the same everywhere.)
_BICUBIC_SUMS = {
    "usual": ((0, False), (1, True)),
    "whole": ((1, True), (1, True)),
    "partial": ((0, True), (0, True)),
}


def _bicubic_sum(xp: Any, cx: tuple, cy: tuple, taps: list, dtype: Any, kind: str) -> Any:
    row, column = _BICUBIC_SUMS[kind]
    rows = [_fused_sum(xp, [(cx[i][:, None], taps[4 * i + j]) for i in range(4)], dtype, *row) for j in range(4)]
    return _fused_sum(xp, [(cy[j][:, None], rows[j]) for j in range(4)], dtype, *column)


def _cubic(xp: Any, t: Any) -> tuple:
    """The 4 cubic convolution weights of fractional offsets t (A = -0.75), fused as the kernel's.

    In ((A x - 5A) x + 8A) x - 4A each sum's second operand is the product that gets fused, 5A, 8A
    and 4A, which are exact: every step rounds alone. In ((A + 2) x - (A + 3)) x x + 1 the products
    by x are fused.
    """
    dt = t.dtype
    f = dt.type

    def outer(x: Any) -> Any:  # 1 < x < 2
        return ((f(-0.75) * x + f(3.75)) * x - f(6)) * x + f(3)

    def inner(x: Any) -> Any:  # x <= 1
        return fma(xp, fma(xp, f(1.25), x, f(-2.25), dt) * x, x, f(1), dt)

    return outer(t + 1), inner(t), inner(1 - t), outer(2 - t)


def _cubic_grad(t: Any) -> tuple:
    """d/dt of the 4 cubic weights, as the kernel's get_cubic_coefficients_grad (signs included): its fused
    products are the exact constant ones (10A, 2(A + 3), 8A), so every step rounds alone."""
    f = t.dtype.type
    x0, x1, x2, x3 = -1 - t, 0 - t, 1 - t, 2 - t
    return (
        (f(2.25) * x0 + f(7.5)) * x0 + f(6),  # (-3A x - 10A) x - 8A
        (f(-3.75) * x1 - f(4.5)) * x1,  # (-3(A + 2) x - 2(A + 3)) x
        (f(3.75) * x2 - f(4.5)) * x2,  # (3(A + 2) x - 2(A + 3)) x
        (f(-2.25) * x3 + f(7.5)) * x3 - f(6),  # (3A x - 10A) x + 8A
    )


def _bicubic_taps(xp: Any, x: Any, y: Any, h: int, w: int, padding_mode: str, align_corners: bool) -> list:
    """(index, inside) of the 16 pixels around (x, y), x offset outer, y inner; folded per pixel."""
    x0, y0 = xp.floor(x), xp.floor(y)
    taps = []
    for i in range(4):
        ix = as_int(xp, vectorized_compute(xp, x0 + (i - 1), w, padding_mode, align_corners))
        for j in range(4):
            iy = as_int(xp, vectorized_compute(xp, y0 + (j - 1), h, padding_mode, align_corners))
            taps.append((iy * w + ix, (ix > -1) & (ix < w) & (iy > -1) & (iy < h)))
    return taps


def forward(xp: Any, input: Any, grid: Any, mode: str, padding_mode: str, align_corners: bool) -> Any:
    """(N, C, H_out, W_out) samples of input (N, C, H, W) at grid (N, H_out, W_out, 2)."""
    n, c, h, w = input.shape
    dt = input.dtype
    flat, gx, gy = _planes(xp, input, grid)
    if mode == "bicubic":
        x, y = vectorized_unnormalize(xp, gx, w, align_corners), vectorized_unnormalize(xp, gy, h, align_corners)
        cx, cy = _cubic(xp, x - xp.floor(x)), _cubic(xp, y - xp.floor(y))
        taps = [gather(xp, flat, index, inside) for index, inside in _bicubic_taps(xp, x, y, h, w, padding_mode,
                                                                                    align_corners)]
        if padding_mode == "reflection" and not points_contiguous(grid):
            lanes = vector_lanes(dt.itemsize)
            partial = partial_vectors(chunk_ids(grid, lanes), lanes)[None, None, :]
            out = xp.where(xp.asarray(partial), _bicubic_sum(xp, cx, cy, taps, dt, "partial"),
                           _bicubic_sum(xp, cx, cy, taps, dt, "whole"))
        else:
            out = _bicubic_sum(xp, cx, cy, taps, dt, "usual")
        return out.reshape(n, c, *grid.shape[1:3])
    x = vectorized_source(xp, gx, w, padding_mode, align_corners)
    y = vectorized_source(xp, gy, h, padding_mode, align_corners)
    if mode == "nearest":
        ix, iy = as_int(xp, xp.rint(x)), as_int(xp, xp.rint(y))
        inside = (ix > -1) & (ix < w) & (iy > -1) & (iy < h)
        return gather(xp, flat, iy * w + ix, inside).reshape(n, c, *grid.shape[1:3])
    _, weights, index, inside = _bilinear_params(xp, x, y, h, w, padding_mode == "zeros")
    values = [gather(xp, flat, i, m) for i, m in zip(index, inside)]
    out = _fused_sum(xp, [(v, wt[:, None]) for v, wt in zip(values, weights)], dt)
    return out.reshape(n, c, *grid.shape[1:3])


def backward(xp: Any, g: Any, input: Any, grid: Any, mode: str, padding_mode: str, align_corners: bool,
             input_grad: bool) -> tuple:
    """(d input or None, d grid) of the samples' gradient g (N, C, H_out, W_out)."""
    n, c, h, w = input.shape
    dt = input.dtype
    flat, gx, gy = _planes(xp, input, grid)
    g = xp.ascontiguousarray(g).reshape(n, c, size_of(g.shape[2:]))
    chunks = chunk_ids(grid, vector_lanes(dt.itemsize))
    if mode == "nearest":
        d_grid = xp.zeros(grid.shape, dt)
        if not input_grad:
            return None, d_grid
        x = vectorized_source(xp, gx, w, padding_mode, align_corners)
        y = vectorized_source(xp, gy, h, padding_mode, align_corners)
        ix, iy = as_int(xp, xp.rint(x)), as_int(xp, xp.rint(y))
        inside = (ix > -1) & (ix < w) & (iy > -1) & (iy < h)
        return scatter_add(xp, input.shape, iy * w + ix, inside, g, chunked_order(chunks, 1)), d_grid
    if mode == "bicubic":
        return _bicubic_backward(xp, g, flat, gx, gy, input.shape, grid, padding_mode, align_corners, input_grad,
                                 chunks)
    x, mult_x = vectorized_source_with_grad(xp, gx, w, padding_mode, align_corners)
    y, mult_y = vectorized_source_with_grad(xp, gy, h, padding_mode, align_corners)
    (ny, sy, wx, ex), weights, index, inside = _bilinear_params(xp, x, y, h, w, padding_mode == "zeros")
    nw_v, ne_v, sw_v, se_v = (gather(xp, flat, i, m) for i, m in zip(index, inside))
    d_x = d_y = xp.zeros(gx.shape, dt)
    for k in range(c):  # the kernel's running sums over channels
        gk = g[:, k]
        t_x = fma(xp, se_v[:, k] - sw_v[:, k], ny, (ne_v[:, k] - nw_v[:, k]) * sy, dt)
        t_y = fma(xp, se_v[:, k] - ne_v[:, k], wx, (sw_v[:, k] - nw_v[:, k]) * ex, dt)
        d_x, d_y = fma(xp, t_x, gk, d_x, dt), fma(xp, t_y, gk, d_y, dt)
    d_grid = xp.stack([d_x * mult_x, d_y * mult_y], -1).reshape(grid.shape)
    if not input_grad:
        return None, d_grid
    contributions = xp.concatenate([wt[:, None] * g for wt in weights], 2)
    d_input = scatter_add(xp, input.shape, xp.concatenate(index, 1), xp.concatenate(inside, 1), contributions,
                          chunked_order(chunks, 4))
    return d_input, d_grid


def _bicubic_backward(xp: Any, g: Any, flat: Any, gx: Any, gy: Any, shape: tuple, grid: Any, padding_mode: str,
                      align_corners: bool, input_grad: bool, chunks: Any) -> tuple:
    n, c, h, w = shape
    dt = flat.dtype
    x, y = vectorized_unnormalize(xp, gx, w, align_corners), vectorized_unnormalize(xp, gy, h, align_corners)
    tx, ty = x - xp.floor(x), y - xp.floor(y)
    cx, cy, dcx, dcy = _cubic(xp, tx), _cubic(xp, ty), _cubic_grad(tx), _cubic_grad(ty)
    taps = _bicubic_taps(xp, x, y, h, w, padding_mode, align_corners)
    values = [gather(xp, flat, index, inside) for index, inside in taps]
    d_x = d_y = xp.zeros(gx.shape, dt)
    for k in range(c):  # running sums over channels, then taps: gx -= v g dcx_i cy_j, gy -= v g dcy_j cx_i
        gk = g[:, k]
        for i in range(4):
            for j in range(4):
                vg = values[4 * i + j][:, k] * gk
                d_x = fma(xp, -(vg * dcx[i]), cy[j], d_x, dt)
                d_y = fma(xp, -(vg * dcy[j]), cx[i], d_y, dt)
    d_grid = xp.stack([d_x * scale(w, align_corners, dt), d_y * scale(h, align_corners, dt)], -1)
    if not input_grad:
        return None, d_grid.reshape(grid.shape)
    contributions = xp.concatenate([g * cx[i][:, None] * cy[j][:, None] for i in range(4) for j in range(4)], 2)
    index = xp.concatenate([t[0] for t in taps], 1)
    inside = xp.concatenate([t[1] for t in taps], 1)
    return scatter_add(xp, shape, index, inside, contributions, chunked_order(chunks, 16)), d_grid.reshape(grid.shape)
