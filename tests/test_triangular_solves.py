"""solve_triangular and cholesky_solve: PyTorch's nodes, derivatives and zero pivots.

Both solve by substitution (blocks of rows, each block's rows one by one), so a zero on the
diagonal gives inf/nan as LAPACK's trsm does, not an error. cholesky_solve's gradient with
respect to the factor is PyTorch's -(B̄Xᴴ + XB̄ᴴ)L: a full matrix, not masked to the triangle.
"""

import warnings

import numpy as np
import pytest

import retrograd as rg

RNG = np.random.default_rng(7)


def _spd(n):
    a = RNG.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def test_nodes():
    L = rg.linalg.cholesky(rg.tensor(_spd(3))).requires_grad_(True)
    b = rg.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    assert rg.cholesky_solve(b, L).grad_fn.name() == "CholeskySolveBackward0"
    assert rg.linalg.solve_triangular(L, b, upper=False).grad_fn.name() == "LinalgSolveTriangularBackward0"


def test_zero_pivot_gives_inf_not_an_error():
    T = rg.tensor([[1.0, 0.0], [2.0, 0.0]])
    assert rg.linalg.solve_triangular(T, rg.ones(2, 1), upper=False).tolist() == [[1.0], [-float("inf")]]
    assert rg.cholesky_solve(rg.ones(2, 1), T).tolist() == [[float("inf")], [-float("inf")]]


def test_large_systems_solve_across_blocks():
    for n in (31, 32, 33, 70):
        A = _spd(n)
        L = np.linalg.cholesky(A)
        b = RNG.standard_normal((2, n, 3))
        lower = rg.linalg.solve_triangular(rg.tensor(L), rg.tensor(b), upper=False).numpy()
        np.testing.assert_allclose(L @ lower, b, atol=1e-10)
        upper = rg.linalg.solve_triangular(rg.tensor(L.T), rg.tensor(b).mT, upper=True, left=False).numpy()
        np.testing.assert_allclose(upper @ L.T, b.swapaxes(-1, -2), atol=1e-10)
        np.testing.assert_allclose(rg.cholesky_solve(rg.tensor(b), rg.tensor(L)).numpy(), np.linalg.solve(A, b))


def test_cholesky_solve_factor_gradient_is_the_full_matrix():
    A = _spd(3)
    L = rg.tensor(np.linalg.cholesky(A), requires_grad=True)
    b = rg.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    x = rg.cholesky_solve(b, L)
    x.sum().backward()
    gb = np.linalg.solve(A, np.ones((3, 2)))
    common = gb @ x.detach().numpy().T
    np.testing.assert_allclose(L.grad.numpy(), -(common + common.T) @ L.detach().numpy())
    np.testing.assert_allclose(b.grad.numpy(), gb)
    assert L.grad.numpy()[0, 2] != 0  # above the diagonal too


def _gradients(m):
    A = _spd(4)
    L = m.tensor(np.linalg.cholesky(A), requires_grad=True)
    U = m.tensor(np.linalg.cholesky(A).T.copy(), requires_grad=True)
    b = m.tensor(RNG.standard_normal((4, 3)), requires_grad=True)
    M = m.tensor(RNG.standard_normal((4, 4)), requires_grad=True)
    losses = [
        m.cholesky_solve(b, L).pow(2).sum(),
        m.cholesky_solve(b, U, upper=True).sum(),
        m.linalg.solve_triangular(M, b, upper=True).sum(),
        m.linalg.solve_triangular(M, b, upper=False, unitriangular=True).sin().sum(),
        m.linalg.solve_triangular(M, b.mT, upper=False, left=False).sum(),
    ]
    return [
        [g.numpy() for g in m.autograd.grad(loss, (L, U, b, M), allow_unused=True, materialize_grads=True)]
        for loss in losses
    ]


def test_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    state = RNG.bit_generator.state
    ours = _gradients(rg)
    RNG.bit_generator.state = state
    theirs = _gradients(torch)
    for mine, reference in zip(ours, theirs):
        for a, b in zip(mine, reference):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _node_names(t):
    names, stack = [], [t.grad_fn]
    while stack:
        node = stack.pop()
        names.append(type(node).__name__)
        stack.extend(n for n, _ in node.next_functions if n is not None)
    return names


def _mvn_log_prob(m):
    L = m.linalg.cholesky(m.tensor(_spd(3))).requires_grad_(True)
    return m.distributions.MultivariateNormal(m.zeros(3, dtype=m.float64), scale_tril=L).log_prob(
        m.ones(3, dtype=m.float64)
    )


def test_multivariate_normal_solves_with_the_triangular_solve():
    assert "LinalgSolveTriangularBackward0" in _node_names(_mvn_log_prob(rg))


def test_multivariate_normal_solve_matches_pytorch():
    torch = pytest.importorskip("torch")
    state = RNG.bit_generator.state
    ours = _mvn_log_prob(rg)
    RNG.bit_generator.state = state
    theirs = _mvn_log_prob(torch)
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-14)
    assert "LinalgSolveTriangularBackward0" in _node_names(theirs)


