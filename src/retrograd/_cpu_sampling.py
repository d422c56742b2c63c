"""PyTorch's CPU sampling algorithms on a `Generator`'s raw 32/64-bit draws.

Each function returns a flat NumPy array of `n` samples drawn in PyTorch's order, so
that after the same seed retrograd and PyTorch 2.13 (CPU) give the same bits:

- uniform: float32 takes the low 24 bits of a 32-bit draw, float64 the low 53 bits
  of a 64-bit draw, float16 24 bits rounded to half; `x·(to − from) + from` with one
  rounding (PyTorch's kernels are compiled with fused multiply-add), from and to first
  rounded to the dtype (float32 for float16); a result equal to `to` becomes `from`.
- normal, 16 or more contiguous elements: all uniforms first, then Box-Muller on
  blocks of 16 (element j pairs with j + 8); a ragged tail redraws 16 fresh uniforms
  and recomputes the last 16 outputs. float32 runs PyTorch's AVX2 code (Cephes-style
  log and sincos polynomials with its fused multiply-adds), float64 uses libm.
  float16 computes in float32 and tops up the tail's leftover uniforms to 16 instead.
- normal, fewer elements: the scalar Box-Muller on 64-bit uniforms, whose second value
  is cached in the generator for the next scalar draw.
- integers: a 32-bit draw modulo the range, or a 64-bit one for ranges >= 2**28
  (int32, int64, float64).
- randperm: Fisher-Yates with `random() % (n − i)`.
- bernoulli with a number p (and dropout): `u < p` on 64-bit uniforms; with a tensor
  of probabilities: 64-bit uniforms for float64 p, 32-bit ones otherwise.
- exponential: `(−1/λ)·log1p(−u)` on 64-bit uniforms.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._generator import Generator

_F32 = np.float32
_MASK24, _MASK53 = np.uint32(2**24 - 1), np.uint64(2**53 - 1)
_TWO_PI = 2.0 * math.pi

# --- exact arithmetic helpers ----------------------------------------------------------------

_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a double into two 26-bit halves


def _two_product(a: Any, b: Any) -> tuple[Any, Any]:
    """(p, e) with p = fl(a·b) and p + e = a·b exactly (Dekker, no FMA needed)."""
    p = a * b
    ca = _SPLITTER * a
    a_hi = ca - (ca - a)
    a_lo = a - a_hi
    cb = _SPLITTER * b
    b_hi = cb - (cb - b)
    b_lo = b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def fma64(a: Any, b: Any, c: Any) -> Any:
    """a·b + c in float64 with (nearly always) a single rounding, like a hardware FMA."""
    a, b, c = np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)
    p, e = _two_product(a, b)
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    return s + (t + e)


def fma32(a: Any, b: Any, c: Any) -> Any:
    """a·b + c for float32 operands with one rounding to float32 (the product is exact in float64)."""
    return (np.asarray(a, np.float64) * np.float64(b) + np.asarray(c, np.float64)).astype(_F32)


# --- uniforms ---------------------------------------------------------------------------------


def unit32(gen: Generator, n: int) -> Any:
    """`n` float32 uniforms in [0, 1) from the low 24 bits of 32-bit draws."""
    return (gen._u32(n) & _MASK24).astype(_F32) * _F32(2.0**-24)


def unit64(gen: Generator, n: int) -> Any:
    """`n` float64 uniforms in [0, 1) from the low 53 bits of 64-bit draws."""
    return (gen._u64(n) & _MASK53).astype(np.float64) * 2.0**-53


def uniform(gen: Generator, n: int, np_dtype: Any, low: float, high: float) -> Any:
    """`n` samples of U[low, high) in `np_dtype`; a sample that rounds up to `high` becomes `low`."""
    kind = np.dtype(np_dtype)
    if (low, high) == (0.0, 1.0) and kind.itemsize > 2:  # exact: never reaches 1
        return unit64(gen, n) if kind == np.float64 else unit32(gen, n)
    if kind == np.float64:
        values = fma64(unit64(gen, n), high - low, low)
    else:  # float32, and float16/bfloat16 through float32 arithmetic (rounding may reach `high`)
        lo, hi = _F32(low), _F32(high)
        values = fma32(unit32(gen, n), hi - lo, lo).astype(kind, copy=False)
    top, bottom = kind.type(high), kind.type(low)
    return np.where(values == top, bottom, values)


def uniform_doubles(gen: Generator, n: int, low: float, high: float) -> Any:
    """`n` float64 samples of U[low, high) as kernels compiled without FMA compute them
    (`u·(high − low) + low`, two roundings), e.g. rrelu's."""
    return unit64(gen, n) * (high - low) + low


# --- normal -----------------------------------------------------------------------------------

