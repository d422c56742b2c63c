"""Special functions on NumPy arrays: gamma family, Hurwitz zeta, Bessel I, erfcx, incomplete gamma.

Written with NumPy alone (float64 inside, cast back by the caller). The few functions NumPy
cannot reasonably do (Bessel J/Y/K, Airy) come from SciPy, imported on first use with an
error naming the function when it is missing (`pip install retrograd[special]`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _lgamma_of(v: float) -> float:
    """ln|Γ(v)|: +inf at the poles 0, -1, -2, ..., at ±inf and past float64's range."""
    if math.isinf(v) or (v <= 0 and v == math.floor(v)):
        return math.inf
    try:
        return math.lgamma(v)
    except OverflowError:
        return math.inf


_lgamma = np.frompyfunc(_lgamma_of, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)

# Bernoulli numbers B_2k / (2k)!, for the Euler-Maclaurin tail of the Hurwitz zeta sum
_B2K_OVER_FACT = [
    1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000,
    1 / 74724249600, -3617 / 10670622842880000, 43867 / 5109094217170944000,
    -174611 / 802857662698291200000, 77683 / 5189998453040126976000,
]


def f64(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def gammaln(a: Any) -> np.ndarray:
    """ln|Γ(a)| (the C library's lgamma per element); +inf at the poles 0, -1, -2, ..."""
    x = f64(a)
    out = np.asarray(_lgamma(x), dtype=np.float64)
    return np.where(np.isnan(x), x, out)



# Cephes' ndtri, the algorithm PyTorch's kernel runs: a rational function of p - 1/2 in the middle
# and of 1/t, t = sqrt(-2 ln p), in the tails. Written as erfinv(2p - 1) the tails would lose p
# in the rounding of 2p - 1 (p = 1e-20 would give -inf). Coefficients highest power first.
_NDTRI_MIDDLE = (
    (-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1, 1.39312609387279679503e1,
     -1.23916583867381258016e0),
    (1.0, 1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1, -2.25462687854119370527e2,
     2.00260212380060660359e2, -8.20372256168333339912e1, 1.59056225126211695515e1, -1.18331621121330003142e0),
)
_NDTRI_NEAR = (  # 2 <= t < 8: exp(-32) < p <= exp(-2)
    (4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1, 4.40805073893200834700e1,
     1.46849561928858024014e1, 2.18663306850790267539e0, -1.40256079171354495875e-1, -3.50424626827848203418e-2,
     -8.57456785154685413611e-4),
    (1.0, 1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1, 1.50425385692907503408e1,
     2.50464946208309415979e0, -1.42182922854787788574e-1, -3.80806407691578277194e-2, -9.33259480895457427372e-4),
)
_NDTRI_FAR = (  # t >= 8: p <= exp(-32)
    (3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0, 1.33303460815807542389e0,
     2.01485389549179081538e-1, 1.23716634817820021358e-2, 3.01581553508235416007e-4, 2.65806974686737550832e-6,
     6.23974539184983293730e-9),
    (1.0, 6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0, 2.16236993594496635890e-1,
     1.34204006088543189037e-2, 3.28014464682127739104e-4, 2.89247864745380683936e-6, 6.79019408009981274425e-9),
)
_EXP_MINUS_2 = 0.13533528323661269189
_SQRT_2PI = 2.50662827463100050242
_SQRT_HALF = 0.70710678118654752440
_SQRT_PI_HALF = 0.88622692545275801365


def _polynomial(x: np.ndarray, coefficients: tuple) -> np.ndarray:
    """Σ c_k x^k by Horner's rule, in x's dtype (coefficients highest power first)."""
    result = np.zeros_like(x)
    for c in coefficients:
        result = result * x + c
    return result


def _rational(x: np.ndarray, pair: tuple) -> np.ndarray:
    return _polynomial(x, pair[0]) / _polynomial(x, pair[1])


def _ndtri_middle(m: np.ndarray) -> np.ndarray:
    """Φ⁻¹(1/2 + m) for |m| < 1/2 - e⁻²."""
    m2 = m * m
    return (m + m * (m2 * _rational(m2, _NDTRI_MIDDLE))) * _SQRT_2PI


def _ndtri_tail(p: np.ndarray) -> np.ndarray:
    """-Φ⁻¹(p) for 0 < p ≤ e⁻² (positive)."""
    t = np.sqrt(-2.0 * np.log(p))
    z = 1 / t
    return t - np.log(t) / t - z * np.where(t < 8, _rational(z, _NDTRI_NEAR), _rational(z, _NDTRI_FAR))


def ndtri(a: Any) -> np.ndarray:
    """Φ⁻¹(p), the standard normal quantile: -inf at 0, inf at 1, nan outside [0, 1].

    Computed in float32 for float32 data (as PyTorch's kernel), else in float64.
    """
    p = np.asarray(a) if np.asarray(a).dtype == np.float32 else f64(a)
    with np.errstate(all="ignore"):
        upper = p > 1 - _EXP_MINUS_2
        y = np.where(upper, 1 - p, p)  # the upper tail by symmetry, Φ⁻¹(p) = -Φ⁻¹(1 - p)
        tail = _ndtri_tail(y)
        out = np.where(y > _EXP_MINUS_2, _ndtri_middle(y - 0.5), np.where(upper, tail, -tail))
    out = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, out))
    return np.where((p < 0) | (p > 1), np.nan, out).astype(p.dtype, copy=False)


