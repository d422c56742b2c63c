"""`torch.lobpcg`: k extreme eigenpairs of a symmetric (generalized) eigenproblem by LOBPCG.

The driver is PyTorch's: the same defaults (tol = sqrt(eps), 1000 steps, 'ortho'), the
same random initial block X drawn with `randn` from the default generator when none is
given, the same batch loop, the same errors. The steps live in `_lobpcg_worker`, the
gradient in `_lobpcg_backward`; a differentiable call goes through an autograd Function
whose forward symmetrises A as PyTorch's does.
"""

from __future__ import annotations

from typing import Any

from . import dtypes as _dt
from ._linalg_utils import floating_dtype
from ._lobpcg_backward import symeig_backward
from ._lobpcg_worker import LOBPCG
from .autograd.function import Function
from .ops import empty
from .random import randn
from .tensor import Tensor

__all__ = ["lobpcg", "LOBPCG"]

_EPS = {_dt.float32: 1.2e-07, _dt.float64: 2.23e-16}


class LOBPCGAutogradFunction(Function):
    """lobpcg as one differentiable node: gradients for A (dense, real, with B the identity)."""

    @staticmethod
    def forward(ctx: Any, A: Tensor, k: int | None, B: Tensor | None, X: Tensor | None, n: int | None,
                iK: Tensor | None, niter: int | None, tol: float | None, largest: bool | None, method: str | None,
                tracker: Any, ortho_iparams: Any, ortho_fparams: Any, ortho_bparams: Any) -> tuple[Tensor, Tensor]:
        A = A if A.is_sparse else A.contiguous()
        B = B if B is None or B.is_sparse else B.contiguous()
        D, U = _lobpcg(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams, ortho_fparams,
                       ortho_bparams)
        ctx.save_for_backward(A, B, D, U)
        ctx.largest = largest
        return D, U

    @staticmethod
    def backward(ctx: Any, D_grad: Tensor, U_grad: Tensor) -> tuple[Tensor | None, ...]:
        A, B, D, U = ctx.saved_tensors
        if A.is_sparse or (B is not None and B.is_sparse and ctx.needs_input_grad[2]):
            raise ValueError("lobpcg.backward does not support sparse input yet. Note that lobpcg.forward does though.")
        if A.is_complex() or (B is not None and B.is_complex()):
            raise ValueError(
                "lobpcg.backward does not support complex input yet. Note that lobpcg.forward does though."
            )
        if B is not None:
            raise ValueError("lobpcg.backward does not support backward with B != I yet.")
        largest = True if ctx.largest is None else ctx.largest
        return (symeig_backward(D_grad, U_grad, A, D, U, largest),) + (None,) * 13


def lobpcg(
    A: Tensor, k: int | None = None, B: Tensor | None = None, X: Tensor | None = None, n: int | None = None,
    iK: Tensor | None = None, niter: int | None = None, tol: float | None = None, largest: bool | None = None,
    method: str | None = None, tracker: Any = None, ortho_iparams: dict[str, int] | None = None,
    ortho_fparams: dict[str, float] | None = None, ortho_bparams: dict[str, bool] | None = None,
) -> tuple[Tensor, Tensor]:
    """The k largest (or smallest) eigenpairs of A x = λ B x, A and B symmetric, B positive definite.

    Draws the initial block from the default generator when X is not given; seed with
    `manual_seed` for repeatable results. Needs m >= 3n. Gradients reach A (not B, not sparse
    or complex inputs); A is symmetrised as (A + Aᵀ)/2 when it requires grad.

    Args:
        A (Tensor): `(*, m, m)`, dense or sparse COO.
        k (int, optional): the number of pairs wanted (default: X's columns, or 1).
        B (Tensor, optional): `(*, m, m)`, the right-hand matrix (default: the identity).
        X (Tensor, optional): `(*, m, n)`, the initial block; its columns fix n.
        n (int, optional): the block size when X is not given (default k).
        iK (Tensor, optional): `(*, m, m)`, a preconditioner applied to the residuals.
        niter (int, optional): the most steps (default 1000; -1 runs to convergence).
        tol (float, optional): the relative residual for convergence (default sqrt of the dtype's eps).
        largest (bool, optional): the largest pairs (default True), else the smallest.
        method (str, optional): 'ortho' (default) or 'basic'.
        tracker (callable, optional): called with the worker after every step.
        ortho_iparams, ortho_fparams, ortho_bparams (dict, optional): settings of the 'ortho' method
            (ortho_i_max, ortho_j_max; ortho_tol, ortho_tol_drop, ortho_tol_replace; ortho_use_drop).

    Returns:
        (Tensor, Tensor): the eigenvalues `(*, k)` and eigenvectors `(*, m, k)`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> A = retrograd.diag(retrograd.arange(1.0, 11.0, dtype=retrograd.float64))
        >>> E, V = retrograd.lobpcg(A, k=2)
        >>> E
        tensor([10.0000,  9.0000], dtype=retrograd.float64)
        >>> V.shape
        retrograd.Size([10, 2])
    """
    if A.requires_grad or (B is not None and B.requires_grad):
        A_sym = (A + A.mT) / 2
        B_sym = (B + B.mT) / 2 if B is not None else None
        return LOBPCGAutogradFunction.apply(A_sym, k, B_sym, X, n, iK, niter, tol, largest, method, tracker,
                                            ortho_iparams, ortho_fparams, ortho_bparams)
    return _lobpcg(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams, ortho_fparams,
                   ortho_bparams)


