"""The 2-norm of contiguous rows in the order of PyTorch's CPU kernel, so it has its bits.

For a float32/float64 2-norm over dims that make one contiguous block of memory (a contiguous
tensor's trailing dims, a whole contiguous tensor: `clip_grad_norm_`'s per-gradient norms; the kept
dims may have any strides, an expanded or sliced input's too, as TensorIterator moves the reduced dims
first and merges them into one of element stride), ATen's norm kernel takes its vectorized
last-dim path (`binary_kernel_reduce_lastdim`), one thread per row: a 32-byte vector of
accumulators adds x·x a vector at a time (the product rounded, then the sum: no fused
multiply-add), the lanes are added in order into the first, then the last `n mod width` squares:
whole fours of them as the vectorized epilogue adds them (products rounded, sums in order), the
rest one by one by fused multiply-adds (float64 ones cannot be rounded once here: None); the
square root is taken in the data's dtype. Measured against PyTorch 2.13 on
x86 (also on AVX-512 machines, where the kernel still works on 32-byte vectors).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.sum_order import add_in_order

__all__ = ["two_norm_of_rows"]

_VECTOR_BYTES = 32
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def two_norm_of_rows(a: Any, dims: tuple) -> Any | None:
    """‖a‖₂ over `dims` as PyTorch's CPU kernel rounds it (the kept dims' shape, without keepdim);
    None where this order is not PyTorch's (other layouts, dtypes or dims)."""
    if type(a) is not np.ndarray or a.dtype not in _FLOATS or a.size == 0:
        return None
    reduced = _memory_order(a, dims)
    if reduced is None:
        return None
    kept_dims = [d for d in range(a.ndim) if d not in reduced]
    kept = tuple(a.shape[d] for d in kept_dims)
    rows = a.transpose(kept_dims + reduced).reshape(-1, a.size // max(1, int(np.prod(kept))))
    count, n = rows.shape
    width = _VECTOR_BYTES // a.itemsize
    whole = n - n % width
    if n % 4 and a.dtype == np.float64:  # (its last squares go by fused multiply-adds NumPy cannot round once)
        return None
    lanes = np.zeros((count, width), a.dtype)
    if whole:
        blocks = rows[:, :whole].reshape(count, whole // width, width)
        lanes = add_in_order(blocks * blocks, 1)
    fours = whole + (n - whole) // 4 * 4
    tail = rows[:, whole:fours]
    total = add_in_order(np.concatenate([lanes, tail * tail], axis=1), 1)
    for j in range(fours, n):
        total = (rows[:, j].astype(np.float64) * rows[:, j] + total).astype(a.dtype)
    return np.sqrt(total).reshape(kept)


def _memory_order(a: Any, dims: tuple) -> list[int] | None:
    """The reduced dims of `a` from slowest to fastest in memory, where they make one block of
    contiguous elements (the one reduce dim of element stride that PyTorch's last-dim path takes);
    None where they do not. Dims of size 1 take no part in the layout."""
    reduced = sorted({d % a.ndim for d in dims}) if a.ndim else []
    spread = sorted((d for d in reduced if a.shape[d] != 1), key=lambda d: a.strides[d], reverse=True)
    step = a.itemsize
    for d in reversed(spread):  # fastest first: each stride is the block below it
        if a.strides[d] != step:
            return None
        step *= a.shape[d]
    return [d for d in reduced if a.shape[d] == 1] + spread
