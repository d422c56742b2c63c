"""PyTorch's reparameterised gradients of gamma and Dirichlet draws, vectorised on NumPy arrays.

PyTorch does not differentiate the CDF exactly: ATen's `standard_gamma_grad_one` and
`dirichlet_grad_one` pick, by region, a Taylor series, a Rice saddle-point expansion or a fitted
rational approximation, each good to about three digits. Gradients that match PyTorch's (not just
the true derivative) must take the same branch and evaluate the same formula in the same order.

On CPU their accumulator type is double. Where ATen computes in the input's `scalar_t` (the Beta
series near 0 and 1, the branch tests, digamma's argument steps), the arrays here stay in the
input's dtype, so float32 gradients round as PyTorch's do (NumPy keeps Python numbers weak, so
`1 - x` on a float32 array is float32 arithmetic, as on a C++ float). What is left: libm's last
bit in log, exp and pow, magnified where a formula cancels (see `_log`).
"""

from __future__ import annotations

import numpy as np

_F64 = np.float64
# float literals in ATen (0.8f, ...): their float32 values, compared against doubles
_POINT_8F = float(np.float32(0.8))
_POINT_9F = float(np.float32(0.9))
_ONE_POINT_1F = float(np.float32(1.1))

_PSI_10 = 2.25175258906672110764  # ψ(10)
_DIGAMMA_SERIES = (
    8.33333333333333333333e-2,
    -2.10927960927960927961e-2,
    7.57575757575757575758e-3,
    -4.16666666666666666667e-3,
    3.96825396825396825397e-3,
    -8.33333333333333333333e-3,
    8.33333333333333333333e-2,
)


# C's libm rounds log, exp and pow almost always correctly; NumPy's SIMD loops miss by an ulp far
# more often, which the cancelling formulas below magnify. One precision up, rounded once, is closer.
_WIDER: dict[np.dtype, np.dtype] = {np.dtype(np.float32): np.dtype(_F64), np.dtype(_F64): np.dtype(np.longdouble)}


def _widen(x: np.ndarray | float, like: np.ndarray) -> np.ndarray:
    return np.asarray(x, like.dtype).astype(_WIDER.get(like.dtype, np.dtype(_F64)))


def _log(x: np.ndarray) -> np.ndarray:
    """log in x's dtype, as libm rounds it."""
    return np.log(_widen(x, x)).astype(x.dtype)


def _exp(x: np.ndarray) -> np.ndarray:
    """exp in x's dtype, as libm rounds it."""
    return np.exp(_widen(x, x)).astype(x.dtype)


def _pow(base: np.ndarray, exponent: np.ndarray | float) -> np.ndarray:
    """base ** exponent in base's dtype, as libm rounds it."""
    return np.power(_widen(base, base), _widen(exponent, base)).astype(base.dtype)


def digamma_one(x: np.ndarray) -> np.ndarray:
    """ψ(x) as ATen's `digamma_one<scalar_t, double>`: argument steps in x's dtype, sums in double."""
    x = np.array(x)
    dt = x.dtype.type
    shift = np.zeros(x.shape, _F64)
    with np.errstate(all="ignore"):
        negative = x < 0
        # reflection ψ(x) = ψ(1 - x) - π / tan(πx); poles at 0 and the negative integers
        pi = dt(np.pi)
        shift[negative] = -pi / np.tan(pi * x[negative])
        x[negative] = 1 - x[negative]
        pole = (x == 0) | (negative & (x == np.floor(x)))
        # ψ(x) = ψ(x + 1) - 1/x, up to x >= 10 (at most ten steps for x > 0)
        result = np.zeros(x.shape, _F64)
        low = x < 10
        while low.any():
            result[low] -= 1 / x[low]
            x[low] += 1
            low = x < 10
        z = 1.0 / (x * x).astype(_F64)
        series = np.where(x < dt(1e17), z * _polevl(z, _DIGAMMA_SERIES), 0.0)
        asymptotic = result + _log(x) - 0.5 / x - series + shift
        out = np.where(x == 10, result + _PSI_10 + shift, asymptotic)
    return np.where(pole, np.inf, out).astype(dt)


def _polevl(z: np.ndarray, coefficients: tuple[float, ...]) -> np.ndarray:
    """Cephes polynomial: highest power first, by Horner's rule."""
    total = np.full(z.shape, coefficients[0])
    for c in coefficients[1:]:
        total = total * z + c
    return total


