"""svd_lowrank and pca_lowrank: PyTorch's randomized algorithm, seeded draws and all.

The spelled-out tests check the decomposition against an exact SVD on matrices whose rank
is at most q (where the randomized method is exact); the `vs_torch` tests check that a
program seeded with manual_seed gets PyTorch's U, S, V, gradients and errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def low_rank(m: int, n: int, rank: int, seed: int = 0) -> np.ndarray:
    g = np.random.default_rng(seed)
    return g.standard_normal((m, rank)) @ g.standard_normal((rank, n))


@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (2, 7, 6)])
def test_svd_lowrank_is_exact_within_the_rank(shape):
    A = rg.tensor(np.stack([low_rank(*shape[-2:], 3, seed=s) for s in range(2)])[: shape[0]] if len(shape) == 3
                  else low_rank(*shape, 3))
    rg.manual_seed(0)
    U, S, V = rg.svd_lowrank(A, q=4)
    m, n = shape[-2:]
    assert U.shape == (*shape[:-2], m, 4) and S.shape == (*shape[:-2], 4) and V.shape == (*shape[:-2], n, 4)
    np.testing.assert_allclose(S.numpy(), np.linalg.svd(A.numpy(), compute_uv=False)[..., :4], atol=1e-10)
    np.testing.assert_allclose((U * S.unsqueeze(-2) @ V.mT).numpy(), A.numpy(), atol=1e-10)
    np.testing.assert_allclose((U.mT @ U).numpy(), np.broadcast_to(np.eye(4), (*shape[:-2], 4, 4)), atol=1e-12)


def test_svd_lowrank_of_a_minus_its_mean():
    A = rg.tensor(low_rank(9, 4, 2) + 3.0)
    M = A.mean(-2, keepdim=True)  # broadcast to A's shape
    rg.manual_seed(0)
    _, S, _ = rg.svd_lowrank(A, q=3, niter=0, M=M)
    np.testing.assert_allclose(S.numpy(), np.linalg.svd((A - M).numpy(), compute_uv=False)[:3], atol=1e-10)


def test_pca_lowrank_centres_and_checks_its_arguments():
    X = rg.tensor(low_rank(10, 5, 2) + np.arange(5.0))
    rg.manual_seed(0)
    U, S, V = rg.pca_lowrank(X)  # q defaults to min(6, m, n) = 5
    assert S.shape == (5,)
    centred = X.numpy() - X.numpy().mean(0)
    np.testing.assert_allclose(S.numpy()[:2], np.linalg.svd(centred, compute_uv=False)[:2], atol=1e-10)
    with pytest.raises(ValueError, match=r"q\(=6\) must be non-negative integer and not greater than min\(m, n\)=5"):
        rg.pca_lowrank(X, q=6)
    with pytest.raises(ValueError, match=r"niter\(=-1\) must be non-negative integer"):
        rg.pca_lowrank(X, niter=-1)
    with pytest.raises(ValueError, match="pca_lowrank input is expected to be 2-dimensional tensor"):
        rg.pca_lowrank(rg.stack([X, X]).to_sparse(), q=2)


def test_pca_lowrank_of_a_sparse_matrix_matches_the_dense_one():
    X = rg.tensor(low_rank(7, 4, 2))
    rg.manual_seed(3)
    dense = rg.pca_lowrank(X, q=2)
    rg.manual_seed(3)
    sparse = rg.pca_lowrank(X.to_sparse(), q=2)
    np.testing.assert_allclose(sparse[1].numpy(), dense[1].numpy(), rtol=1e-10)


def test_lowrank_gradients_flow_to_the_input():
    X = rg.tensor(low_rank(6, 4, 4), requires_grad=True)
    rg.manual_seed(0)
    _, S, _ = rg.pca_lowrank(X, q=4, niter=3)
    S.sum().backward()
    # d(sum of singular values)/dX = U Vᵀ of the centred X, then centred again
    centred = X.detach().numpy() - X.detach().numpy().mean(0)
    u, _, vh = np.linalg.svd(centred, full_matrices=False)
    expected = u @ vh
    np.testing.assert_allclose(X.grad.numpy(), expected - expected.mean(0), atol=1e-8)


def _run(m, call, seed=1):
    m.manual_seed(seed)
    return [t.detach().resolve_conj().numpy() for t in call(m)]


LOWRANK_CALLS = {
    "svd_batched": lambda m: m.svd_lowrank(m.tensor(low_rank(5, 8, 5)).expand(2, 5, 8), q=3),
    "svd_mean_niter0": lambda m: m.svd_lowrank(m.tensor(low_rank(6, 4, 4)), q=3, niter=0,
                                               M=m.tensor(low_rank(1, 4, 1))),
    "svd_tall_float32": lambda m: m.svd_lowrank(m.tensor(low_rank(9, 4, 4), dtype=m.float32), q=None, niter=None),
    "pca": lambda m: m.pca_lowrank(m.tensor(low_rank(12, 6, 6)), q=3),
    "pca_uncentred": lambda m: m.pca_lowrank(m.tensor(low_rank(12, 6, 6)), q=2, center=False, niter=4),
    "pca_sparse": lambda m: m.pca_lowrank(m.tensor(low_rank(8, 5, 5)).to_sparse(), q=3),
    "pca_complex": lambda m: m.pca_lowrank(m.tensor(low_rank(6, 4, 4) + 1j * low_rank(6, 4, 4, seed=1)), q=2),
}


@needs_torch
@pytest.mark.parametrize("name", list(LOWRANK_CALLS))
def test_lowrank_vs_torch(name):
    ours, theirs = _run(rg, LOWRANK_CALLS[name]), _run(torch, LOWRANK_CALLS[name])
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        tol = 1e-4 if a.dtype in (np.float32, np.complex64) else 1e-9
        # The last step is a dense SVD of a wide q x n matrix, whose singular vectors' signs
        # (phases) differ between LAPACK builds (PyTorch's MKL, NumPy's OpenBLAS): compare moduli.
        np.testing.assert_allclose(np.abs(a), np.abs(b), rtol=tol, atol=tol)


@needs_torch
def test_lowrank_gradient_vs_torch():
    grads = []
    for m in (torch, rg):
        X = m.tensor(low_rank(7, 4, 4), requires_grad=True)
        m.manual_seed(0)
        U, S, V = m.pca_lowrank(X, q=3)
        (S.sum() + U[:, 0].abs().sum() + V[:, 0].abs().sum()).backward()
        grads.append(X.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-8, atol=1e-10)
