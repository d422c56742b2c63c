"""Op table: PyTorch's top-level spellings added for the API surface (issue 13).

The classic linear algebra (addr, dist, renorm, nuclear_norm, cholesky_solve/inverse, lu, lu_solve,
lu_unpack, triangular_solve, orgqr, ormqr), the gamma family under its top-level names, and the
shape aliases. geqrf, the windows and the queries have no gradient: they are compared with PyTorch
in tests/test_surface_top.py.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg as sla
from scipy import special as sp

from retrograd.ops import queries, windows

from .harness import OpCase, inputs_of, positive, rand

S = (2, 3)
FIRST = np.array([[1.5, 2.0, 3.5], [4.0, 2.5, 1.75]])  # igamma's a


def case(name, fn, makers, ref=None, **kw):
    return OpCase(name, fn, inputs_of(*makers), ref, **kw)


def dominant(*shape):
    return lambda rng: rng.uniform(-1, 1, shape) + 4.0 * np.eye(shape[-1])


def permuted(*shape):
    """Dominant matrices with rows reversed: partial pivoting must swap them back."""
    return lambda rng: (rng.uniform(-1, 1, shape) + 4.0 * np.eye(shape[-1]))[..., ::-1, :].copy()


def chol_factor(m, a, upper=False):
    """A Cholesky factor built from `a`: its triangle plus a safe diagonal."""
    eye = 2 * m.eye(a.shape[-1], dtype=a.dtype)
    return (m.triu(a) if upper else m.tril(a)) + eye


def np_chol_factor(a, upper=False):
    return (np.triu(a) if upper else np.tril(a)) + 2 * np.eye(a.shape[-1])


def np_cholesky_solve(b, a, upper=False):
    f = np_chol_factor(a, upper)
    A = f.T @ f if upper else f @ f.T
    return np.linalg.solve(A, b)


def quiet_lu(m, a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.lu's deprecation warning
        return tuple(m.lu(a))


def renorm_ref(a, p, dim, maxnorm):
    others = tuple(d for d in range(a.ndim) if d != dim)
    norm = (np.abs(a) ** p).sum(others, keepdims=True) ** (1 / p)
    return a * np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


def householder_ref(a, tau, m_rows):
    """Q = H₁⋯H_k (m×m) from reflectors stored below a's diagonal."""
    Q = np.eye(m_rows)
    for j in range(len(tau)):
        v = np.zeros(m_rows)
        v[j] = 1.0
        v[j + 1 :] = a[j + 1 :, j]
        Q = Q @ (np.eye(m_rows) - tau[j] * np.outer(v, v))
    return Q


