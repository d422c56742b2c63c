# mypy: disable-error-code="call-overload"
# (NumPy's stubs do not accept a dtype argument to ufunc.reduce in every form NumPy does)
"""The sums of the ops and of the engine.

`wide_sum`: the sum of `retrograd.sum` and the reductions built on it, and of the engine's
broadcast gradients over inner dims. float32 and float64 are added in PyTorch's CPU order
(`sum_order`), so they have its bits; float16/bfloat16 data (and the dim patterns `sum_order`
does not follow) add in a float64 accumulator and round once (`ops/kernels/accumulate.py` says
why float64). `leading_sum`: the engine's sum over leading dims (every bias gradient), in
PyTorch's order too; `blocked_sum`, the same sum in blocks of BLAS products, a few ulp from the
exactly rounded sum, serves the kernels PyTorch sums in orders of their own (a convolution's or
a norm's parameter gradients).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..backend import namespace
from ..dtypes import BFLOAT16_NP
from . import sum_order

WIDE = np.dtype(np.float64)


def narrow_float(dt: Any) -> bool:
    """Whether sums of this dtype accumulate in float64 (floats narrower than double)."""
    return (dt.kind == "f" and dt.itemsize < 8) or dt is BFLOAT16_NP


def wide_sum(a: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """`a.sum(axis, keepdims, dtype)`: float32 and float64 in PyTorch's CPU order (`sum_order`),
    narrow floats accumulated in float64 (on the CPU)."""
    out = np.dtype(dtype) if dtype is not None else a.dtype
    if out in BLAS_FLOATS and type(a) is np.ndarray and (out is a.dtype or a.dtype.kind in "biuf"):
        # (`dtype=`: PyTorch converts each element as it loads it, then adds in `out`'s order)
        ordered = _in_pytorch_order(a if a.dtype == out else a.astype(out), axis, keepdims)
        if ordered is not None:
            return ordered
    xp = namespace(a)
    if narrow_float(out) and xp is np:
        return np.asarray(np.add.reduce(a, axis=axis, keepdims=keepdims, dtype=WIDE)).astype(out)[()]
    return xp.add.reduce(a, axis=axis, keepdims=keepdims, dtype=dtype)


def _in_pytorch_order(a: Any, axis: Any, keepdims: bool) -> Any | None:
    """`a` summed over `axis` as PyTorch's CPU kernel adds it (None where `sum_order` does not follow it)."""
    axes = tuple(range(a.ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    if not axes:
        return None
    total = sum_order.reduce(a, axes)
    if total is None:
        return None
    if keepdims:
        kept = {d % a.ndim for d in axes}
        total = total.reshape(tuple(1 if d in kept else n for d, n in enumerate(a.shape)))
    return total[()] if total.ndim == 0 else total


_BLOCK = 128  # rows per float32 partial sum in `leading_sum`
_SMALL = 8192  # elements: up to this many in one block, NumPy's sum is faster than the BLAS product
BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))  # the dtypes BLAS sums (the ops' too)


def leading_sum(a: Any, lead: int) -> Any:
    """`a` summed over its first `lead` dims, kept as 1s: the engine's sum of a broadcast gradient
    (every bias gradient), in PyTorch's order where `sum_order` follows it (`blocked_sum` else)."""
    if type(a) is np.ndarray and a.dtype in BLAS_FLOATS and a.size:
        if lead == 1 and a.ndim == 2 and a.flags.c_contiguous:  # (a Linear's bias: the common case)
            return sum_order.down_columns(a)[None]
        ordered = _in_pytorch_order(a, tuple(range(lead)), True)
        if ordered is not None:
            return ordered
    return blocked_sum(a, lead)


def blocked_sum(a: Any, lead: int) -> Any:
    """`a` summed over its first `lead` dims, kept as 1s: the engine's sum of a broadcast gradient.

    A bias b (C,) added to x (N, C) gets the gradient g (N, C) summed over its rows; `wide_sum`
    (float64 accumulation through NumPy's buffered casts) takes 40-250 µs for the (256..700,
    64..1000) gradients of the benchmark models, matrix-vector products with ones 3-25 µs. A
    running float32 sum drifts with its length, so the rows go in blocks of 128: one float32
    product per block (at most 128 terms per column), the blocks' partial sums added in float64
    and rounded once. The error stays within a few ulp of the column's sum of magnitudes (~1e-8
    relative to it, measured), PyTorch's order, but it is not the exactly rounded sum of
    `wide_sum`: a bias gradient may differ from `g.sum(0)` in its last bit.
    """
    if type(a) is not np.ndarray or a.dtype not in BLAS_FLOATS or a.size == 0 or not a.flags.c_contiguous:
        return wide_sum(a, tuple(range(lead)), True)
    rows = math.prod(a.shape[:lead])
    cols = a.size // rows
    flat = a.reshape(rows, cols)
    if rows <= _BLOCK and a.size <= _SMALL:
        # one block, small: NumPy's own running sum down the rows (the same at most 128 terms per
        # column in the data's dtype) costs less than a BLAS call here (1.2 against 3 µs at (32, 128))
        return np.add.reduce(flat, axis=0).reshape((1,) * lead + a.shape[lead:])
    full = rows - rows % _BLOCK
    parts = []
    if full:  # one product per block: (B,) @ (n, B, C) -> (n, C)
        parts.append(np.ones(_BLOCK, a.dtype) @ flat[:full].reshape(-1, _BLOCK, cols))
    if rows > full:
        parts.append((np.ones(rows - full, a.dtype) @ flat[full:])[None])
    partial = parts[0] if len(parts) == 1 else np.concatenate(parts)
    total = partial[0] if len(partial) == 1 else np.add.reduce(partial, axis=0, dtype=np.float64).astype(a.dtype)
    return total.reshape((1,) * lead + a.shape[lead:])
