"""Small matrix helpers shared by the iterative methods (svd_lowrank, pca_lowrank, lobpcg).

They take the same shortcuts as PyTorch's `torch._linalg_utils`: a missing matrix (None) is
the identity, and a sparse COO left operand multiplies through `sparse.mm`, so the methods
accept sparse matrices.
"""

from __future__ import annotations

from . import dtypes as _dt
from . import linalg, sparse
from ._layouts import sparse_coo
from .ops import flip
from .tensor import Tensor

__all__ = ["floating_dtype", "matmul", "qform", "basis", "symeig"]


def floating_dtype(A: Tensor) -> _dt.dtype:
    """A's dtype when it is float16/32/64, else float32: the dtype the methods draw and compute in."""
    return A.dtype if A.dtype in (_dt.float16, _dt.float32, _dt.float64) else _dt.float32


def matmul(A: Tensor | None, B: Tensor) -> Tensor:
    """A @ B for a dense or sparse COO A and a dense B; B itself when A is None (the identity)."""
    if A is None:
        return B
    return sparse.mm(A, B) if A.layout == sparse_coo else A.matmul(B)


def qform(A: Tensor | None, S: Tensor) -> Tensor:
    """The quadratic form Sᵀ A S (Sᵀ S when A is None)."""
    return S.mT.matmul(matmul(A, S))


def basis(A: Tensor) -> Tensor:
    """An orthonormal basis of A's columns: the Q of its reduced QR."""
    return linalg.qr(A).Q


def symeig(A: Tensor, largest: bool | None = False) -> tuple[Tensor, Tensor]:
    """Eigenvalues and eigenvectors of a symmetric A (its upper triangle), ascending, or descending if `largest`."""
    E, Z = linalg.eigh(A, UPLO="U")
    if largest:
        return flip(E, dims=(-1,)), flip(Z, dims=(-1,))
    return E, Z