def erfinv(a: Any) -> np.ndarray:
    """erfinv(y) = Φ⁻¹((1 + y)/2)/√2 in float64, Cephes' ndtri fed exactly: y/2 in the middle, (1 - |y|)/2 in the tails.

    (1 + y)/2 itself would round away y below 2⁻⁵³ and the tails' last digits.
    """
    y = f64(a)
    with np.errstate(all="ignore"):
        p = (1 - np.abs(y)) / 2  # exact for |y| ≥ 1/2, so wherever the tail formula runs
        out = np.where(p > _EXP_MINUS_2, _ndtri_middle(y / 2), np.copysign(_ndtri_tail(p), y)) * _SQRT_HALF
    out = np.where(np.abs(y) < 1e-300, y * _SQRT_PI_HALF, out)  # (y/2 would lose subnormal bits)
    out = np.where(p == 0, np.copysign(np.inf, y), out)
    return np.where(p < 0, np.nan, out)


_PSI_10 = 2.25175258906672110764  # ψ(10), for arguments the recurrence brings exactly to 10
# ψ(x) ~ ln x - 1/(2x) - Σ B_2k / (2k x^2k): the Bernoulli terms B_2k/(2k), highest first
_PSI_SERIES = (
    8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
    -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
    8.33333333333333333333e-2,
)


def digamma(a: Any) -> np.ndarray:
    """ψ(a) = Γ'(a)/Γ(a): recurrence up to a ≥ 10, then the asymptotic series; reflection below 0.

    The steps PyTorch's CPU kernel takes, in float32 for float32 data (the reflection term in
    float64), ψ(10) exact, the reflection through the fractional part: results agree to the bit.
    """
    x = np.asarray(a)
    work = np.float32 if x.dtype == np.float32 else np.float64
    x = x.astype(work, copy=False)
    one = work(1)
    with np.errstate(all="ignore"):
        neg = x < 0
        y = np.where(neg, one - x, x)  # ψ(x) = ψ(1 - x) - π / tan(π frac(x))
        acc = np.zeros_like(y)
        for _ in range(10):
            small = y < 10
            acc = acc - np.where(small, one / y, work(0))
            y = np.where(small, y + one, y)
        z = one / (y * y)
        poly = np.full_like(y, _PSI_SERIES[0])
        for c in _PSI_SERIES[1:]:
            poly = poly * z + work(c)
        tail = np.where(y < work(1e17), z * poly, work(0))
        # log in float64, rounded once: glibc's logf, which PyTorch's kernel calls (NumPy's
        # float32 log is a last bit off for 8% of arguments)
        log_y = np.log(y.astype(np.float64)).astype(work, copy=False)
        out = np.where(y == 10, acc + work(_PSI_10), acc + log_y - work(0.5) / y - tail)
        frac = x.astype(np.float64) - np.trunc(x.astype(np.float64))
        out = np.where(neg, out - (np.pi / np.tan(np.pi * frac)).astype(work), out)
        out = np.where(neg & (x == np.floor(x)), work(np.nan), out)
        out = np.where(x == 0, np.copysign(work(np.inf), -x), out)  # PyTorch: -inf at +0, +inf at -0
    return out