def standard_gamma_grad_array(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """dx/dα for x ~ Gamma(α, 1) as `torch._standard_gamma_grad(alpha, x)`, in x's dtype (double inside)."""
    dtype = np.result_type(x, alpha)
    x64, a64 = (np.asarray(v, _F64) for v in np.broadcast_arrays(x, alpha))
    small_x = x64 < _POINT_8F
    large_a = ~small_x & (a64 > 8.0)
    near_mode = large_a & (_POINT_9F * a64 <= x64) & (x64 <= _ONE_POINT_1F * a64)
    regions = (
        (small_x, _gamma_grad_small_x),
        (near_mode, _gamma_grad_near_mode),
        (large_a & ~near_mode, _gamma_grad_large_alpha),
        (~small_x & ~large_a, _gamma_grad_rational),
    )
    out = np.empty(x64.shape, _F64)
    with np.errstate(all="ignore"):
        for mask, formula in regions:
            out[mask] = formula(x64[mask], a64[mask])
    return out.astype(dtype)


def _gamma_grad_small_x(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """x < 0.8: Taylor series of the CDF and its α-derivative; -(∂P/∂α) / pdf, NaN read as 0."""
    numer = np.ones_like(x)
    denom = alpha.copy()
    series1 = numer / denom
    series2 = numer / (denom * denom)
    for i in range(1, 6):
        numer = numer * (-x / i)
        denom = denom + 1
        series1 = series1 + numer / denom
        series2 = series2 + numer / (denom * denom)
    pow_x_alpha = _pow(x, alpha)
    pdf = _pow(x, alpha - 1) * _exp(-x)
    cdf = pow_x_alpha * series1
    cdf_alpha = (_log(x) - digamma_one(alpha)) * cdf - pow_x_alpha * series2
    result = -cdf_alpha / pdf
    return np.where(np.isnan(result), 0.0, result)


def _gamma_grad_near_mode(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """α > 8 and x within 10% of α: the saddle-point expansion's limit at its singularity x = α."""
    numer_1 = 1 + 24 * alpha * (1 + 12 * alpha)
    numer_2 = 1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - 65 * x * x / alpha + alpha * (107 + 3600 * x)
    denom = 1244160 * (alpha * alpha) * (alpha * alpha)
    return numer_1 * numer_2 / denom


def _gamma_grad_large_alpha(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """α > 8 away from the mode: Rice's saddle-point expansion with a Stirling correction."""
    denom = np.sqrt(8 * alpha)
    term2 = denom / (alpha - x)
    term3 = _pow(x - alpha - alpha * _log(x / alpha), -1.5)
    term23 = np.where(x < alpha, term2 - term3, term2 + term3)
    term1 = _log(x / alpha) * term23 - np.sqrt(2 / alpha) * (alpha + x) / ((alpha - x) * (alpha - x))
    stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha))
    numer = x * term1
    return -stirling * numer / denom


# rows: constant, u, u² parts of the eight coefficients (numerator then denominator, powers of v)
_GAMMA_RATIONAL = (
    (0.16009398, -0.094634809, 0.025146376, -0.0030648343,
     1, 0.32668115, 0.10406089, 0.0014179084),
    (0.53487893, 0.1298071, 0.065735949, -0.0015649758,
     0.16639465, 0.020070113, -0.0035938915, -0.00058392623),
    (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777,
     0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07),
)  # fmt: skip


def _gamma_grad_rational(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Otherwise: exp(p/q), p and q cubic in v = log α with coefficients quadratic in u = log(x/α)."""
    u = _log(x / alpha)
    v = _log(alpha)
    c = [c0 + u * (c1 + u * c2) for c0, c1, c2 in zip(*_GAMMA_RATIONAL)]
    p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
    q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
    return _exp(p / q)


def dirichlet_grad_array(x: np.ndarray, alpha: np.ndarray, total: np.ndarray) -> np.ndarray:
    """`torch._dirichlet_grad(x, alpha, total)`: -(∂/∂α BetaCDF(x; α, total - α)) / pdf / (1 - x).

    A Dirichlet coordinate is Beta(α, total - α) distributed, so its reparameterised gradient is
    this Beta one; the caller spreads it over the simplex. In x's dtype; shapes broadcast.
    """
    x, alpha, total = np.broadcast_arrays(*(np.asarray(v) for v in (x, alpha, total)))
    dt = x.dtype
    alpha, total = alpha.astype(dt), total.astype(dt)
    with np.errstate(all="ignore"):
        beta = total - alpha
        boundary = total * x * (1 - x)
        near_0 = (x <= 0.5) & (boundary < 2.5)
        near_1 = ~near_0 & (x >= 0.5) & (boundary < 0.75)
        both_large = ~near_0 & ~near_1 & (alpha > 6) & (beta > 6)
        rest = ~(near_0 | near_1 | both_large)
        out = np.empty(x.shape, dt)
        out[near_0] = _beta_grad_alpha_small(x[near_0], alpha[near_0], beta[near_0])
        out[near_1] = -_beta_grad_beta_small(1 - x[near_1], beta[near_1], alpha[near_1])
        x64, a64, t64 = (v.astype(_F64) for v in (x, alpha, total))
        out[both_large] = _beta_grad_alpha_mid(x64[both_large], a64[both_large], (t64 - a64)[both_large])
        out[rest] = _beta_grad_rational(x[rest], alpha[rest], total[rest])
    return out


def _beta_grad_alpha_small(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """x near 0: Taylor series of the Beta CDF's α-derivative, in x's dtype; NaN read as 0."""
    factor = digamma_one(alpha) - digamma_one(alpha + beta) - _log(x)
    numer = np.ones_like(x)
    series = numer / alpha * (factor + 1 / alpha)
    for i in range(1, 11):
        numer = numer * ((i - beta) * x / i)
        denom = alpha + i
        series = series + numer / denom * (factor + 1 / denom)
    result = x * _pow(1 - x, -beta) * series
    return np.where(np.isnan(result), 0, result)


def _beta_grad_beta_small(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """x near 0: the series for the β-derivative (used mirrored, for x near 1), in x's dtype."""
    factor = digamma_one(alpha + beta) - digamma_one(beta)
    numer, betas, dbetas = np.ones_like(x), np.ones_like(x), np.zeros_like(x)
    series = factor / alpha
    for i in range(1, 9):
        numer = numer * (-x / i)
        dbetas = dbetas * (beta - i) + betas
        betas = betas * (beta - i)
        series = series + numer / (alpha + i) * (dbetas + factor * betas)
    result = -_pow(1 - x, 1 - beta) * series
    return np.where(np.isnan(result), 0, result)


def _beta_grad_alpha_mid(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """α, β > 6: Rice saddle-point expansion, in double; its limit within 0.1 std of the mean."""
    total = alpha + beta
    mean = alpha / total
    std = np.sqrt(alpha * beta / (total + 1)) / total
    at_mean = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    prefactor = -x / np.sqrt(2 * alpha * beta / total)
    stirling = (
        (1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha))
        * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))
        / (1 + 1 / (12 * total) + 1 / (288 * total * total))
    )
    term1_num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta)
    axbx = alpha * (x - 1) + beta * x
    term1_den = np.sqrt(2 * alpha / beta) * _pow(total, 1.5) * axbx * axbx
    term1 = term1_num / term1_den
    term2 = 0.5 * _log(alpha / (total * x))
    term3 = np.sqrt(8 * alpha * beta / total) / (beta * x + alpha * (x - 1))
    term4_base = beta * _log(beta / (total * (1 - x))) + alpha * _log(alpha / (total * x))
    term4 = _pow(term4_base, -1.5)
    term1234 = term1 + term2 * (term3 + np.where(x < mean, term4, -term4))
    return np.where(at_mean, _beta_grad_alpha_at_mean(x, alpha, beta), stirling * prefactor * term1234)