# a right-hand side given as a vector (a GP's targets `y` instead of `y[:, None]`) and other misuses:
# PyTorch's checks, in its order (dims of b, then of the factor, one dtype, square, matching rows)
_CHOLESKY_SOLVE_MISUSES = {
    "b 1-d": (lambda m: m.cholesky_solve(m.ones(3, dtype=m.float64), m.eye(3, dtype=m.float64)),
              RuntimeError, "b should have at least 2 dimensions, but has 1 dimensions instead"),
    "b 0-d": (lambda m: m.cholesky_solve(m.tensor(1.0), m.eye(3)),
              RuntimeError, "b should have at least 2 dimensions, but has 0 dimensions instead"),
    "factor 1-d": (lambda m: m.cholesky_solve(m.ones(3, 1), m.ones(3)),
                   RuntimeError, "u should have at least 2 dimensions, but has 1 dimensions instead"),
    "dtypes": (lambda m: m.cholesky_solve(m.ones(3, 1), m.eye(3, dtype=m.float64)), RuntimeError,
               "Expected b and A to have the same dtype, but found b of type Float and A of type Double instead."),
    "not square": (lambda m: m.cholesky_solve(m.ones(3, 1), m.ones(3, 2)),
                   RuntimeError, "A must be batches of square matrices, but they are 3 by 2 matrices"),
    "rows": (lambda m: m.cholesky_solve(m.ones(2, 1), m.eye(3)), RuntimeError,
             "Incompatible matrix sizes for cholesky_solve: each A matrix is 3 by 3 but each b matrix is 2 by 1"),
    "integers": (lambda m: m.cholesky_solve(m.ones(3, 1, dtype=m.long), m.eye(3, dtype=m.long)),
                 NotImplementedError, "\"cholesky_solve_cpu\" not implemented for 'Long'"),
}


@pytest.mark.parametrize("case", list(_CHOLESKY_SOLVE_MISUSES))
def test_cholesky_solve_refuses_misuse_with_pytorchs_error(case):
    call, error, message = _CHOLESKY_SOLVE_MISUSES[case]
    with pytest.raises(error) as caught:
        call(rg)
    assert str(caught.value) == message


@pytest.mark.parametrize("case", list(_CHOLESKY_SOLVE_MISUSES))
def test_cholesky_solve_misuse_vs_torch(case):
    torch = pytest.importorskip("torch")
    call, error, message = _CHOLESKY_SOLVE_MISUSES[case]
    with pytest.raises(error) as caught:
        call(torch)
    assert str(caught.value).split("\n")[0] == message


# a right-hand side of the wrong length (targets of another data set, a transposed y) used to be
# solved into a result of B's shape; PyTorch refuses it, and names B's batch size first
_TRIANGULAR_SOLVE_MISUSES = {
    "rows": (lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(4, 1), upper=True), RuntimeError,
             "linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x1)"),
    "columns, right": (lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(3, 1), upper=True, left=False),
                       RuntimeError,
                       "linalg.solve_triangular: Incompatible shapes of A and B for the equation XA = B (3x3 and 3x1)"),
    "rows before dtype": (lambda m: m.linalg.solve_triangular(m.eye(3, dtype=m.half), m.ones(4, 1), upper=True),
                          RuntimeError,
                          "linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B "
                          "(3x3 and 4x1)"),
    "half": (lambda m: m.linalg.solve_triangular(m.eye(3, dtype=m.half), m.ones(3, 1), upper=True),
             NotImplementedError, "\"triangular_solve_cpu\" not implemented for 'Half'"),
    "batch": (lambda m: m.linalg.solve_triangular(m.ones(2, 3, 3), m.ones(3, 3, 1), upper=True), RuntimeError,
              "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
    "legacy rows": (lambda m: m.triangular_solve(m.ones(4, 1), m.eye(3)), RuntimeError,
                    "Incompatible matrix sizes for triangular_solve: each A matrix is 3 by 3 but each b matrix "
                    "is 4 by 1"),
    "legacy rows, transposed": (lambda m: m.triangular_solve(m.ones(4, 1), m.eye(3), transpose=True), RuntimeError,
                                "Incompatible matrix sizes for triangular_solve: each A matrix is 3 by 3 but each b "
                                "matrix is 4 by 1"),
    "legacy dtypes": (lambda m: m.triangular_solve(m.ones(3, 1, dtype=m.float64), m.eye(3)), RuntimeError,
                      "Expected b and A to have the same dtype, but found b of type Double and A of type Float "
                      "instead."),
    "legacy not square": (lambda m: m.triangular_solve(m.ones(4, 1), m.ones(3, 4)), RuntimeError,
                          "A must be batches of square matrices, but they are 3 by 4 matrices"),
    "legacy A 1-d": (lambda m: m.triangular_solve(m.ones(3, 1), m.ones(3)), RuntimeError,
                     "torch.triangular_solve: Expected A to have at least 2 dimensions, but it has 1 dimensions "
                     "instead"),
    "legacy batch": (lambda m: m.triangular_solve(m.ones(2, 3, 1), m.eye(3).expand(3, 3, 3)), RuntimeError,
                     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(_TRIANGULAR_SOLVE_MISUSES))
def test_triangular_solves_refuse_misfit_shapes_with_pytorchs_error(case):
    call, error, message = _TRIANGULAR_SOLVE_MISUSES[case]
    with pytest.raises(error) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # triangular_solve's deprecation
        call(rg)
    assert str(caught.value) == message


@pytest.mark.parametrize("case", list(_TRIANGULAR_SOLVE_MISUSES))
def test_triangular_solves_misfit_shapes_vs_torch(case):
    torch = pytest.importorskip("torch")
    call, error, message = _TRIANGULAR_SOLVE_MISUSES[case]
    with pytest.raises(error) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call(torch)
    assert str(caught.value).split("\n")[0] == message
