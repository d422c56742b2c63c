"""Op table: the torch.linalg functions added with complex support (eig, LU, triangular solves, ...).

Eigenvector cases return |V| (each vector's phase is arbitrary); LU cases use well-separated
pivots (diagonally dominant inputs keep the pivot order stable under finite differences,
a permuted one exercises P).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg as sla

from .harness import OpCase, inputs_of, rand

no_grad = dict(grad=False, gradgrad=False)


def case(name, fn, makers, ref=None, **kw):
    return OpCase("linalg." + name, fn, inputs_of(*makers), ref, **kw)


def dominant(*shape, shift=4.0):
    return lambda rng: rng.uniform(-1, 1, shape) + shift * np.eye(shape[-1])


def permuted(*shape):
    """Dominant matrices with rows reversed: partial pivoting must swap them back."""
    return lambda rng: (rng.uniform(-1, 1, shape) + 4.0 * np.eye(shape[-1]))[..., ::-1, :].copy()


def pairs(c):
    return np.stack([np.real(c), np.imag(c)], -1)


def sorted_eigvals(m, A):
    w = m.linalg.eigvals(A)
    return m.view_as_real(w)


def np_tri_solve(upper, left=True, unit=False):
    def ref(a, b):
        t = np.triu(a) if upper else np.tril(a)
        if unit:
            np.fill_diagonal(t, 1)
        return np.linalg.solve(t, b) if left else np.linalg.solve(t.T, b.T).T

    return ref


CASES = [
    case("eigvals", lambda m, a: m.view_as_real(m.linalg.eigvals(a)), [rand(3, 3)], variant="complex_pairs",
         gradgrad=False),
    case("eigvals", lambda m, a: m.linalg.eigvals(a + a.mT).real, [rand(2, 3, 3)],
         lambda a: np.linalg.eigvals(a + np.swapaxes(a, -1, -2)), variant="symmetric"),
    case("eig", lambda m, a: tuple(x.abs() for x in m.linalg.eig(a)), [dominant(3, 3, shift=2.0)],
         lambda a: tuple(np.abs(x) for x in np.linalg.eig(a)), gradgrad=False),
    case("lu", lambda m, a: tuple(m.linalg.lu(a)), [permuted(3, 3)], lambda a: sla.lu(a)),
    case("lu", lambda m, a: m.linalg.lu(a).U, [dominant(2, 3, 3)], variant="batched"),
    case("lu", lambda m, a: tuple(m.linalg.lu(a)), [rand(3, 5)], lambda a: sla.lu(a), variant="wide"),
    case("lu", lambda m, a: tuple(m.linalg.lu(a)), [rand(5, 3)], lambda a: sla.lu(a), variant="tall"),
    case("lu_factor", lambda m, a: m.linalg.lu_factor(a).LU, [permuted(4, 4)], lambda a: sla.lu_factor(a)[0]),
    case("lu_factor", lambda m, a: m.linalg.lu_factor(a).LU, [rand(3, 5)], variant="wide"),
    case("lu_factor", lambda m, a: m.linalg.lu_factor(a).LU, [rand(5, 3)], variant="tall"),
    case("lu_factor_ex", lambda m, a: m.linalg.lu_factor_ex(a).LU, [permuted(3, 3)]),
    case("lu_solve", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b), [permuted(3, 3), rand(3, 2)],
         lambda a, b: np.linalg.solve(a, b)),
    case("lu_solve", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, adjoint=True),
         [permuted(3, 3), rand(3, 2)], lambda a, b: np.linalg.solve(a.T, b), variant="adjoint"),
    case("lu_solve", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, left=False),
         [permuted(3, 3), rand(2, 3)], lambda a, b: np.linalg.solve(a.T, b.T).T, variant="right"),
    case("lu_solve", lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, left=False, adjoint=True),
         [permuted(3, 3), rand(2, 3)], lambda a, b: np.linalg.solve(a, b.T).T, variant="right_adjoint"),
    case("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
         [dominant(3, 3), rand(3, 2)], np_tri_solve(True)),
    case("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, left=False),
         [dominant(3, 3), rand(2, 3)], np_tri_solve(False, left=False), variant="lower_right"),
    case("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
         [rand(3, 3), rand(3, 2)], np_tri_solve(False, unit=True), variant="unit"),
    case("householder_product", lambda m, a, t: m.linalg.householder_product(a, t), [rand(4, 3), rand(2)]),
    case("householder_product", lambda m, a, t: m.linalg.householder_product(a, t), [rand(2, 3, 3), rand(2, 3)],
         variant="batched"),
    case("vander", lambda m, x: m.linalg.vander(x), [rand(4)], lambda x: np.vander(x, increasing=True)),
    case("vander", lambda m, x: m.linalg.vander(x, N=3), [rand(2, 4)], variant="N"),
    case("tensorinv", lambda m, a: m.linalg.tensorinv(a, ind=2), [lambda rng: dominant(6, 6)(rng).reshape(2, 3, 6)],
         lambda a: np.linalg.tensorinv(a, ind=2)),
    case("tensorsolve", lambda m, a, b: m.linalg.tensorsolve(a, b),
         [lambda rng: dominant(6, 6)(rng).reshape(2, 3, 6), rand(2, 3)], np.linalg.tensorsolve),
    case("cond", lambda m, a: m.linalg.cond(a), [dominant(3, 3)], np.linalg.cond),
    case("cond", lambda m, a: m.linalg.cond(a, "fro"), [dominant(3, 3)], lambda a: np.linalg.cond(a, "fro"),
         variant="fro", vs_torch=False),  # PyTorch 2.13 itself fails this backward (in-place on its inverse)
    case("cholesky_ex", lambda m, a: m.linalg.cholesky_ex(a + a.mT).L, [dominant(3, 3)],
         lambda a: np.linalg.cholesky(a + a.T)),
    case("solve_ex", lambda m, a, b: m.linalg.solve_ex(a, b).result, [dominant(3, 3), rand(3, 2)],
         np.linalg.solve),
]


def symmetric_small_diagonal(n):
    """Symmetric matrices whose small diagonal forces 2×2 Bunch-Kaufman pivots."""

    def make(rng):
        a = rng.uniform(-1, 1, (n, n))
        a = a + a.T
        a[np.diag_indices(n)] *= 0.01
        return a

    return make


CASES += [
    case("ldl_factor", lambda m, a: tuple(m.linalg.ldl_factor(a)), [symmetric_small_diagonal(5)], **no_grad),
    case("ldl_factor_ex", lambda m, a: tuple(m.linalg.ldl_factor_ex(a + a.mT)), [rand(2, 4, 4)], **no_grad),
    case("ldl_solve", lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a), b),
         [symmetric_small_diagonal(4), rand(4, 3)], np.linalg.solve, **no_grad),
]