def _beta_grad_alpha_at_mean(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """The saddle-point expansion's limit at x = mean, where its terms are singular."""
    total = alpha + beta
    b2 = beta * beta
    # a polynomial in α by Horner's rule, nested as ATen nests it
    poly = 8 * (1 - x) * (135 * beta - 11)
    poly = (453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * poly
    poly = 3 * (59 + 180 * beta - 90 * x) * b2 + alpha * poly
    poly = (43 + 20 * (16 + 27 * beta) * x) * b2 * beta + alpha * poly
    poly = 47 * x * b2 * b2 + alpha * poly
    prefactor_num = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total)
    prefactor_den = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total)
    return prefactor_num / (1 - x) * poly / prefactor_den


# c[0] numerator, c[1] denominator; [i][j] multiplies uⁱ aʲ, the four entries are powers of b
_BETA_RATIONAL = np.array([
    [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
      [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
      [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
     [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
      [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
      [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
     [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
      [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
      [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
    [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
      [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
      [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
     [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
      [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
      [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
     [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
      [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
      [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]],
])  # fmt: skip


def _beta_grad_rational(x: np.ndarray, alpha: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Otherwise: a fitted rational correction p/q to x (ψ(total) - ψ(α)) / β, in double.

    p, q are sums over i, j < 3 of uⁱ aʲ times a cubic in b, with u = log x, a = log α - u,
    b = log total - a. The digammas take x's dtype as ATen's do.
    """
    x64, a64, t64 = (v.astype(_F64) for v in (x, alpha, total))
    u = _log(x64)
    a = _log(a64) - u
    b = _log(t64) - a
    pow_u, pow_a = (1.0, u, u * u), (1.0, a, a * a)
    p, q = np.zeros_like(u), np.zeros_like(u)
    for i in range(3):
        for j in range(3):
            ua = pow_u[i] * pow_a[j]
            cp, cq = _BETA_RATIONAL[0, i, j], _BETA_RATIONAL[1, i, j]
            p = p + ua * (cp[0] + b * (cp[1] + b * (cp[2] + b * cp[3])))
            q = q + ua * (cq[0] + b * (cq[1] + b * (cq[2] + b * cq[3])))
    approx = x64 * (digamma_one(total) - digamma_one(alpha)) / (t64 - a64)
    return p / q * approx