CASES = [
    # --- classic linear algebra --------------------------------------------------------------------
    case(
        "addr", lambda m, a, x, y: m.addr(a, x, y), [rand(3, 2), rand(3), rand(2)], lambda a, x, y: a + np.outer(x, y)
    ),
    case(
        "addr",
        lambda m, a, x, y: m.addr(a, x, y, beta=0.5, alpha=-2),
        [rand(2), rand(3), rand(2)],
        lambda a, x, y: 0.5 * a - 2 * np.outer(x, y),
        variant="scaled_broadcast",
    ),
    case(
        "addr",
        lambda m, a, x, y: m.addr(a, x, y, beta=0),
        [rand(3, 2), rand(3), rand(2)],
        lambda a, x, y: np.outer(x, y),
        variant="beta0",
    ),
    case("dist", lambda m, a, b: m.dist(a, b), [rand(*S), rand(3)], lambda a, b: np.linalg.norm((a - b).ravel())),
    case(
        "dist",
        lambda m, a, b: m.dist(a, b, 3),
        [rand(*S), rand(*S)],
        lambda a, b: (np.abs(a - b) ** 3).sum() ** (1 / 3),
        variant="p3",
    ),
    case(
        "renorm", lambda m, a: m.renorm(a, 2, 0, 1.0), [rand(3, 4, low=-2, high=2)], lambda a: renorm_ref(a, 2, 0, 1.0)
    ),
    case(
        "renorm",
        lambda m, a: a.renorm(1, 1, 2.0),
        [rand(3, 4, low=-2, high=2)],
        lambda a: renorm_ref(a, 1, 1, 2.0),
        variant="method_p1",
    ),
    case(
        "nuclear_norm", lambda m, a: m.nuclear_norm(a), [rand(3, 4)], lambda a: np.linalg.norm(a, "nuc"), vs_torch=False
    ),  # PyTorch warns that nuclear_norm is deprecated; the value equals linalg's
    case(
        "nuclear_norm",
        lambda m, a: m.nuclear_norm(a, (0, 2), True),
        [rand(3, 2, 4)],
        lambda a: np.linalg.norm(np.moveaxis(a, 1, 0), "nuc", axis=(1, 2))[None, :, None],
        variant="dims",
        vs_torch=False,
    ),
    case(
        "cholesky_solve",
        lambda m, b, a: m.cholesky_solve(b, chol_factor(m, a)),
        [rand(3, 2), rand(3, 3)],
        np_cholesky_solve,
    ),
    case(
        "cholesky_solve",
        lambda m, b, a: m.cholesky_solve(b, chol_factor(m, a, True), True),
        [rand(3, 2), rand(3, 3)],
        lambda b, a: np_cholesky_solve(b, a, True),
        variant="upper",
    ),
    case(
        "cholesky_inverse",
        lambda m, a: m.cholesky_inverse(chol_factor(m, a)),
        [rand(3, 3)],
        lambda a: np.linalg.inv(np_chol_factor(a) @ np_chol_factor(a).T),
    ),
    case("lu", lambda m, a: quiet_lu(m, a)[0], [permuted(3, 3)], lambda a: sla.lu_factor(a)[0]),
    case(
        "lu_solve",
        lambda m, b, a: m.lu_solve(b, *quiet_lu(m, a)),
        [rand(3, 2), permuted(3, 3)],
        lambda b, a: np.linalg.solve(a, b),
    ),
    case("lu_unpack", lambda m, a: tuple(m.lu_unpack(*m.linalg.lu_factor(a))), [permuted(3, 3)], lambda a: sla.lu(a)),
    case(
        "lu_unpack",
        lambda m, a: tuple(m.lu_unpack(*m.linalg.lu_factor(a))),
        [rand(4, 3)],
        lambda a: sla.lu(a),
        variant="tall",
    ),
    case(
        "triangular_solve",
        lambda m, b, a: tuple(m.triangular_solve(b, a)),
        [rand(3, 2), dominant(3, 3)],
        lambda b, a: (np.linalg.solve(np.triu(a), b), a),
    ),
    case(
        "triangular_solve",
        lambda m, b, a: m.triangular_solve(b, a, False, True, True).solution,
        [rand(3, 2), dominant(3, 3)],
        lambda b, a: np.linalg.solve((np.tril(a, -1) + np.eye(3)).T, b),
        variant="lower_transposed_unit",
    ),
    case("orgqr", lambda m, a, t: m.orgqr(a, t), [rand(4, 3), rand(3)], lambda a, t: householder_ref(a, t, 4)[:, :3]),
    case(
        "ormqr",
        lambda m, a, t, c: m.ormqr(a, t, c),
        [rand(4, 3), rand(3), rand(4, 2)],
        lambda a, t, c: householder_ref(a, t, 4) @ c,
    ),
    case(
        "ormqr",
        lambda m, a, t, c: m.ormqr(a, t, c, False, True),
        [rand(3, 3), rand(3), rand(2, 3)],
        lambda a, t, c: c @ householder_ref(a, t, 3).T,
        variant="right_transposed",
    ),
    # --- shape aliases -------------------------------------------------------------------------------
    case("adjoint", lambda m, a: m.adjoint(a), [rand(2, 3, 4)], lambda a: np.swapaxes(a, -1, -2)),
    case("diagflat", lambda m, a: m.diagflat(a), [rand(2, 2)], lambda a: np.diagflat(a)),
    case("diagflat", lambda m, a: m.diagflat(a, -1), [rand(3)], lambda a: np.diagflat(a, -1), variant="offset"),
    case("positive", lambda m, a: m.positive(a) * 1, [rand(*S)], lambda a: a),
    case(
        "split_with_sizes",
        lambda m, a: tuple(m.split_with_sizes(a, [1, 3], 1)),
        [rand(2, 4)],
        lambda a: (a[:, :1], a[:, 1:]),
    ),
    # --- the gamma family under its top-level names -------------------------------------------------
    case("digamma", lambda m, a: m.digamma(a), [rand(*S, low=0.2, high=8)], sp.digamma),
    case("lgamma", lambda m, a: m.lgamma(a), [rand(*S, low=0.2, high=6)], sp.gammaln),
    case("i0", lambda m, a: m.i0(a), [rand(*S, low=-3, high=3)], sp.i0),
    case("polygamma", lambda m, a: m.polygamma(2, a), [positive(*S)], lambda a: sp.polygamma(2, a)),
    case("mvlgamma", lambda m, a: m.mvlgamma(a, 3), [rand(*S, low=1.5, high=4)], lambda a: sp.multigammaln(a, 3)),
    # the first argument is not differentiated (as in PyTorch), so it is a constant here
    case(
        "igamma",
        lambda m, x: m.igamma(m.tensor(FIRST, dtype=x.dtype), x),
        [positive(*S)],
        lambda x: sp.gammainc(FIRST, x),
    ),
    case(
        "igammac",
        lambda m, x: x.igammac(m.tensor(FIRST, dtype=x.dtype)),
        [positive(*S)],
        lambda x: sp.gammaincc(x, FIRST),
        grad=False,
        variant="method_values",
    ),
    case(
        "igammac",
        lambda m, x: m.igammac(m.tensor(FIRST, dtype=x.dtype), x),
        [positive(*S)],
        lambda x: sp.gammaincc(FIRST, x),
    ),
]

_NO_GRADIENT = "no gradient: compared with PyTorch in tests/test_surface_top.py"
EXEMPT = {name: _NO_GRADIENT for name in queries.__all__ + windows.__all__ + ["geqrf"]}
EXEMPT["i0_"] = "in-place twin of i0: compared with PyTorch in tests/test_surface_top.py"