def hurwitz_zeta(s: Any, q: Any) -> np.ndarray:
    """ζ(s, q) = Σ_k (q + k)^-s: terms summed until q + k > 9 (at least nine), the rest by Euler-Maclaurin."""
    x, a = np.broadcast_arrays(f64(s), f64(q))
    with np.errstate(all="ignore"):
        finite_a = np.where(np.isfinite(a), a, 0.0)
        terms = np.maximum(9, np.ceil(9 - finite_a) + 1)  # negative q: sum up past the poles first
        total = np.zeros(x.shape)
        for k in range(int(terms.max()) if terms.size else 0):
            total = total + np.where(k < terms, np.power(a + k, -x), 0.0)
        w = a + terms
        total = total + np.power(w, 1 - x) / (x - 1) + 0.5 * np.power(w, -x)
        factor = x * np.power(w, -x - 1)  # s (s+1) ... (s+2j-2) w^(-s-2j+1)
        for j, b in enumerate(_B2K_OVER_FACT):
            total = total + b * factor
            factor = factor * (x + 2 * j + 1) * (x + 2 * j + 2) / (w * w)
        out = np.where(x == 1, np.inf, total)
        out = np.where(x < 1, np.nan, out)
        pole = (a <= 0) & (a == np.floor(a))
        out = np.where(pole & (x >= 1), np.inf, out)
        out = np.where((a < 0) & ~pole & (x != np.floor(x)), np.nan, out)
    return out


def trigamma(a: Any) -> np.ndarray:
    """ψ'(a): reflection below ½, six recurrence steps, then ψ'(x) ≈ (1 + 1/2x + 1/6x² - 1/30x⁴ + 1/42x⁶)/x.

    PyTorch's CPU kernel, step for step in the data's precision (float32 in float32, the sine
    of the reflection in float64, rounded once): its short series is the function it computes,
    ~5e-10 off in float64, so a ζ-based value would differ in every element.
    """
    x = np.asarray(a)
    work = np.float32 if x.dtype == np.float32 else np.float64
    x = x.astype(work, copy=False)
    one, pi = work(1), work(math.pi)
    with np.errstate(all="ignore"):
        reflect = x < work(0.5)
        sin_pi_x: Any = np.sin((pi * x).astype(np.float64)).astype(work, copy=False)
        result = np.where(reflect, -(pi * pi) / (sin_pi_x * sin_pi_x), work(0))
        x = np.where(reflect, one - x, x)
        for _ in range(6):
            result = result + one / (x * x)
            x = x + one
        ixx = one / (x * x)
        series = one / work(6) - ixx * (one / work(30) - ixx * (one / work(42)))
        result = result + (one + one / (work(2) * x) + ixx * series) / x
        return np.where(reflect, -result, result)


def polygamma(n: int, a: Any) -> np.ndarray:
    """ψ⁽ⁿ⁾(a) = (-1)ⁿ⁺¹ n! ζ(n + 1, a) for n ≥ 2; ψ for n = 0, `trigamma` for n = 1."""
    if n == 0:
        return digamma(a)
    if n == 1:
        return trigamma(a)
    sign = -1.0 if n % 2 == 0 else 1.0
    return sign * math.factorial(n) * hurwitz_zeta(float(n + 1), a)


