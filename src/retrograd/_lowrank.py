"""Randomized low-rank SVD and PCA (`torch.svd_lowrank`, `torch.pca_lowrank`).

Both follow Halko, Martinsson and Tropp (2009), "Finding structure with randomness": a Gaussian
test matrix drawn with `randn` from the default generator, a few rounds of subspace iteration
orthonormalised with QR, then a small dense SVD. The draws and the order of the products are
PyTorch's, so a program seeded with `manual_seed` gets PyTorch's numbers. A may be dense or a
sparse COO matrix; everything is built from differentiable ops, so gradients flow through U, S, V
as they do in PyTorch.
"""

from __future__ import annotations

from . import dtypes as _dt
from . import linalg, sparse
from ._layouts import sparse_coo
from ._linalg_utils import floating_dtype, matmul
from .ops import mean, ones, sparse_coo_tensor, zeros
from .random import randn
from .tensor import Tensor

__all__ = ["svd_lowrank", "pca_lowrank"]


def _test_matrix_dtype(A: Tensor) -> _dt.dtype:
    """The dtype of the random test matrix: A's when complex, else its floating dtype."""
    return A.dtype if A.is_complex() else floating_dtype(A)


def _approximate_basis(A: Tensor, q: int, niter: int, M: Tensor | None) -> Tensor:
    """Q `(*, m, q)` with orthonormal columns such that Q Qᴴ (A - M) approximates A - M (Halko et al., Alg. 4.4)."""
    R = randn(A.shape[-1], q, dtype=_test_matrix_dtype(A), device=A.device)

    def times(right: Tensor, adjoint: bool) -> Tensor:  # (A - M) @ right, or its adjoint's, M never subtracted
        a, m = (A.mH, None if M is None else M.mH) if adjoint else (A, M)
        X = matmul(a, right)
        return X if m is None else X - matmul(m, right)

    Q = linalg.qr(times(R, adjoint=False)).Q
    for _ in range(niter):
        Q = linalg.qr(times(Q, adjoint=True)).Q
        Q = linalg.qr(times(Q, adjoint=False)).Q
    return Q


def _svd_lowrank(A: Tensor, q: int, niter: int, M: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.size())
    if m < n:  # work on the tall one: the basis then has q columns of length max(m, n)
        A = A.mH
        M = None if M is None else M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = matmul(A.mH, Q).mH if A.layout == sparse_coo else Q.mH.matmul(A)
    if M is not None:
        B = B - Q.mH.matmul(M)
    U, S, Vh = linalg.svd(B, full_matrices=False)
    U, V = Q.matmul(U), Vh.mH
    return (V, S, U) if m < n else (U, S, V)


def svd_lowrank(
    A: Tensor, q: int | None = 6, niter: int | None = 2, M: Tensor | None = None
) -> tuple[Tensor, Tensor, Tensor]:
    """An approximate SVD `(U, S, V)` of A (or of A - M) with q singular triplets, A ≈ U diag(S) Vᴴ.

    Randomized (it draws a `(n, q)` Gaussian matrix from the default generator): seed with
    `manual_seed` for repeatable results. For dense matrices that fit, `linalg.svd` is exact.

    Args:
        A (Tensor): `(*, m, n)`, dense or sparse COO.
        q (int, optional): a slightly overestimated rank of A (default 6).
        niter (int, optional): subspace iterations, a non-negative integer (default 2).
        M (Tensor, optional): a mean broadcast to A's shape; the SVD is of A - M.

    Returns:
        (Tensor, Tensor, Tensor): U `(*, m, q)`, S `(*, q)` (descending), V `(*, n, q)`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> A = retrograd.outer(retrograd.arange(1.0, 5.0), retrograd.tensor([1.0, 2.0, 2.0]))
        >>> U, S, V = retrograd.svd_lowrank(A, q=2)
        >>> U.shape, S.shape, V.shape
        (retrograd.Size([4, 2]), retrograd.Size([2]), retrograd.Size([3, 2]))
        >>> round(S[0].item(), 4)
        16.4317
    """
    return _svd_lowrank(A, 6 if q is None else q, 2 if niter is None else niter, M)


def _sparse_column_means(A: Tensor) -> Tensor:
    """The `(m, n)` matrix whose every row is A's column mean, for a sparse 2-D A, built sparse as PyTorch does."""
    m, n = A.shape
    c = sparse.sum(A, dim=(-2,)) / m
    columns = c.indices()[0]
    indices = zeros(2, len(columns), dtype=columns.dtype, device=columns.device)
    indices[0] = columns
    C_t = sparse_coo_tensor(indices, c.values(), (n, 1), dtype=floating_dtype(A), device=A.device)
    return sparse.mm(C_t, ones(1, m, dtype=floating_dtype(A), device=A.device)).mT


def pca_lowrank(
    A: Tensor, q: int | None = None, center: bool = True, niter: int = 2
) -> tuple[Tensor, Tensor, Tensor]:
    """Principal components of A's rows (samples) by a randomized SVD of the centred A: `(U, S, V)`.

    V's columns are the principal directions, `S**2 / (m - 1)` the variances along them, and
    `A @ V[:, :k]` projects onto the first k components. Draws from the default generator.

    Args:
        A (Tensor): `(*, m, n)`, m samples of n features; dense, or sparse COO when 2-D.
        q (int, optional): a slightly overestimated rank, `0 <= q <= min(m, n)` (default `min(6, m, n)`).
        center (bool): subtract the column means first (default True); False takes A as centred.
        niter (int): subspace iterations, a non-negative integer (default 2).

    Returns:
        (Tensor, Tensor, Tensor): U `(*, m, q)`, S `(*, q)`, V `(*, n, q)`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> X = retrograd.tensor([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]])
        >>> U, S, V = retrograd.pca_lowrank(X, q=2)
        >>> S
        tensor([2.8284, 1.4142])
    """
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not (niter >= 0):
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter, None)
    if A.layout == sparse_coo:
        if len(A.shape) != 2:
            raise ValueError("pca_lowrank input is expected to be 2-dimensional tensor")
        return _svd_lowrank(A, q, niter, _sparse_column_means(A))
    return _svd_lowrank(A - mean(A, dim=(-2,), keepdim=True), q, niter, None)
