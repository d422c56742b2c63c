# mypy: disable-error-code="call-overload"
# (NumPy's stubs do not accept a dtype argument to ufunc.reduce in every form NumPy does)
"""Sums in a wide accumulator: float16/float32 data add up in float64, then round once.

PyTorch's CPU kernels accumulate float32 cumulative sums and products in double and
sum with a cascade, so its results are within a rounding of the exact value; NumPy's
float32 running sums, and its sums along strided axes, add in float32 and drift
(`full((100000,), 0.1).cumsum(0)[-1]` is off by ~1500 ulp). NumPy converts in buffered
chunks when given `dtype=float64`, so this costs no float64 copy of the input.

On a GPU the sums and means are not widened: CuPy reduces in a tree, as PyTorch's CUDA kernels
do (in float32), so the float64 pass would only add two casts and twice the memory traffic.

The ufunc methods (`np.add.reduce`, not `a.sum()`) are called directly: NumPy's Python-level
wrappers would attribute floating-point warnings to NumPy's modules, past the package's filter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...backend import namespace
from ...dtypes import BFLOAT16_NP
from ...engine.wide_sum import BLAS_FLOATS, blocked_sum, wide_sum
from ...engine.wide_sum import WIDE as _WIDE
from ...engine.wide_sum import narrow_float as _narrow_float

__all__ = ["channel_sums", "mean_of_sum", "row_sums", "wide_cumprod", "wide_cumsum", "wide_mean", "wide_sum"]


def wide_cumsum(xp: Any, a: Any, axis: int, dtype: Any) -> Any:
    """`xp.cumsum(a, axis, dtype)` with narrow floats accumulated in float64.

    PyTorch's kernels start each running sum at +0, so a -0 becomes +0 (`cumsum([-0.])` is
    `[0.]`); NumPy's copies the first value, so +0 is added to floating results.
    """
    if _narrow_float(np.dtype(dtype)):
        sums = xp.add.accumulate(a, axis=axis, dtype=_WIDE).astype(dtype)
    else:
        sums = xp.add.accumulate(a, axis=axis, dtype=dtype)
    if sums.dtype.kind in "fc" or sums.dtype is BFLOAT16_NP:
        xp.add(sums, 0, out=sums)
    return sums


def wide_cumprod(xp: Any, a: Any, axis: int, dtype: Any) -> Any:
    """`xp.cumprod(a, axis, dtype)` with narrow floats accumulated in float64."""
    if _narrow_float(np.dtype(dtype)):
        return xp.multiply.accumulate(a, axis=axis, dtype=_WIDE).astype(dtype)
    return xp.multiply.accumulate(a, axis=axis, dtype=dtype)


def wide_mean(a: Any, axis: tuple[int, ...], keepdims: bool = False) -> Any:
    """The mean over `axis` with narrow floats accumulated in float64 (NaN when empty, no warning)."""
    n = 1
    for d in axis:
        n *= a.shape[d]
    xp = namespace(a)
    wide = _WIDE if _narrow_float(a.dtype) and xp is np else a.dtype
    with np.errstate(invalid="ignore", divide="ignore"):
        return xp.asarray(xp.add.reduce(a, axis=axis, keepdims=keepdims, dtype=wide) / n).astype(a.dtype)[()]


def mean_of_sum(a: Any, axis: tuple[int, ...], keepdims: bool = False) -> Any:
    """The mean as PyTorch's CPU `mean` takes it: the sum (as `wide_sum`, rounded to the data's
    dtype), then divided by the count in that dtype, so `x.mean() == x.sum() / x.numel()` bit for
    bit, as under PyTorch (one rounding of the float64 quotient differs from it in ~half the cases).

    float16 and bfloat16 divide in float32 and round back, as PyTorch's kernels; complex data keep
    `wide_mean`.
    """
    if a.dtype.kind != "f" and a.dtype is not BFLOAT16_NP:
        return wide_mean(a, axis, keepdims)
    n = 1
    for d in axis:
        n *= a.shape[d]
    xp = namespace(a)
    total = xp.asarray(wide_sum(a, axis, keepdims))
    compute = np.dtype(np.float32) if total.dtype.itemsize < 4 else total.dtype
    with np.errstate(invalid="ignore", divide="ignore"):
        return xp.asarray(total.astype(compute) / compute.type(n)).astype(a.dtype)[()]


_BLAS_FROM = 2048  # elements; below this NumPy's own reduction is the faster call


def row_sums(xp: Any, a: Any, dim: int | None) -> Any:
    """`a.sum(dim, keepdims=True)` in `a`'s dtype (softmax's and attention's sums along a row).

    Along the last dim of NumPy float32/float64 data (2048 elements or more) it is one BLAS
    matrix-vector product with a vector of ones: 5-7x faster than NumPy's reduction over rows of
    10-1000 elements, and like it accumulated in the data's dtype (in the vector lanes' partial
    sums rather than pairwise).
    """
    if xp is not np:
        return a.sum(axis=dim, keepdims=True)
    if a.size >= _BLAS_FROM and (dim == -1 or dim == a.ndim - 1) and a.dtype in BLAS_FLOATS:
        n = a.shape[-1]
        return (a.reshape(-1, n) @ np.ones(n, a.dtype)).reshape(a.shape[:-1] + (1,))
    return np.add.reduce(a, axis=dim, keepdims=True)  # the ufunc: its warnings are retrograd's (filtered)


_PLANE_BLAS_UP_TO = 16384  # elements per plane: a BLAS row sum's lanes add at most ~1000 terms each


def channel_sums(xp: Any, g: Any) -> Any:
    """`g` (N, C, *S) summed over all dims but the channel dim, (C,): a convolution bias's gradient.

    On NumPy float32/float64 data each (n, c) plane is one row of a BLAS matrix-vector product
    (planes up to 16,384 elements; larger ones by NumPy's pairwise sum), and the batch is added
    as every bias gradient is (`blocked_sum`): 3-5x faster than the float64-accumulated sum,
    a few ulp from the exactly rounded one.
    """
    dims = (0, *range(2, g.ndim))
    if xp is not np or g.dtype not in BLAS_FLOATS or g.size == 0 or not g.flags.c_contiguous:
        return wide_sum(g, dims)
    n, c = g.shape[:2]
    planes = g.reshape(n * c, -1)
    if planes.shape[1] <= _PLANE_BLAS_UP_TO:
        per_plane = planes @ np.ones(planes.shape[1], g.dtype)
    else:
        per_plane = np.add.reduce(planes, axis=1)
    return blocked_sum(per_plane.reshape(n, c), 1)[0]
