"""a·b + c rounded once, as PyTorch's CPU kernels compute add/sub with alpha, addcmul and lerp.

PyTorch's vectorized kernels use a fused multiply-add there, which rounds once; NumPy has no fma
ufunc, and `a * b + c` rounds twice (different last bits in ~10% of float32 results). For float32
and float16 the product of two numbers is exact in float64, so the sum taken there and rounded back
is the fused result (but for a double rounding about once in 2^29). float64 and complex have no
wider type to hold the product: float64 splits the product and the sum into exact pairs of
doubles (`fma_float64`); complex keeps two roundings, the nearest NumPy comes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.thread_count import GRAIN as _GRAIN  # (a loop is split among threads from this many elements)
from ...engine.thread_count import get_num_threads

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
    if xp is np and dtype == _FLOAT64:
        return fma_float64(a, b, c)
    return a * b + c


_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a double into two 26-bit halves


def _split(x: Any) -> tuple[Any, Any]:
    """x = hi + lo exactly, each half with at most 26 significant bits (so hi·hi' is exact)."""
    scaled = x * _SPLITTER
    hi = scaled - (scaled - x)
    return hi, x - hi


def fma_float64(a: Any, b: Any, c: Any) -> Any:
    """a·b + c for float64 arrays/numbers, rounded once (as the FMA instruction PyTorch's kernels use).

    The product is split exactly into p + e (Dekker's two-product) and p + c into s + t (Knuth's
    two-sum); s + (t + e) is then the once-rounded result but for a tie between doubles (measure
    zero in practice). Where the splitting overflows (|a|, |b| near 1e300) or a value is not finite,
    the result is NumPy's `a * b + c`.

    Example:
        >>> float(fma_float64(np.float64(0.1), np.float64(10.0), np.float64(-1.0)))
        5.551115123125783e-17
    """
    with np.errstate(over="ignore", invalid="ignore"):
        a, b, c = np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)
        p = a * b
        s = p + c  # NumPy's twice-rounded result, kept where the exact pairs do not hold
        a_hi, a_lo = _split(a)
        b_hi, b_lo = _split(b)
        e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
        v = s - p
        t = (p - (s - v)) + (c - v)
        fused = s + (t + e)
        out = np.where(np.isfinite(fused) & (fused != 0), fused, s)  # (a zero: s's sign is IEEE's)
    return out if out.ndim else out[()]


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
_FLOAT64 = np.dtype(np.float64)




def _half_step() -> int:
    """Elements of one step of the vectorized loop: one Vectorized<BFloat16/Half>, two of float (32 with
    AVX-512, 16 with AVX2)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features  # type: ignore[no-redef]
    return 32 if features.get("AVX512F") else 16


_HALF_STEP = _half_step()


def scalar_tails(n: int, step: int = _HALF_STEP) -> list[slice]:
    """The stretches of a contiguous n-element float16/bfloat16 loop that PyTorch's CPU kernels run in
    scalar code: each thread's chunk (`at::parallel_for` from _GRAIN elements) goes a vector at a time,
    and its last `chunk % step` elements one by one (in the 16-bit type's own arithmetic). Other
    kernels step by `step` elements (`float_step`)."""
    threads = 1 if n < _GRAIN else max(1, min(get_num_threads(), -(-n // _GRAIN)))
    chunk = -(-n // threads) if n else 0
    tails = []
    for start in range(0, n, chunk or 1):
        length = min(chunk, n - start)
        tails.append(slice(start + length - length % step, start + length))
    return tails


def half_scaled_sum(a: Any, b: Any, alpha: float) -> Any:
    """a + alpha·b for float16/bfloat16 arrays of one shape, as PyTorch's add kernel: alpha already in the
    half dtype; one fused multiply-add in float32 rounded once, but in the scalar tails (`scalar_tails`)
    alpha·b rounded to the half dtype before the sum."""
    half = a.dtype
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    out = fma(np, b32, np.float32(alpha), a32, np.float32).astype(half)
    if a.shape == b.shape and a.flags.c_contiguous and b.flags.c_contiguous and out.size:
        flat, fa, fb = out.reshape(-1), a32.reshape(-1), b32.reshape(-1)
        for tail in scalar_tails(out.size):
            flat[tail] = fa[tail] + (np.float32(alpha) * fb[tail]).astype(half).astype(np.float32)
    return out


def float_step(dtype: Any) -> int:
    """Elements of one step of cpu_kernel_vec's loop over float32/float64 in the pointwise kernels
    measured (the loss backwards): two 32-byte vectors, also on AVX-512 machines."""
    return 64 // np.dtype(dtype).itemsize
