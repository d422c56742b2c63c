"""The gradient of lobpcg's eigenpairs with respect to a symmetric A (PyTorch's formulas).

With all m eigenpairs (U square) it is the usual symmetric-eigendecomposition rule,
    Ā = U (diag(D̄) + (Uᵀ Ū) ∘ F) Uᵀ,   F_ij = 1 / (D_j - D_i), F_ii = 0.
With only k of them, the part of Ā outside span(U) needs the rest of the spectrum, which
lobpcg never computed: PyTorch solves for it with the characteristic polynomial p of D
evaluated at A, restricted to a random basis of the complement of U (drawn from a fresh
generator with the default seed, so the result does not depend on the global seed).
"""

from __future__ import annotations

from ._generator import Generator
from .linalg import cholesky
from .ops import addcmul, cholesky_solve, diag_embed, eye, matmul
from .random import randn
from .tensor import Tensor

__all__ = ["symeig_backward"]


def _complete_eigenspace(D_grad: Tensor, U_grad: Tensor, D: Tensor, U: Tensor) -> Tensor:
    F = D.unsqueeze(-2) - D.unsqueeze(-1)
    F.diagonal(dim1=-2, dim2=-1).fill_(float("inf"))
    F.pow_(-1)
    Ut = U.mT.contiguous()
    return matmul(U, matmul(diag_embed(D_grad) + matmul(Ut, U_grad) * F, Ut))


def _polynomial_coefficients_given_roots(roots: Tensor) -> Tensor:
    """Coefficients (lowest power first) of the monic polynomial with these roots, `(*, n)` to `(*, n + 1)`."""
    order = roots.shape[-1]
    shape = list(roots.shape)
    shape[-1] += 2
    coeffs = roots.new_zeros(shape)
    coeffs[..., 0] = 1
    coeffs[..., -1] = 1
    for i in range(1, order + 1):  # multiply by (x - root_i), Horner-style, in the coefficient array
        updated = coeffs.clone() if roots.requires_grad else coeffs
        out = updated.narrow(-1, order - i, i + 1)
        out -= roots.narrow(-1, i - 1, 1) * coeffs.narrow(-1, order - i + 1, i + 1)
        coeffs = updated
    return coeffs.narrow(-1, 1, order + 1)


def _matrix_polynomial_value(poly: Tensor, x: Tensor) -> Tensor:
    """p(x) for a square matrix x by Horner's rule, p's coefficients lowest power first."""
    value = eye(x.size(-1), x.size(-1), dtype=x.dtype, device=x.device).view(
        *[1] * len(x.shape[:-2]), x.size(-1), x.size(-1)
    )
    for k in range(poly.size(-1) - 2, -1, -1):
        value = x.matmul(value)
        value.diagonal(dim1=-2, dim2=-1).add_(poly[..., k].unsqueeze(-1))
    return value


def _vector_polynomial_value(poly: Tensor, x: Tensor) -> Tensor:
    """p(x) elementwise by Horner's rule."""
    value = x.new_ones(1).expand(x.shape)
    for k in range(poly.size(-1) - 2, -1, -1):
        value = addcmul(poly[..., k].unsqueeze(-1), x, value)
    return value


def _partial_eigenspace(D_grad: Tensor, U_grad: Tensor, A: Tensor, D: Tensor, U: Tensor, largest: bool) -> Tensor:
    Ut = U.mT.contiguous()
    proj_U_ortho = -U.matmul(Ut)
    proj_U_ortho.diagonal(dim1=-2, dim2=-1).add_(1)
    gen = Generator(A.device)
    shape = (*A.shape[:-1], A.size(-1) - D.size(-1))
    U_ortho = proj_U_ortho.matmul(randn(shape, dtype=A.dtype, device=A.device, generator=gen))
    U_ortho_t = U_ortho.mT.contiguous()
    chr_poly_D = _polynomial_coefficients_given_roots(D)
    # sum_k U_grad A^(k-1) q_k(D), with q_k the tail of p's coefficients from power k
    U_grad_projected = U_grad
    series_acc = U_grad_projected.new_zeros(U_grad_projected.shape)
    k = 0
    for k in range(1, chr_poly_D.size(-1)):
        poly_D = _vector_polynomial_value(chr_poly_D[..., k:], D)
        series_acc += U_grad_projected * poly_D.unsqueeze(-2)
        U_grad_projected = A.matmul(U_grad_projected)
    p_at_A = _matrix_polynomial_value(chr_poly_D, A)
    p_on_complement = matmul(U_ortho_t, matmul(p_at_A, U_ortho))
    # p(A) is definite on the complement; negative definite for the largest pairs of odd degree
    sign = -1 if largest and k % 2 == 1 else +1
    L = cholesky(sign * p_on_complement)
    res = _complete_eigenspace(D_grad, U_grad, D, U)
    res -= U_ortho.matmul(sign * cholesky_solve(U_ortho_t.matmul(series_acc), L)).matmul(Ut)
    return res


def symeig_backward(D_grad: Tensor, U_grad: Tensor, A: Tensor, D: Tensor, U: Tensor, largest: bool) -> Tensor:
    """Ā from the gradients of the eigenvalues D `(*, k)` and eigenvectors U `(*, m, k)` of a symmetric A."""
    if U.size(-1) == U.size(-2):
        return _complete_eigenspace(D_grad, U_grad, D, U)
    return _partial_eigenspace(D_grad, U_grad, A, D, U, largest)
