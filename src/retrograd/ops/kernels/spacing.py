"""The values of arange, linspace and logspace, rounded as PyTorch's CPU kernels round them.

Evenly spaced values are not unique to the last bit: `start + step * i` rounds differently
from `end - step * (n - 1 - i)`, and once or twice. Bit-equal results need PyTorch's
arithmetic, which is:

- every `a + b * c` is one fused multiply-add (one rounding); here it is computed in extended
  precision and rounded once (`_fma`; where `longdouble` is plain double, twice);
- linspace: `step = (end - start) / (steps - 1)` in the output's own precision (double for
  integers), the first half counted up from `start`, the second down from `end`; 16-bit
  floats round every operation to 16 bits (no fused multiply-add);
- arange: `start + step * i` in double (float for 16-bit floats, exact integers for integer dtypes), in chunks of 32
  bytes: in each chunk (while two whole chunks remain) the first value is rounded to the dtype
  and the others counted on from it, `base + lane * step`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_VECTOR_BYTES = 32  # PyTorch's CPU kernels fill 32 bytes per vector step (one AVX2 or two NEON registers)


def _fma(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c in float64, rounded once (extended precision holds the product of a double and an index)."""
    wide = np.longdouble
    return (np.asarray(a, wide) * np.asarray(b, wide) + np.asarray(c, wide)).astype(np.float64)


def arange_values(start: Any, step: Any, n: int, np_dtype: Any) -> np.ndarray:
    """`start + step * i` for i < n, as PyTorch's CPU arange kernel rounds them, in dtype `np_dtype`."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind in "iub":  # integer accumulation: exact
        return (int(start) + int(step) * np.arange(n, dtype=np.int64)).astype(np_dtype)
    if np_dtype.kind == "c":
        return (start + step * np.arange(n, dtype=np.float64)).astype(np_dtype)
    acc = np.float32 if np_dtype.itemsize == 2 else np.float64  # half floats accumulate in float32
    start, step = acc(start), acc(step)
    i = np.arange(n, dtype=np.int64)
    values = _fma(step, i, start).astype(acc)
    lanes = _VECTOR_BYTES // np_dtype.itemsize
    vectorized = n // (2 * lanes) * (2 * lanes)  # the kernel's vector loop runs while two chunks remain
    if vectorized:
        lane = i[:vectorized] % lanes
        first = _fma(step, i[:vectorized] - lane, start).astype(acc).astype(np_dtype)  # each chunk's first value
        values[:vectorized] = _fma(lane, step, first.astype(acc)).astype(acc)
    return values.astype(np_dtype)


def linspace_values(start: Any, end: Any, steps: int, np_dtype: Any) -> np.ndarray:
    """PyTorch's linspace in dtype `np_dtype` (a float, complex or integer NumPy dtype)."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind == "c":
        return _spaced_f64(complex(start), complex(end), steps).astype(np_dtype)
    if np_dtype.itemsize == 2 and np_dtype.kind not in "iu":  # float16, bfloat16 (ml_dtypes kind "V")
        return _linspace_16bit(start, end, steps, np_dtype)
    return _exponents(start, end, steps, np_dtype).astype(np_dtype)


def _linspace_16bit(start: Any, end: Any, steps: int, np_dtype: np.dtype) -> np.ndarray:
    """linspace in half or bfloat16, as PyTorch's CPU kernel computes it in those types.

    Their arithmetic computes each operation in float and rounds it back, so the step is rounded
    twice and `start + step * i` three times (i, the product, the sum), on every element.
    """

    def r(x: Any) -> np.ndarray:  # round to the 16-bit dtype, hold it in float32
        return np.asarray(x, np.float32).astype(np_dtype).astype(np.float32)

    start, end = r(float(start)), r(float(end))
    if steps == 1:
        return start.reshape(1).astype(np_dtype)
    step = r(r(end - start) / r(steps - 1))
    half = steps // 2

    def value(i: np.ndarray) -> np.ndarray:
        return np.where(i < half, r(start + r(step * r(i))), r(end - r(step * r(steps - 1 - i))))

    return value(np.arange(steps, dtype=np.int64)).astype(np_dtype)


def logspace_values(start: Any, end: Any, steps: int, base: float, np_dtype: Any) -> np.ndarray:
    """`base ** exponent` over a double-precision linspace, in dtype `np_dtype`.

    Not PyTorch's bits everywhere: its power function is not NumPy's (this form came closest,
    a few last-bit differences in a hundred values).
    """
    if np.dtype(np_dtype).kind == "c":
        start, end = complex(start), complex(end)
    else:
        start, end = float(start), float(end)
    return np.power(base, _spaced_f64(start, end, steps)).astype(np_dtype)


def _exponents(start: Any, end: Any, steps: int, np_dtype: np.dtype) -> np.ndarray:
    """linspace's values before the cast to `np_dtype`: float64, or the dtype's own floats."""
    if np_dtype.kind in "iub":  # the bounds as integers, the step and values in double
        start, end = float(int(start)), float(int(end))
        work: Any = np.float64
    else:  # float32 for float32 and narrower floats, float64 for float64
        work = np.float64 if np_dtype.itemsize >= 8 else np.float32
        start, end = work(start), work(end)
    if steps == 1:
        return np.array([start], dtype=work)
    step = work(work(end - start) / work(steps - 1))
    i = np.arange(steps, dtype=np.int64)
    up = i < steps // 2
    values = np.where(up, _fma(step, i, start), _fma(-step, steps - 1 - i, end))
    return values.astype(work) if work is np.float32 else values


def _spaced_f64(start: Any, end: Any, steps: int) -> np.ndarray:
    """Symmetric linspace in double precision, rounded twice (logspace's exponents, complex bounds)."""
    if steps == 1:
        return np.array([start])
    step = (end - start) / (steps - 1)
    i = np.arange(steps, dtype=np.float64)
    return np.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i))