# float32 constants of PyTorch's AVX2 log and sincos (Cephes single-precision polynomials)
_LOG_POLY = [_F32(v) for v in (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
)]  # fmt: skip
_LOG_Q1, _LOG_Q2, _SQRT_HALF = _F32(-2.12194440e-4), _F32(0.693359375), _F32(0.707106781186547524)
_PIO4_PARTS = [_F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8)]
_SIN_POLY = [_F32(-1.9515295891e-4), _F32(8.3321608736e-3), _F32(-1.6666654611e-1)]
_COS_POLY = [_F32(2.443315711809948e-5), _F32(-1.388731625493765e-3), _F32(4.166664568298827e-2)]
_FOUR_OVER_PI = _F32(1.27323954473516)
_SIGN = np.int32(-(2**31))


def _log_avx2(x: Any) -> Any:
    """Natural log of positive float32s, bit for bit as PyTorch's AVX2 `log256_ps`."""
    bits = np.maximum(x, _F32(np.finfo(_F32).tiny)).view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(_F32) + _F32(1)
    m = ((bits & ~0x7F800000) | np.int32(0x3F000000)).view(_F32)  # mantissa in [0.5, 1)
    small = m < _SQRT_HALF  # then use 2m - 1 and one less in the exponent
    m = (m - _F32(1)) + np.where(small, m, _F32(0))
    e = e - small.astype(_F32)
    z = m * m
    y = np.full_like(m, _LOG_POLY[0])
    for c in _LOG_POLY[1:]:
        y = fma32(y, m, c)
    y = fma32(y * m, z, e * _LOG_Q1)
    y = fma32(z, _F32(-0.5), y)
    return fma32(e, _LOG_Q2, m + y)


def _sincos_avx2(x: Any) -> tuple[Any, Any]:
    """(sin, cos) of non-negative float32s, bit for bit as PyTorch's AVX2 `sincos256_ps`."""
    octant = (x * _FOUR_OVER_PI).astype(np.int32)
    octant = (octant + 1) & ~1
    y = octant.astype(_F32)
    sin_sign = (octant & 4) << 29
    cos_sign = (~(octant - 2) & 4) << 29
    sin_first = (octant & 2) == 0
    for part in _PIO4_PARTS:  # x − y·π/4 in three pieces (extended-precision reduction)
        x = fma32(y, part, x)
    z = x * x
    c = fma32(fma32(np.full_like(z, _COS_POLY[0]), z, _COS_POLY[1]), z, _COS_POLY[2])
    c = fma32(c * z, z, -(z * _F32(0.5))) + _F32(1)
    s = fma32(fma32(np.full_like(z, _SIN_POLY[0]), z, _SIN_POLY[1]), z, _SIN_POLY[2])
    s = fma32(s * z, x, x)
    sin = np.where(sin_first, s, c).view(np.int32) ^ (sin_sign & _SIGN)
    cos = np.where(sin_first, c, s).view(np.int32) ^ (cos_sign & _SIGN)
    return sin.view(_F32), cos.view(_F32)


_ROWS_PER_CHUNK = 2048  # blocks of 16 transformed at a time: the temporaries stay in cache


def _scale_shift(x: Any, std: float, mean: float) -> Any:
    """x·std + mean with one rounding (a plain product when mean is 0: the same bits)."""
    kind = x.dtype.type
    if mean == 0:
        return x if std == 1 else x * kind(std)
    return fma32(x, kind(std), kind(mean)) if kind is _F32 else fma64(x, std, mean)


def _box_muller_16(u: Any, np_dtype: Any, mean: float, std: float) -> Any:
    """PyTorch's `normal_fill_16` on rows of 16 uniforms: (1 − u[j], u[j + 8]) -> outputs j, j + 8."""
    blocks = u.reshape(-1, 16)
    out = np.empty_like(blocks)
    for start in range(0, len(blocks), _ROWS_PER_CHUNK):
        rows = blocks[start : start + _ROWS_PER_CHUNK]
        if np.dtype(np_dtype) == np.float32:
            radius = np.sqrt(_F32(-2) * _log_avx2(_F32(1) - rows[:, :8]))
            sin, cos = _sincos_avx2(_F32(_TWO_PI) * rows[:, 8:])
        else:  # libm's log (NumPy's SIMD log rounds differently); NumPy's cos and sin agree with libm
            logs = np.fromiter(map(math.log, (1.0 - rows[:, :8]).ravel().tolist()), np.float64)
            radius = np.sqrt(-2.0 * logs).reshape(-1, 8)
            theta = _TWO_PI * rows[:, 8:]
            sin, cos = np.sin(theta), np.cos(theta)
        out[start : start + len(rows), :8] = _scale_shift(radius * cos, std, mean)
        out[start : start + len(rows), 8:] = _scale_shift(radius * sin, std, mean)
    return out.ravel()


