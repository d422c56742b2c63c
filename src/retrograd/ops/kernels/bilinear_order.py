"""Bilinear 2-D upsampling in the order of PyTorch's CPU kernel for small outputs, so it has its bits.

PyTorch 2.13 resizes float images with its "channels-last" kernel when the output is small
(out_H + out_W <= 128) or the input is channels-last with more than 3 channels: each output is
four taps, x00·w00 + x01·w01 + x10·w10 + x11·w11, with the weights the products of the row and
column weights rounded to the dtype. The compiler fuses the multiply-adds: channels in whole
vectors (8 float32 or 4 float64) add x10·w10, then x11, x01, x00 with fused multiply-adds; the
channels after them add x00·w00 + x01 fused, then x10, then x11. Measured against PyTorch 2.13.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .fused_multiply_add import fma

_VECTOR_BYTES = 32  # PyTorch's x86 kernels are built for 32-byte vectors, also on AVX-512 machines


def takes_small_kernel(a: Any, out_h: int, out_w: int) -> bool:
    """Whether PyTorch resizes this (N, C, H, W) input with its channels-last kernel."""
    if a.dtype not in (np.float32, np.float64) or a.ndim != 4:
        return False
    n, c, h, w = a.shape
    channels_last = c > 1 and a.strides[1] == a.itemsize and a.strides[3] == c * a.itemsize
    return out_h + out_w <= 128 or (channels_last and c > 3)


def bilinear_2d(a: Any, rows: tuple[Any, Any], cols: tuple[Any, Any]) -> Any:
    """(N, C, H, W) -> (N, C, out_H, out_W) from 2-tap (index, weight) maps of the rows and columns."""
    dt = a.dtype
    (ri, rw), (ci, cw) = rows, cols
    rw, cw = rw.astype(dt, copy=False), cw.astype(dt, copy=False)

    def tap(p: int, q: int) -> tuple[Any, Any]:
        x = a[:, :, ri[:, p]][:, :, :, ci[:, q]]
        return x, np.multiply(rw[:, p, None], cw[None, :, q], dtype=dt)

    (x00, w00), (x01, w01), (x10, w10), (x11, w11) = tap(0, 0), tap(0, 1), tap(1, 0), tap(1, 1)
    out = np.empty(x00.shape, dtype=dt)
    v = a.shape[1] - a.shape[1] % (_VECTOR_BYTES // a.itemsize)
    if v:
        s = np.multiply(x10[:, :v], w10, dtype=dt)
        for x, w in ((x11, w11), (x01, w01), (x00, w00)):
            s = fma(np, x[:, :v], w, s, dt)
        out[:, :v] = s
    if v < a.shape[1]:
        s = fma(np, x00[:, v:], w00, np.multiply(x01[:, v:], w01, dtype=dt), dt)
        s = fma(np, x10[:, v:], w10, s, dt)
        out[:, v:] = fma(np, x11[:, v:], w11, s, dt)
    return out