def _bessel_i_series(nu: int, x: np.ndarray) -> np.ndarray:
    """I_ν(x) = Σ (x/2)^(2k+ν) / (k! (k+ν)!) for |x| < 30 (positive terms: no cancellation)."""
    half2 = (x / 2) ** 2
    term = (x / 2) ** nu / math.factorial(nu)
    total = term.copy()
    for k in range(1, 90):
        term = term * half2 / (k * (k + nu))
        total = total + term
    return total


def _bessel_ie_asymptotic(nu: int, x: np.ndarray) -> np.ndarray:
    """e^-x I_ν(x) ~ (2πx)^-½ Σ (-1)^k a_k(ν) / x^k for large x > 0."""
    mu = 4.0 * nu * nu
    term = np.ones_like(x)
    total = term.copy()
    for k in range(1, 25):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        total = total + term
    return total / np.sqrt(2 * np.pi * x)


def bessel_ie(nu: int, a: Any) -> np.ndarray:
    """e^-|x| I_ν(x) for ν = 0, 1 (I₁ is odd, I₀ even)."""
    x = f64(a)
    ax = np.abs(x)
    small = ax < 30
    with np.errstate(all="ignore"):
        near = _bessel_i_series(nu, np.where(small, ax, 0.0)) * np.exp(-np.where(small, ax, 0.0))
        far = _bessel_ie_asymptotic(nu, np.where(small, 30.0, ax))
    out = np.where(small, near, far)
    out = np.where(np.isnan(x), x, out)
    return np.copysign(out, x) if nu == 1 else out


def bessel_i(nu: int, a: Any) -> np.ndarray:
    """I_ν(x) for ν = 0, 1 (overflows to inf past |x| ≈ 713, as in PyTorch)."""
    x = f64(a)
    with np.errstate(over="ignore", invalid="ignore"):
        return bessel_ie(nu, x) * np.exp(np.abs(x))


def _exp_of_square(x: np.ndarray) -> np.ndarray:
    """e^(x²) for |x| < 27 to a few ulps: the rounding of x*x alone would cost 2x² ulps (300 at x = 12)."""
    head = x.astype(np.float32).astype(np.float64)  # 24 significant bits, so head*head is exact
    tail = (x - head) * (x + head)  # x² - head², small
    return np.exp(head * head) * np.exp(tail)


def erfcx(a: Any) -> np.ndarray:
    """e^(x²) erfc(x): directly below x = 25, the asymptotic series above; overflows for x ≲ -26.6."""
    x = f64(a)
    with np.errstate(all="ignore"):
        direct_x = np.where(x < 25, np.maximum(x, -27.0), 0.0)  # below -26.6 the result overflows anyway
        direct = _exp_of_square(direct_x) * np.asarray(_erfc(direct_x), dtype=np.float64)
        big = np.where(x < 25, 25.0, x)
        inv = 1 / (2 * big * big)
        term, total = np.ones_like(big), np.ones_like(big)
        for k in range(1, 10):
            term = -term * (2 * k - 1) * inv
            total = total + term
        far = total / (big * math.sqrt(math.pi))
    out = np.where(x < 25, direct, far)
    return np.where(np.isnan(x), x, out)


def log_ndtr(x: np.ndarray) -> np.ndarray:
    """log Φ(x), composed as PyTorch's: with t = x·M_SQRT1_2, log(erfcx(-t) / 2) - t² below x = -1 (finite
    far left), log1p(-erfc(t) / 2) above (erfc itself, not erfcx(t)·e^(-t²), which rounds t² into the tail)."""
    t = x * 0.7071067811865476
    with np.errstate(all="ignore"):
        left = np.log(erfcx(-t) / 2) - t * t
        right = np.log1p(-np.asarray(_erfc(t), dtype=np.float64) / 2)
    return np.where(x < -1, left, right)


