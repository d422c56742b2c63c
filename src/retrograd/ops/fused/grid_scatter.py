"""Shared steps of grid_sample's kernels: reading pixels at integer coordinates, and adding gradients
back into them in the order PyTorch's CPU kernels add them (float32 sums depend on it).

The 2-D kernel walks each batch's output pixels in SIMD chunks of 32 bytes (8 float32 lanes:
PyTorch registers no AVX-512 version of it, so AVX-512 machines run the AVX2 one) and, per chunk,
adds one corner's contributions for all lanes before the next corner's; the 3-D kernel adds a
pixel's corners one after another, pixel by pixel. `np.add.at` adds repeated indices one after
another in index order, so ordering the contributions is enough.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []

_INT32_LIMIT = 2.0**31


def as_int(xp: Any, x: Any) -> Any:
    """Whole-number coordinates as int64; NaN and values past int32 become -2^31, as the kernel's conversion."""
    fits = (x > -_INT32_LIMIT) & (x < _INT32_LIMIT)
    return xp.where(fits, x, -_INT32_LIMIT).astype(np.int64)


def gather(xp: Any, flat: Any, index: Any, inside: Any) -> Any:
    """flat (N, C, S) read at index (N, P) where `inside` (else 0): (N, C, P)."""
    inside = inside & (index >= 0) & (index < flat.shape[2])  # (a NaN coordinate's garbage index reads 0)
    values = xp.take_along_axis(flat, xp.where(inside, index, 0)[:, None, :], axis=2)
    return xp.where(inside[:, None, :], values, flat.dtype.type(0))


def vector_lanes(itemsize: int) -> int:
    """Lanes of the 32-byte SIMD vectors PyTorch's 2-D kernel computes on (x86: AVX2, and AVX-512 alike)."""
    return 32 // itemsize


def size_of(shape: tuple) -> int:
    """The number of elements of `shape` (reshape's -1 cannot stand for it when another axis is 0)."""
    return int(np.prod(shape, dtype=np.int64))


def _contiguous(shape: tuple, strides: tuple, itemsize: int) -> bool:
    expected = itemsize
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def points_contiguous(grid: Any) -> bool:
    """Whether each batch's (H, W, 2) grid points are one contiguous block (the kernel's first case)."""
    return _contiguous(grid.shape[1:], grid.strides[1:], grid.itemsize)


def chunk_ids(grid: Any, lanes: int) -> Any:
    """(P,) the SIMD chunk of each output pixel of a (N, H, W, 2) grid, as the 2-D kernel's slice iterator.

    A grid whose (H, W) points are contiguous (as a whole, or each coordinate's plane) is walked as one
    line of H * W points; any other in rows of W.
    """
    _, h, w, _ = grid.shape
    points = np.arange(h * w)
    if points_contiguous(grid) or _contiguous((h, w), grid.strides[1:3], grid.itemsize):
        return points // lanes
    row, col = np.divmod(points, w)
    return row * (-(-w // lanes)) + col // lanes


def partial_vectors(chunks: Any, lanes: int) -> Any:
    """(P,) whether each pixel is in a line's last, partly filled vector."""
    return np.bincount(chunks)[chunks] < lanes


def scatter_add(xp: Any, shape: tuple, index: Any, inside: Any, values: Any, order: Any) -> Any:
    """Zeros of `shape` (N, C, *spatial) plus `values` (N, C, K) at flat spatial `index` (N, K) where
    `inside`, added in `order` (a permutation of K)."""
    n, c = shape[0], shape[1]
    size = size_of(shape[2:])
    out = xp.zeros(n * c * size, values.dtype)
    inside = inside & (index >= 0) & (index < size)
    index = xp.where(inside, index, 0)[:, order]
    values = xp.where(inside[:, None, :], values, values.dtype.type(0))[:, :, order]
    base = (xp.arange(n * c) * size).reshape(n, c, 1)
    xp.add.at(out, (base + index[:, None, :]).reshape(-1), values.reshape(-1))  # one after another, in order
    return out.reshape(shape)


def chunked_order(chunks: Any, corners: int) -> Any:
    """The order (K = corners * P) in which the 2-D kernel adds corner-major contributions: chunk by
    chunk, within a chunk corner by corner, within a corner lane by lane."""
    p = chunks.shape[0]
    corner, pixel = np.divmod(np.arange(corners * p), p)
    return np.lexsort((pixel, corner, chunks[pixel]))