def _settings(method: str, m: int, n: int, k: int, niter: int | None, tol: float, largest: bool | None,
              ortho: tuple[Any, Any, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The worker's integer, float and boolean parameters, with the 'ortho' defaults filled in."""
    iparams: dict[str, Any] = {"m": m, "n": n, "k": k, "niter": 1000 if niter is None else niter}
    fparams: dict[str, Any] = {"tol": tol}
    bparams: dict[str, Any] = {"largest": True if largest is None else largest}
    if method == "ortho":
        for params, given in zip((iparams, fparams, bparams), ortho):
            params.update(given or {})
        iparams.setdefault("ortho_i_max", 3)
        iparams.setdefault("ortho_j_max", 3)
        for name in ("ortho_tol", "ortho_tol_drop", "ortho_tol_replace"):
            fparams.setdefault(name, tol)
        bparams.setdefault("ortho_use_drop", False)
    return iparams, fparams, bparams


def _lobpcg(A: Tensor, k: int | None, B: Tensor | None, X: Tensor | None, n: int | None, iK: Tensor | None,
            niter: int | None, tol: float | None, largest: bool | None, method: str | None, tracker: Any,
            ortho_iparams: Any, ortho_fparams: Any, ortho_bparams: Any) -> tuple[Tensor, Tensor]:
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if B is not None and A.shape != B.shape:
        raise AssertionError(f"A and B must have same shape, got {A.shape} vs {B.shape}")
    dtype = floating_dtype(A)
    tol = _EPS[dtype] ** 0.5 if tol is None else tol
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(
            f"LOBPCG algorithm is not applicable when the number of A rows (={m}) is smaller than 3 x the number "
            f"of requested eigenpairs (={n})"
        )
    method = "ortho" if method is None else method
    iparams, fparams, bparams = _settings(method, m, n, k, niter, tol, largest,
                                          (ortho_iparams, ortho_fparams, ortho_bparams))

    def solve_one(A_: Tensor, B_: Tensor | None, X_: Tensor | None) -> LOBPCG:
        X_ = randn((m, n), dtype=dtype, device=A.device) if X_ is None else X_
        if not (len(X_.shape) == 2 and X_.shape == (m, n)):
            name = "X_" if len(A.shape) > 2 else "X"  # PyTorch's batch loop names its slice X_
            raise AssertionError(f"{name} shape mismatch: got {X_.shape}, expected {(m, n)}")
        worker = LOBPCG(A_, B_, X_, iK, iparams, fparams, bparams, method, tracker)
        worker.run()
        return worker

    if len(A.shape) == 2:
        worker = solve_one(A, B, X)
        return worker.E[:k], worker.X[:, :k]
    N = 1
    for size in A.shape[:-2]:
        N *= size
    bA = A.reshape((N,) + A.shape[-2:])
    bB = None if B is None else B.reshape((N,) + A.shape[-2:])
    bX = None if X is None else X.reshape((N,) + X.shape[-2:])
    bE = empty((N, k), dtype=dtype, device=A.device)
    bXret = empty((N, m, k), dtype=dtype, device=A.device)
    for i in range(N):
        iparams["batch_index"] = i
        worker = solve_one(bA[i], None if bB is None else bB[i], None if bX is None else bX[i])
        bE[i] = worker.E[:k]
        bXret[i] = worker.X[:, :k]
    return bE.reshape(A.shape[:-2] + (k,)), bXret.reshape(A.shape[:-2] + (m, k))
