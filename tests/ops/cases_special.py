"""Op table: `special` (all of torch.special), against SciPy, finite differences and PyTorch.

Functions PyTorch differentiates get gradcheck and gradgradcheck; the others (Bessel J/Y/K,
Airy, orthogonal polynomials) are checked for values only. zeta and gammainc/gammaincc are
differentiated in their second argument only, as in PyTorch.
"""

from __future__ import annotations

import numpy as np
from scipy import special as sp

from .harness import OpCase, away_from_zero, inputs_of, positive, rand

S = (2, 3)
no_grad = dict(grad=False, gradgrad=False)
loose = dict(no_grad, atol=1e-6)  # PyTorch's own Bessel J/Y kernels differ from SciPy's by ~3e-7
FIRST = np.array([[1.5, 2.0, 3.5], [4.0, 2.5, 1.75]])  # zeta's s, gammainc's a: not differentiated (as in PyTorch)


def case(name, fn, makers, ref=None, **kw):
    return OpCase("special." + name, fn, inputs_of(*makers), ref, **kw)


def unary(name, ref, maker=rand(*S), **kw):
    return case(name, lambda m, a: getattr(m.special, name)(a), [maker], ref, **kw)


def ints(*shape, low=0, high=8):
    return lambda rng: rng.integers(low, high, shape)


def polynomial(name):
    return lambda m, x, n: getattr(m.special, name)(x, n)


def np_log_softmax(a, axis):
    return a - sp.logsumexp(a, axis=axis, keepdims=True)


POLYNOMIALS = {
    "chebyshev_polynomial_t": lambda x, n: sp.eval_chebyt(n, x),
    "chebyshev_polynomial_u": lambda x, n: sp.eval_chebyu(n, x),
    "chebyshev_polynomial_v": None,
    "chebyshev_polynomial_w": None,
    "shifted_chebyshev_polynomial_t": lambda x, n: sp.eval_sh_chebyt(n, x),
    "shifted_chebyshev_polynomial_u": lambda x, n: sp.eval_sh_chebyu(n, x),
    "shifted_chebyshev_polynomial_v": None,
    "shifted_chebyshev_polynomial_w": None,
    "hermite_polynomial_h": lambda x, n: sp.eval_hermite(n, x),
    "hermite_polynomial_he": lambda x, n: sp.eval_hermitenorm(n, x),
    "laguerre_polynomial_l": lambda x, n: sp.eval_laguerre(n, x),
    "legendre_polynomial_p": lambda x, n: sp.eval_legendre(n, x),
}

