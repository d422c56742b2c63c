"""PyTorch's CPU batch-norm arithmetic on host float32/float64 arrays (`batch_norm_kernel.cpp`).

Forward, PyTorch folds each channel into a linear map: α = rstd·w, β = b - mean·α, and
out = x·α + β, its compiler fusing both multiply-adds (each rounded once). In training the
statistics come from its own loops: for (N, C, *) inputs with more than one element per
channel and sample, per channel a sum of x in double, run in order, and of (x - mean)² (rounded
to the dtype) in double; for (N, C) inputs, each thread adds its block of rows into a row of
the dtype (the squares as fused multiply-adds), and the threads' rows are added in double.
rstd = 1/√(var_sum/n + eps) in double, var_sum/n divided in the dtype. (The running averages,
which nn.functional.batch_norm updates with tensor ops, take var_sum / (n - 1) in the dtype.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.thread_count import get_num_threads
from .fused_multiply_add import fma

__all__ = ["batch_statistics", "linear_output", "takes"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def takes(xp: Any, a: Any) -> bool:
    """Whether `a` (N, C, *) is a host float32/float64 array laid out as PyTorch's fast kernels
    read it: contiguous (or channels-last for the output map)."""
    return xp is np and a.dtype in _FLOATS and a.ndim >= 2 and a.size > 0 and a.flags.c_contiguous


def _channel_rows(a: Any) -> Any:
    """(C, N·HW): each channel's values in the order PyTorch's contiguous loops read them."""
    n, c = a.shape[:2]
    return a.reshape(n, c, -1).transpose(1, 0, 2).reshape(c, -1)


def _sum_in_order(rows: Any) -> Any:
    """The sum of each row in double, added one after another (as a C++ loop does)."""
    return _columns_in_order(np.ascontiguousarray(rows.T, dtype=np.float64))


def _columns_in_order(a: Any) -> Any:
    """The sum of each column of C-contiguous 2-D `a`, its rows added one after another: NumPy
    reduces over the outer axis a row at a time (its pairwise sums run along the inner axis only)."""
    return np.add.reduce(a, axis=0)


_FUSED_ROWS = 1024  # rows per thread replayed one at a time for the fused sums (longer: see below)


def _thread_blocks(n: int) -> int:
    """The rows each thread takes of n (at::parallel_for's even split among the threads)."""
    return -(-n // min(get_num_threads(), n))


def _thread_rows(a: Any) -> Any:
    """The (threads, C) rows PyTorch's channels-last loop leaves: each thread's block of the (N, C)
    rows added one after another into a row of the dtype."""
    chunk = _thread_blocks(a.shape[0])
    return np.stack([_columns_in_order(a[s : s + chunk]) for s in range(0, a.shape[0], chunk)])


def _thread_fused_rows(p: Any, q: Any) -> Any:
    """As `_thread_rows` for the products p·q, each added by a fused multiply-add. Blocks longer than
    `_FUSED_ROWS` add the rounded products instead (a last-bit difference now and then), as
    replaying them row by row would cost more than the rest of the layer."""
    chunk = _thread_blocks(p.shape[0])
    if chunk > _FUSED_ROWS:
        return _thread_rows(p * q)
    out = np.zeros((-(-p.shape[0] // chunk), p.shape[1]), p.dtype)
    for i in range(chunk):  # the i-th row of every block at once
        x, y = p[i::chunk][: out.shape[0]], q[i::chunk][: out.shape[0]]
        out[: x.shape[0]] = fma(np, x, y, out[: x.shape[0]], p.dtype)
    return out


def batch_statistics(a: Any, eps: float) -> tuple[Any, Any, Any]:
    """Mean, sum of squared deviations and rstd (C,) of (N, C, *) `a` over all but dim 1, as PyTorch's CPU kernel."""
    n = a.size // a.shape[1]
    if a.ndim > 2 and n != a.shape[0]:
        rows = _channel_rows(a)
        mean = (_sum_in_order(rows) / n).astype(a.dtype)
        d = rows - mean[:, None]
        var_sum = _sum_in_order(d * d).astype(a.dtype)
    else:
        flat = a.reshape(a.shape[0], a.shape[1])
        if n > get_num_threads():
            mean = (_sum_in_order(_thread_rows(flat).T) / n).astype(a.dtype)
            d = flat - mean
            var_sum = _sum_in_order(_thread_fused_rows(d, d).T).astype(a.dtype)
        else:
            mean = (_sum_in_order(flat.T) / n).astype(a.dtype)
            d = flat - mean
            var_sum = _sum_in_order((d * d).T).astype(a.dtype)
    var = var_sum / a.dtype.type(n)  # (the sum, in the dtype, over the count: a division in the dtype)
    return mean, var_sum, (1 / np.sqrt(var.astype(np.float64) + eps)).astype(a.dtype)


def linear_output(a: Any, w: Any, b: Any, mean: Any, rstd: Any) -> Any:
    """x·α + β per channel of (N, C, *) `a`, α = rstd·w and β = b - mean·α, each multiply-add fused."""
    dtype = a.dtype
    alpha = rstd.reshape(-1) if w is None else rstd.reshape(-1) * w
    beta = fma(np, -mean.reshape(-1), alpha, 0 if b is None else b, dtype)
    kept = (1, -1) + (1,) * (a.ndim - 2)
    return fma(np, a, alpha.reshape(kept), np.broadcast_to(beta.reshape(kept), a.shape), dtype)



def takes_backward(xp: Any, g: Any, a: Any) -> bool:
    """Whether the (N, C) backward below reproduces PyTorch's for `a` and its gradient `g`."""
    return takes(xp, a) and a.ndim == 2 and g.shape == a.shape and g.dtype == a.dtype


def backward_2d(g: Any, a: Any, w: Any, mean: Any, rstd: Any, fixed: bool) -> tuple[Any, Any, Any]:
    """dx (N, C), dw and db (C,) of batch norm on (N, C) `a`, as PyTorch's CPU kernel: per thread the
    rows of g and of (x - mean)·g (fused) added in the dtype, the threads' rows in double; then
    dx = (g - Σg/n - (x - mean)·k)·rstd·w with k = Σ(x - mean)g·rstd·rstd/n (its multiply-add fused
    over whole vectors of channels), or g·rstd·w for fixed statistics; dw = Σ(x - mean)g·rstd, db = Σg."""
    dtype = a.dtype
    n = a.shape[0]
    mean, rstd = mean.reshape(-1), rstd.reshape(-1)
    w = np.ones(a.shape[1], dtype) if w is None else w.reshape(-1)
    sums = _sum_in_order(_thread_rows(g).T).astype(dtype)
    centred = a - mean
    dotp = _sum_in_order(_thread_fused_rows(centred, g).T).astype(dtype)
    if fixed:
        dx = g * rstd * w
    else:
        count = dtype.type(n)
        k = dotp * rstd * rstd / count
        rest = g - sums / count
        dx = (rest - centred * k) * rstd * w  # the channels past the last whole vector: two roundings
        whole = a.shape[1] - a.shape[1] % (32 // a.itemsize)  # (one 32-byte vector: fused)
        dx[:, :whole] = fma(np, -centred[:, :whole], k[:whole], rest[:, :whole], dtype) * rstd[:whole] * w[:whole]
    return dx, dotp * rstd, sums
