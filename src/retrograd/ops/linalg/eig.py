"""The general eigendecomposition: eig and eigvals (complex results, as in PyTorch).

Eigenvectors have unit norm with their phase fixed as LAPACK's geev leaves it, so only
losses invariant to each vector's phase (|V|, V diag(L) V⁻¹, eigenvalues) have well-defined
gradients. The derivative is PyTorch's (distinct eigenvalues assumed):
    Ā = V⁻ᴴ (diag(L̄) + (VᴴV̄ - VᴴV Re diag(VᴴV̄)) / conj(Lⱼ - Lᵢ)) Vᴴ.
"""

from __future__ import annotations

from typing import Any

from ... import dtypes as _dt
from ... import return_types
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.out_arg import Rule, castable, write_out
from .common import check_matrix, eigenvector_phase_error, eye_like, is_zero_leaf, phase_free
from .decompositions import solve

__all__: list[str] = []  # torch.linalg names only: retrograd.linalg gathers them

linalg_eig = return_types.linalg_eig


def _eig_forward(xp: Any, a: Any) -> tuple:
    if not xp.isfinite(a).all():  # a plain RuntimeError in PyTorch, not a LinAlgError
        raise RuntimeError("torch.linalg.eig: input tensor should not contain infs or NaNs.")
    w, v = xp.linalg.eig(a)
    complex_np = _dt.from_numpy(a.dtype).to_complex().np
    return w.astype(complex_np), v.astype(complex_np)


def _eig_rule(g: tuple, out: tuple) -> Tensor:
    gL, gV = g
    L, V = out
    n = L.shape[-1]
    eye = eye_like(V, n)
    inner = eye * gL.unsqueeze(-2)
    if not is_zero_leaf(gV):
        VhgV = V.mH @ gV
        diag = (VhgV * eye).sum(-1)
        if not phase_free(diag.imag):  # the loss depends on each vector's phase e^{iφ}
            raise eigenvector_phase_error("linalg_eig_backward")
        diag_re = diag.real
        Lc = L.conj()
        E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1) + eye  # conj(L_j - L_i), 1 on the diagonal
        off = (VhgV - V.mH @ (V * diag_re.unsqueeze(-2))) / E
        inner = inner + off * (1 - eye)
    return solve(V.mH, inner @ V.mH)


_eig = Primitive("linalg_eig", _eig_forward, [_eig_rule], n_outputs=2)


def _check_eig_input(A: Tensor, fname: str) -> None:
    # PyTorch picks the complex result type before it looks at the matrix
    if A._data.dtype.kind in "biu":
        raise RuntimeError(f"Unknown Complex ScalarType for {A.dtype.kind_name}")
    check_matrix(A, fname)


def _eigen_castable(name: str, what: str = "eigenvalues") -> Rule:
    """`out` rule of eig/eigvals: a dtype the complex result casts to safely, in PyTorch's words."""
    return castable(
        f"{name}: Expected {what} to be safely castable from {{src}} dtype, but got {what} with dtype {{dst}}"
    )


def eig(A: Tensor, *, out: Any = None) -> Any:
    """(eigenvalues, eigenvectors) of square A (*, n, n): complex, unordered, unit-norm columns.

    Args:
        A (Tensor): a square matrix or a batch of them, shape (*, n, n).
        out (tuple of Tensor, optional): `(eigenvalues, eigenvectors)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(eigenvalues, eigenvectors)`, complex, shapes (*, n) and
            (*, n, n); column i of the vectors belongs to value i.

    Examples:
        >>> L, V = retrograd.linalg.eig(retrograd.tensor([[2.0, 0.0], [0.0, 3.0]]))
        >>> L
        tensor([2.+0.j, 3.+0.j])
        >>> V
        tensor([[1.+0.j, 0.+0.j],
                [0.+0.j, 1.+0.j]])
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(
            out, eig, locals(), _eigen_castable("torch.linalg.eig"), _eigen_castable("torch.linalg.eig", "eigenvectors")
        )
    _check_eig_input(A, "linalg.eig")
    return linalg_eig(*_eig(A))


def eigvals(A: Tensor, *, out: Any = None) -> Tensor:
    """The eigenvalues of square A (*, n, n), complex.

    Args:
        A (Tensor): a square matrix or a batch of them, shape (*, n, n).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex, shape (*, n), in no particular order.

    Examples:
        >>> retrograd.linalg.eigvals(retrograd.tensor([[0.0, -1.0], [1.0, 0.0]]))
        tensor([0.+1.j, 0.-1.j])
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, eigvals, locals(), _eigen_castable("torch.linalg.eigvals"), grad="copy")
    _check_eig_input(A, "linalg.eigvals")
    return _eig(A)[0]