CASES = [
    unary("gammaln", sp.gammaln, rand(*S, low=0.2, high=6)),
    unary("gammaln", sp.gammaln, rand(*S, low=-2.9, high=-2.1), variant="negative"),
    unary("digamma", sp.digamma, rand(*S, low=0.2, high=12)),
    unary("digamma", sp.digamma, rand(*S, low=-1.9, high=-1.1), variant="negative"),
    unary("psi", sp.digamma, positive(*S)),
    case("polygamma", lambda m, a: m.special.polygamma(1, a), [positive(*S)], lambda a: sp.polygamma(1, a)),
    case("polygamma", lambda m, a: m.special.polygamma(3, a), [rand(*S, low=0.3, high=9)],
         lambda a: sp.polygamma(3, a), variant="n3", rtol=1e-5),
    case("multigammaln", lambda m, a: m.special.multigammaln(a, 3), [rand(*S, low=1.2, high=4)],
         np.vectorize(lambda v: sp.multigammaln(v, 3))),
    unary("i0", sp.i0, rand(*S, low=-4, high=4)),
    unary("i0e", sp.i0e, away_from_zero(*S)),
    unary("i1", sp.i1, rand(*S, low=-4, high=4)),
    unary("i1e", sp.i1e, away_from_zero(*S)),
    unary("erfcx", sp.erfcx, rand(*S, low=-2, high=5)),
    unary("ndtr", sp.ndtr, rand(*S, low=-3, high=3)),
    unary("ndtri", sp.ndtri, rand(*S, low=0.05, high=0.95), rtol=1e-5),
    unary("log_ndtr", sp.log_ndtr, rand(*S, low=-8, high=3)),
    unary("entr", sp.entr, positive(*S)),
    unary("erf", sp.erf),
    unary("erfc", sp.erfc),
    unary("erfinv", sp.erfinv, rand(*S, low=-0.9, high=0.9), rtol=1e-5),
    unary("expit", sp.expit, rand(*S, low=-4, high=4)),
    unary("exp2", np.exp2),
    unary("expm1", np.expm1),
    unary("log1p", np.log1p, positive(*S)),
    unary("sinc", np.sinc, away_from_zero(*S)),
    unary("logit", sp.logit, rand(*S, low=0.1, high=0.9)),
    case("logit", lambda m, a: m.special.logit(a, eps=0.2), [rand(*S, low=0.05, high=0.95)], variant="eps",
         gradgrad=False),
    case("round", lambda m, a: m.special.round(a, decimals=1), [rand(*S, low=-3, high=3)],
         lambda a: np.round(a, 1), gradgrad=False),
    case("softmax", lambda m, a: m.special.softmax(a, 1), [rand(*S)], lambda a: sp.softmax(a, 1)),
    case("log_softmax", lambda m, a: m.special.log_softmax(a, 0), [rand(*S)], lambda a: np_log_softmax(a, 0)),
    case("logsumexp", lambda m, a: m.special.logsumexp(a, 1), [rand(*S)], lambda a: sp.logsumexp(a, 1)),
    case("xlogy", lambda m, a, b: m.special.xlogy(a, b), [rand(*S), positive(*S)], sp.xlogy),
    case("xlog1py", lambda m, a, b: m.special.xlog1py(a, b), [rand(*S), positive(*S)], sp.xlog1py),
    case("zeta", lambda m, b: m.special.zeta(m.tensor(FIRST, dtype=b.dtype), b), [positive(*S)],
         lambda b: sp.zeta(FIRST, b)),
    case("gammainc", lambda m, b: m.special.gammainc(m.tensor(FIRST, dtype=b.dtype), b), [positive(*S)],
         lambda b: sp.gammainc(FIRST, b)),
    case("gammaincc", lambda m, b: m.special.gammaincc(m.tensor(FIRST, dtype=b.dtype), b),
         [rand(*S, low=0.5, high=9)], lambda b: sp.gammaincc(FIRST, b)),
    unary("bessel_j0", sp.j0, rand(*S, low=-9, high=9), **loose),
    unary("bessel_j1", sp.j1, rand(*S, low=-9, high=9), **loose),
    unary("bessel_y0", sp.y0, positive(*S), **loose),
    unary("bessel_y1", sp.y1, positive(*S), **loose),
    unary("modified_bessel_i0", sp.i0, rand(*S, low=-5, high=5), **no_grad),
    unary("modified_bessel_i1", sp.i1, rand(*S, low=-5, high=5), **no_grad),
    unary("modified_bessel_k0", sp.k0, positive(*S), **no_grad),
    unary("modified_bessel_k1", sp.k1, positive(*S), **no_grad),
    unary("scaled_modified_bessel_k0", sp.k0e, positive(*S), **no_grad),
    unary("scaled_modified_bessel_k1", sp.k1e, positive(*S), **no_grad),
    unary("spherical_bessel_j0", lambda a: sp.spherical_jn(0, a), rand(*S, low=-6, high=6),
          **no_grad),
    unary("airy_ai", lambda a: sp.airy(a)[0], rand(*S, low=-4, high=2), **no_grad, rtol=1e-4, atol=1e-5),  # PyTorch: ~2e-5 off
] + [
    case(name, polynomial(name), [rand(2, 4), ints(2, 4)], ref, **no_grad) for name, ref in POLYNOMIALS.items()
]
