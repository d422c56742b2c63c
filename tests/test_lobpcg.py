"""lobpcg: PyTorch's LOBPCG driver and worker, its seeded initial block, its gradient and errors.

The spelled-out tests check eigenpairs against a dense eigh and the documented behaviour
(defaults, tracker, batch loop, errors); the `vs_torch` tests run the same seeded calls on
both libraries. Eigenvectors are compared up to sign: the dense eigensolvers inside differ
between LAPACK builds in the signs they pick.
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


def spd(m: int, seed: int = 0) -> np.ndarray:
    M = np.random.default_rng(seed).standard_normal((m, m))
    return M @ M.T + m * np.eye(m)


def test_largest_and_smallest_pairs_match_eigh():
    A = spd(15)
    w, v = np.linalg.eigh(A)
    rg.manual_seed(0)
    E, V = rg.lobpcg(rg.tensor(A), k=2)
    assert E.shape == (2,) and V.shape == (15, 2) and E.dtype == rg.float64
    np.testing.assert_allclose(E.numpy(), w[::-1][:2], rtol=1e-10)
    np.testing.assert_allclose(np.abs(V.numpy().T @ v[:, ::-1][:, :2]), np.eye(2), atol=1e-6)
    rg.manual_seed(0)
    E, _ = rg.lobpcg(rg.tensor(A), k=2, largest=False, method="basic", niter=-1)
    np.testing.assert_allclose(E.numpy(), w[:2], rtol=1e-10)


def test_generalized_batched_preconditioned_and_sparse_problems():
    A, B = spd(12, 0), spd(12, 1)
    L = np.linalg.cholesky(B)
    w = np.linalg.eigvalsh(np.linalg.solve(L, np.linalg.solve(L, A).T))  # L⁻¹ A L⁻ᵀ
    rg.manual_seed(0)
    E, V = rg.lobpcg(rg.tensor(A), k=2, B=rg.tensor(B))
    np.testing.assert_allclose(E.numpy(), w[::-1][:2], rtol=1e-9)
    np.testing.assert_allclose((V.mT @ rg.tensor(B) @ V).numpy(), np.eye(2), atol=1e-9)  # B-orthonormal
    batch = rg.tensor(np.stack([A, B]))
    rg.manual_seed(0)
    E, V = rg.lobpcg(batch, k=1, iK=rg.diag(1 / batch[0].diagonal()))
    assert E.shape == (2, 1) and V.shape == (2, 12, 1)
    np.testing.assert_allclose(E.numpy()[:, 0], [np.linalg.eigvalsh(A)[-1], np.linalg.eigvalsh(B)[-1]], rtol=1e-9)
    rg.manual_seed(0)
    E, _ = rg.lobpcg(rg.tensor(A).to_sparse(), k=2)
    np.testing.assert_allclose(E.numpy(), np.linalg.eigvalsh(A)[::-1][:2], rtol=1e-10)


def test_tracker_sees_the_worker_and_can_stop_it():
    seen = []

    def tracker(worker):
        seen.append((worker.ivars["istep"], worker.ivars["converged_count"], "A_norm" in worker.fvars))
        worker.bvars["force_stop"] = worker.ivars["istep"] == 3

    rg.manual_seed(0)
    rg.lobpcg(rg.tensor(spd(15)), k=2, tracker=tracker)
    assert seen == [(1, 0, True), (2, 0, True), (3, 0, True)]


def test_argument_errors():
    A = rg.tensor(spd(8))
    with pytest.raises(ValueError, match=r"number of A rows \(=8\) is smaller than 3 x the number of requested "
                                         r"eigenpairs \(=3\)"):
        rg.lobpcg(A, k=3)
    with pytest.raises(AssertionError, match=r"A must be square, got shape"):
        rg.lobpcg(rg.ones(4, 5))
    with pytest.raises(AssertionError, match=r"X shape mismatch: got .*\[7, 2\]\), expected \(8, 2\)"):
        rg.lobpcg(A, X=rg.ones(7, 2, dtype=rg.float64))
    A_grad = A.clone().requires_grad_()
    E, _ = rg.lobpcg(A_grad, k=1, B=rg.eye(8, dtype=rg.float64))
    with pytest.raises(ValueError, match=r"lobpcg.backward does not support backward with B != I yet."):
        E.sum().backward()


def _eigenvalues(a):
    rg.manual_seed(0)
    return rg.lobpcg(a, k=2, tol=1e-12, niter=-1)[0]


def test_eigenvalue_gradient_is_the_outer_product_of_eigenvectors():
    A = spd(9)
    a = rg.tensor(A, requires_grad=True)
    _eigenvalues(a)[0].backward()
    v = np.linalg.eigh(A)[1][:, -1]
    np.testing.assert_allclose(a.grad.numpy(), np.outer(v, v), atol=1e-8)  # dλ/dA = v vᵀ
    assert rg.autograd.gradcheck(_eigenvalues, (rg.tensor(A, requires_grad=True),))
    assert rg.autograd.gradgradcheck(_eigenvalues, (rg.tensor(A, requires_grad=True),))


def _both(call, seed=0):
    out = []
    for m in (torch, rg):
        m.manual_seed(seed)
        out.append([t.numpy() for t in call(m)])
    return out


LOBPCG_CALLS = {
    "ortho": lambda m: m.lobpcg(m.tensor(spd(15)), k=2),
    "basic_smallest": lambda m: m.lobpcg(m.tensor(spd(15)), k=2, method="basic", largest=False, niter=30),
    "float32": lambda m: m.lobpcg(m.tensor(spd(15), dtype=m.float32), k=3),
    "generalized": lambda m: m.lobpcg(m.tensor(spd(15)), k=2, B=m.tensor(spd(15, 1))),
    "batched_n": lambda m: m.lobpcg(m.tensor(np.stack([spd(15), spd(15, 2)])), k=1, n=2),
    "few_steps_drop": lambda m: m.lobpcg(m.tensor(spd(15)), k=2, niter=2, ortho_bparams={"ortho_use_drop": True}),
    "sparse": lambda m: m.lobpcg(m.tensor(spd(15)).to_sparse(), k=2),
}


@needs_torch
@pytest.mark.parametrize("name", list(LOBPCG_CALLS))
def test_lobpcg_vs_torch(name):
    (E_t, V_t), (E_r, V_r) = _both(LOBPCG_CALLS[name])
    assert E_r.dtype == E_t.dtype and V_r.shape == V_t.shape
    tol = 1e-5 if E_r.dtype == np.float32 else 1e-9
    np.testing.assert_allclose(E_r, E_t, rtol=tol)
    np.testing.assert_allclose(np.abs(V_r), np.abs(V_t), atol=tol * 10)


@needs_torch
@pytest.mark.parametrize("m_size", [6, 15])
def test_lobpcg_gradient_vs_torch(m_size):
    grads = []
    for m in (torch, rg):
        a = m.tensor(spd(m_size), requires_grad=True)
        m.manual_seed(0)
        E, V = m.lobpcg(a, k=2)
        (E.sum() + (V**2).sum()).backward()
        assert type(E.grad_fn).__name__ == "LOBPCGAutogradFunctionBackward"
        grads.append(a.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-7, atol=1e-9)