def normal_vectorised(gen: Generator, n: int, np_dtype: Any, mean: float, std: float) -> Any:
    """PyTorch's `normal_fill` for n >= 16 contiguous float32/float64 elements."""
    draw = unit64 if np.dtype(np_dtype) == np.float64 else unit32
    u = draw(gen, n)
    whole = n - n % 16
    out = np.empty(n, dtype=np_dtype)
    out[:whole] = _box_muller_16(u[:whole], np_dtype, mean, std)
    if whole != n:  # the ragged tail: 16 fresh uniforms recompute the last 16 outputs
        out[n - 16 :] = _box_muller_16(draw(gen, 16), np_dtype, mean, std)
    return out


def _normal_half(gen: Generator, n: int, mean: float, std: float) -> Any:
    """PyTorch's float16 `normal_` (n >= 16), in float32: a ragged tail tops up the leftover
    uniforms with fresh ones to a block of 16 and recomputes the last 16 outputs from it."""
    whole = n - n % 16
    u = unit32(gen, -(-n // 16) * 16)
    out = np.empty(n, dtype=_F32)
    out[:whole] = _box_muller_16(u[:whole], np.float32, mean, std)
    if whole != n:
        out[n - 16 :] = _box_muller_16(u[whole:], np.float32, mean, std)
    return out


def normal_scalar(gen: Generator, n: int, mean: float, std: float) -> Any:
    """PyTorch's scalar `normal_distribution<double>`: Box-Muller pairs (cos first, sin cached)."""
    values: list[float] = []
    if n and gen._next_double_normal is not None:
        values.append(gen._next_double_normal)
        gen._next_double_normal = None
    pairs = (n - len(values) + 1) // 2
    u = unit64(gen, 2 * pairs).tolist()
    for k in range(pairs):
        radius = math.sqrt(-2.0 * math.log1p(-u[2 * k + 1]))
        theta = _TWO_PI * u[2 * k]
        values.append(radius * math.cos(theta))
        values.append(radius * math.sin(theta))
    if len(values) > n:
        gen._next_double_normal = values.pop()
    return fma64(np.array(values, dtype=np.float64), std, mean)


def normal(gen: Generator, n: int, np_dtype: Any, mean: float, std: float, contiguous: bool = True) -> Any:
    """`n` samples of N(mean, std²) in `np_dtype`, by whichever of PyTorch's paths applies."""
    kind = np.dtype(np_dtype)
    if n >= 16 and contiguous and kind in (np.float32, np.float64):
        return normal_vectorised(gen, n, kind, mean, std)
    if n >= 16 and contiguous:
        return _normal_half(gen, n, mean, std).astype(kind)
    return normal_scalar(gen, n, mean, std).astype(kind)


# --- integers, permutations -------------------------------------------------------------------

# PyTorch's `random_()` without bounds: 32-bit draws modulo max + 1 (64-bit ones for int64/float64)
_FULL_MODULUS = {
    "int64": 2**63, "int32": 2**31, "int16": 2**15, "int8": 2**7, "uint8": 2**8, "bool": 2,
    "float64": 2**53 + 1, "float32": 2**24 + 1, "float16": 2**11 + 1, "bfloat16": 2**8 + 1,
}  # fmt: skip
# PyTorch 2.13 takes 64-bit draws for ranges of 2**28 or more (found by experiment) for these
_WIDE_RANGE_DTYPES = ("int64", "int32", "float64", "float32", "bfloat16")
_WIDE_RANGE = 2**28


def integers(gen: Generator, n: int, low: int, high: int, dtype_name: str) -> Any:
    """`n` integers `draw % (high − low) + low` as int64 (PyTorch's `random_(from, to)`)."""
    span = high - low
    if span >= _WIDE_RANGE and dtype_name in _WIDE_RANGE_DTYPES:
        draws = gen._u64(n)
    else:
        draws = gen._u32(n).astype(np.uint64)
    offsets = draws % np.uint64(span)
    if low >= 0 or span < 2**63:
        return offsets.astype(np.int64) + np.int64(low)
    return (offsets + np.uint64(low % 2**64)).view(np.int64)  # wraps like PyTorch's uint64 sum


def full_range_integers(gen: Generator, n: int, dtype_name: str) -> Any:
    """PyTorch's `random_()` with no bounds for dtype `dtype_name`, as int64 values."""
    modulus = _FULL_MODULUS[dtype_name]
    draws = gen._u64(n) if dtype_name in ("int64", "float64") else gen._u32(n).astype(np.uint64)
    return (draws % np.uint64(modulus)).astype(np.int64)


def int64_full_span(gen: Generator, n: int) -> Any:
    """PyTorch's `random_(-2**63, None)`: raw 64-bit draws as int64."""
    return gen._u64(n).view(np.int64)


_SMALL_PERM = (2**32 - 1) // 20  # PyTorch switches algorithm from this n on


def randperm(gen: Generator, n: int) -> Any:
    """PyTorch's CPU `randperm(n)` as int64."""
    if n < _SMALL_PERM:
        perm = list(range(n))
        if n > 1:
            spans = np.arange(n, 1, -1, dtype=np.uint64)
            offsets = (gen._u32(n - 1).astype(np.uint64) % spans).tolist()
            for i, z in enumerate(offsets):  # swap i with i + z, z uniform in [0, n − i)
                j = i + z
                perm[i], perm[j] = perm[j], perm[i]
        return np.array(perm, dtype=np.int64)
    # inside-out Fisher-Yates on 64-bit draws (only for huge n)
    picks = (gen._u64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
    out = np.empty(n, dtype=np.int64)
    for i, z in enumerate(picks):
        out[i] = out[z]
        out[z] = i
    return out


# --- bernoulli, exponential, multinomial --------------------------------------------------------


def bernoulli_scalar(gen: Generator, n: int, p: float) -> Any:
    """`n` Bernoulli(p) draws as bool (PyTorch's scalar-p kernel: 64-bit uniforms)."""
    return unit64(gen, n) < p


def bernoulli_tensor(gen: Generator, probs: Any) -> Any:
    """One Bernoulli draw per element of `probs` (in order), as bool."""
    flat = probs.ravel()
    if flat.dtype == np.float64:
        return (unit64(gen, flat.size) < flat).reshape(probs.shape)
    return (unit32(gen, flat.size) < flat.astype(_F32)).reshape(probs.shape)


def exponential(gen: Generator, n: int, rate: float) -> Any:
    """`n` Exp(rate) samples in float64 (PyTorch samples in double, then casts)."""
    u = unit64(gen, n)
    return (-1.0 / rate) * np.fromiter(map(math.log1p, (-u).tolist()), np.float64, count=n)


def multinomial_with_replacement(gen: Generator, rows: Any, k: int) -> Any:
    """`k` category indices per row of weights `rows` (R, C), PyTorch's CDF search."""
    cdf = np.cumsum(rows, axis=1, dtype=rows.dtype)
    cdf = cdf / cdf[:, -1:]
    cdf[:, -1] = 1
    out = np.empty((rows.shape[0], k), dtype=np.int64)
    for i in range(rows.shape[0]):
        draws = unit64(gen, k)
        out[i] = np.searchsorted(cdf[i].astype(np.float64), draws, side="left")
    return out


def poisson(gen: Generator, rates: list[float]) -> Any:
    """One Poisson draw per rate, in order: PyTorch's `sample_poisson` (transformed rejection
    for rates >= 10, products of uniforms below), one 64-bit uniform at a time."""
    out = np.empty(len(rates), dtype=np.int64)
    for i, rate in enumerate(rates):
        out[i] = _poisson_one(gen, rate)
    return out


def _next_unit(gen: Generator) -> float:
    return float(unit64(gen, 1)[0])


def _poisson_one(gen: Generator, rate: float) -> int:
    if rate == 0:
        return 0
    if rate < 10:
        threshold, count, product = math.exp(-rate), 0, 1.0
        while True:
            product *= _next_unit(gen)
            if product <= threshold:
                return count
            count += 1
    root, log_rate = math.sqrt(rate), math.log(rate)
    b = 0.931 + 2.53 * root
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = _next_unit(gen) - 0.5
        v = _next_unit(gen)
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + rate + 0.43)
        if us >= 0.07 and v <= v_r:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b) <= -rate + k * log_rate - math.lgamma(k + 1):
            return k


# --- cauchy_, log_normal_, geometric_: one double uniform (or normal) per element, in order -------


def cauchy(gen: Generator, n: int, median: float, sigma: float) -> Any:
    """`n` Cauchy samples median + σ·tan(π(u − ½)) in float64 (PyTorch's `cauchy_distribution<double>`)."""
    u = unit64(gen, n).tolist()
    return np.array([median + sigma * math.tan(math.pi * (v - 0.5)) for v in u], np.float64)  # libm's tan


def log_normal(gen: Generator, n: int, mean: float, std: float) -> Any:
    """`n` samples exp(N(mean, std²)) in float64, the normals drawn one at a time as PyTorch's scalar kernel."""
    normals = normal_scalar(gen, n, mean, std).tolist()
    # libm's exp, as PyTorch's (NumPy's vectorised exp differs by an ulp now and then)
    return np.fromiter(map(math.exp, normals), np.float64, count=n)


def geometric(gen: Generator, n: int, p: float) -> Any:
    """`n` Geometric(p) samples ⌈ln u / ln(1 − p)⌉ (trials up to the first success) in float64."""
    u = unit64(gen, n).tolist()
    scale = math.log1p(-p)
    return np.array([math.ceil(math.log(v) / scale) if v > 0 else math.inf for v in u], np.float64)
