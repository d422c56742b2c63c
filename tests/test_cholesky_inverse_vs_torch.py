"""cholesky_inverse as PyTorch's CPU kernel gives it: LAPACK potri's lower triangle, mirrored.

A diagonal-covariance MultivariateNormal (an RL policy's) prints PyTorch's `-0.` off the diagonal
of its precision matrix; small factors give PyTorch's bits; the result is exactly symmetric.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")


def _factor(n: int, seed: int, dtype: str) -> np.ndarray:
    m = np.random.default_rng(seed).standard_normal((n, n))
    return np.linalg.cholesky(m @ m.T + n * np.eye(n)).astype(dtype)


def _bits(t) -> np.ndarray:
    a = np.ascontiguousarray(t.detach().numpy())
    return a.view(f"u{a.itemsize}")


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_small_factors_give_pytorchs_bits(n, dtype, upper):
    for seed in range(5):
        L = _factor(n, seed, dtype)
        factor = L.T.copy() if upper else L
        ours = rg.cholesky_inverse(rg.tensor(factor), upper=upper)
        np.testing.assert_array_equal(_bits(ours), _bits(torch.cholesky_inverse(torch.tensor(factor), upper=upper)))


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("n", [4, 9, 70])
def test_the_result_is_exactly_symmetric_and_close(n, upper):
    L = _factor(n, n, "float64")
    factor = L.T.copy() if upper else L
    ours = rg.cholesky_inverse(rg.tensor(factor), upper=upper).numpy()
    np.testing.assert_array_equal(ours, ours.T)
    np.testing.assert_allclose(ours, torch.cholesky_inverse(torch.tensor(factor), upper=upper).numpy(), rtol=1e-12)


def test_diagonal_factors_keep_lapacks_signed_zeros():
    for diag in ([1.0, 0.8], [1.0, 0.8, 2.0], [-1.0, 2.0]):
        L = np.diag(diag).astype("float32")
        np.testing.assert_array_equal(
            _bits(rg.cholesky_inverse(rg.tensor(L))), _bits(torch.cholesky_inverse(torch.tensor(L)))
        )
    cov = [[0.5, 0.0], [0.0, 0.3]]
    ours = rg.distributions.MultivariateNormal(rg.zeros(3, 2), covariance_matrix=rg.tensor(cov))
    theirs = torch.distributions.MultivariateNormal(torch.zeros(3, 2), covariance_matrix=torch.tensor(cov))
    assert repr(ours.precision_matrix) == repr(theirs.precision_matrix)


def test_node_name_and_gradient():
    L = [[1.0, 0.0, 0.0], [0.3, 0.8, 0.0], [0.2, -0.1, 1.5]]
    w = np.random.default_rng(0).standard_normal((3, 3))
    grads = []
    for lib in (rg, torch):
        t = lib.tensor(L, dtype=lib.float64, requires_grad=True)
        out = lib.cholesky_inverse(t)
        assert type(out.grad_fn).__name__ == "CholeskyInverseBackward0"
        (out * lib.tensor(w)).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-13)


@pytest.mark.parametrize(
    "factor, upper",
    [
        ([[2.0, 0.0], [1.0, 0.0]], False),
        ([[0.0, 0.0], [1.0, 1.0]], True),
        ([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]], False),
    ],
)
def test_a_zero_on_the_diagonal_is_pytorchs_error(factor, upper):
    with pytest.raises(torch.linalg.LinAlgError) as theirs:
        torch.cholesky_inverse(torch.tensor(factor), upper=upper)
    with pytest.raises(rg.linalg.LinAlgError) as ours:
        rg.cholesky_inverse(rg.tensor(factor), upper=upper)
    assert str(ours.value) == str(theirs.value)