def gammainc(a: Any, x: Any) -> np.ndarray:
    """The regularised lower incomplete gamma P(a, x): series for x < a + 1, else Q's continued fraction."""
    a, x = np.broadcast_arrays(f64(a), f64(x))
    with np.errstate(all="ignore"):
        log_pre = a * np.log(x) - x - gammaln(a)
        # series: P = e^(-x) x^a / Γ(a+1) Σ x^k / ((a+1)...(a+k))
        term = 1 / a
        total = term.copy()
        ap = a.copy()
        for _ in range(400):
            ap = ap + 1
            term = term * x / ap
            total = total + term
        p_series = total * np.exp(log_pre)
        q_cf = _gammaincc_cf(a, x, log_pre)
        out = np.where(x < a + 1, p_series, 1 - q_cf)
        out = np.where(x == 0, 0.0, out)
        out = np.where((a == 0) & (x > 0), 1.0, out)
        out = np.where(np.isinf(x) & (x > 0), 1.0, out)
        out = np.where((a < 0) | (x < 0) | np.isnan(a) | np.isnan(x), np.nan, out)
    return out


def gammaincc(a: Any, x: Any) -> np.ndarray:
    """The regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), without the cancellation."""
    a, x = np.broadcast_arrays(f64(a), f64(x))
    with np.errstate(all="ignore"):
        log_pre = a * np.log(x) - x - gammaln(a)
        q_cf = _gammaincc_cf(a, x, log_pre)
        out = np.where(x < a + 1, 1 - gammainc(a, x), q_cf)
        out = np.where(x == 0, 1.0, out)
        out = np.where((a == 0) & (x > 0), 0.0, out)
        out = np.where(np.isinf(x) & (x > 0), 0.0, out)
        out = np.where((a < 0) | (x < 0) | np.isnan(a) | np.isnan(x), np.nan, out)
    return out


def _gammaincc_cf(a: np.ndarray, x: np.ndarray, log_pre: np.ndarray) -> np.ndarray:
    """Q(a, x) by Lentz's continued fraction (converges fast for x ≥ a + 1)."""
    tiny = 1e-300
    b = x + 1 - a
    c = np.full(x.shape, 1 / tiny)
    d = 1 / np.where(b == 0, tiny, b)
    h = d.copy()
    for i in range(1, 300):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        h = h * d * c
    return np.exp(log_pre) * h


def orthogonal_polynomial(kind: str, x: Any, n: Any) -> np.ndarray:
    """The degree-n polynomial of a classical family at x, by its three-term recurrence (0 for n < 0)."""
    x, n = np.broadcast_arrays(f64(x), f64(n))
    if kind.startswith("shifted_"):
        x, kind = 2 * x - 1, kind[len("shifted_") :]
    first = {
        "chebyshev_t": x, "chebyshev_u": 2 * x, "chebyshev_v": 2 * x - 1, "chebyshev_w": 2 * x + 1,
        "hermite_h": 2 * x, "hermite_he": x, "laguerre": 1 - x, "legendre": x,
    }[kind]
    prev, cur = np.ones_like(x), first
    out = np.where(n == 0, prev, np.where(n == 1, cur, 0.0))
    top = int(np.nanmax(n)) if n.size else 0
    with np.errstate(all="ignore"):
        for k in range(1, top):
            if kind.startswith("chebyshev"):
                nxt = 2 * x * cur - prev
            elif kind == "hermite_h":
                nxt = 2 * x * cur - 2 * k * prev
            elif kind == "hermite_he":
                nxt = x * cur - k * prev
            elif kind == "laguerre":
                nxt = ((2 * k + 1 - x) * cur - k * prev) / (k + 1)
            else:  # legendre
                nxt = ((2 * k + 1) * x * cur - k * prev) / (k + 1)
            prev, cur = cur, nxt
            out = np.where(n == k + 1, cur, out)
    return np.where(np.isnan(x), x, out)


def scipy_special(function: str) -> Any:
    """scipy.special, or an ImportError naming the retrograd function that needs it."""
    try:
        from scipy import special
    except ImportError:
        raise ImportError(
            f"retrograd.special.{function} needs SciPy, which is not installed: pip install 'retrograd[special]'"
        ) from None
    return special
