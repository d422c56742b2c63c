"""a·b + c rounded once, as PyTorch's CPU kernels compute add/sub with alpha, addcmul and lerp.

PyTorch's vectorized kernels use a fused multiply-add there, which rounds once; NumPy has no fma
ufunc, and `a * b + c` rounds twice (different last bits in ~10% of float32 results). For float32
and float16 the product of two numbers is exact in float64, so the sum taken there and rounded back
is the fused result (but for a double rounding about once in 2^29). float64 and complex have no
wider type to hold the product: they keep two roundings, the nearest NumPy comes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_EXACT_IN_FLOAT64 = (np.dtype(np.float32), np.dtype(np.float16))


def fma(xp: Any, a: Any, b: Any, c: Any, dtype: Any) -> Any:
    """a * b + c in `dtype` (arrays, or Python/NumPy numbers for `b`), rounded once where it can be.

    float16 is rounded to float32 first, as PyTorch computes half-precision ops in float32.
    """
    if xp is np and dtype in _EXACT_IN_FLOAT64:
        exact = np.multiply(a, b, dtype=np.float64)
        if type(exact) is np.ndarray and exact.shape == np.shape(c):
            exact += c
        else:  # c broadcasts the product (or all are 0-d)
            exact = np.add(exact, c, dtype=np.float64)
        return np.asarray(exact.astype(np.float32).astype(dtype, copy=False))
    return a * b + c


def opmath_scalar(value: Any, dtype: Any, via_dtype: bool = False) -> Any:
    """A Python number as PyTorch's kernel holds it for `dtype`: float32 for float32 and float16 (its
    opmath type; `via_dtype`: rounded to a half first, as add's alpha and addcdiv's value are); the
    number itself otherwise."""
    if isinstance(value, (int, float)) and dtype in _EXACT_IN_FLOAT64:
        return np.float32(np.float16(value) if via_dtype and dtype == _FLOAT16 else value)
    return value


def opmath(xp: Any, *arrays: Any) -> tuple:
    """float16 arrays as float32, the type PyTorch computes half-precision ops in; others as they are."""
    return tuple(a.astype(np.float32) if xp is np and a.dtype == _FLOAT16 else a for a in arrays)


_FLOAT32, _FLOAT16 = _EXACT_IN_FLOAT64
