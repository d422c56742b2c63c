"""cholesky_inverse as PyTorch computes it on CPU: LAPACK's potri, then the triangle mirrored.

potri inverts the triangular factor in place (trti2) and forms the lower triangle of L⁻ᴴ L⁻¹
(lauu2); PyTorch then copies that triangle onto the other one, so the result is exactly
symmetric and carries LAPACK's signed zeros (a diagonal factor gives -0. off the diagonal).
The forward follows the reference LAPACK loops in their order for real matrices up to
`_LOOPED` rows; larger or complex ones use one triangular solve and a product (+0. where
LAPACK's loops leave -0.). One primitive
with PyTorch's node (CholeskyInverseBackward0) and its derivative.
"""

from __future__ import annotations

from typing import Any

from ...engine.primitive import Primitive
from ...tensor import Tensor
from .common import LinAlgError, batch_prefix
from .substitution import _substitute

# the reference loops take O(n²) backend calls (~36 ms at 64 rows): past this many rows a solve and a
# product (~0.1 ms), whose last bits differ from MKL's anyway beyond 3x3 factors
_LOOPED = 8


def _invert_lower(xp: Any, a: Any) -> None:
    """LAPACK's trti2 (lower, non-unit) in place: columns right to left, each by trmv then scal."""
    n = a.shape[-1]
    for j in reversed(range(n)):
        a[..., j, j] = 1 / a[..., j, j]
        x = a[..., j + 1 :, j].copy()
        for k in reversed(range(n - j - 1)):  # trmv: x = T x, T the inverted block below; a zero x[k] is skipped
            kept = x[..., k] != 0
            col = a[..., j + 1 + k + 1 :, j + 1 + k]
            x[..., k + 1 :] = xp.where(kept[..., None], x[..., k + 1 :] + x[..., k, None] * col, x[..., k + 1 :])
            x[..., k] = xp.where(kept, x[..., k] * a[..., j + 1 + k, j + 1 + k], x[..., k])
        a[..., j + 1 :, j] = x * -a[..., j, j, None]


def _lower_product(xp: Any, a: Any) -> None:
    """LAPACK's lauu2 (lower) in place: the lower triangle of Lᴴ L, L the lower triangle of `a`."""
    n = a.shape[-1]
    for i in range(n):
        aii = a[..., i, i].copy()
        if i == n - 1:
            a[..., i, : i + 1] = a[..., i, : i + 1] * aii[..., None]
            break
        total = xp.zeros_like(aii)
        for r in range(i, n):  # dot of the column below the diagonal with itself, in order
            total = total + a[..., r, i] * a[..., r, i]
        a[..., i, i] = total
        row = a[..., i, :i] * aii[..., None]  # gemv: beta scales first, then the sums are added
        sums = xp.zeros_like(row)
        for r in range(i + 1, n):
            sums = sums + a[..., r, :i] * a[..., r, i, None]
        a[..., i, :i] = row + sums


def _invert_upper(xp: Any, a: Any) -> None:
    """LAPACK's trti2 (upper, non-unit) in place: columns left to right, each by trmv then scal."""
    for j in range(a.shape[-1]):
        a[..., j, j] = 1 / a[..., j, j]
        x = a[..., :j, j].copy()
        for k in range(j):  # trmv: x = T x, T the inverted block above; a zero x[k] is skipped
            kept = x[..., k] != 0
            x[..., :k] = xp.where(kept[..., None], x[..., :k] + x[..., k, None] * a[..., :k, k], x[..., :k])
            x[..., k] = xp.where(kept, x[..., k] * a[..., k, k], x[..., k])
        a[..., :j, j] = x * -a[..., j, j, None]


def _upper_product(xp: Any, a: Any) -> None:
    """LAPACK's lauu2 (upper) in place: the upper triangle of U Uᴴ, U the upper triangle of `a`."""
    n = a.shape[-1]
    for i in range(n):
        aii = a[..., i, i].copy()
        if i == n - 1:
            a[..., : i + 1, i] = a[..., : i + 1, i] * aii[..., None]
            break
        total = xp.zeros_like(aii)
        for c in range(i, n):  # dot of the row right of the diagonal with itself, in order
            total = total + a[..., i, c] * a[..., i, c]
        a[..., i, i] = total
        column = a[..., :i, i] * aii[..., None]  # gemv: beta scales first, then one column at a time
        for c in range(i + 1, n):
            column = column + a[..., :i, c] * a[..., i, c, None]
        a[..., :i, i] = column


def _check_invertible(a: Any) -> None:
    """PyTorch's error (from potri's info) for a factor with a zero on its diagonal: the first such matrix and row."""
    zeros = (a.diagonal(0, -2, -1) == 0).reshape(-1, a.shape[-1]) if a.size else None
    if zeros is None or not zeros.any():
        return
    i = int(zeros.any(-1).argmax())
    raise LinAlgError(
        f"cholesky_inverse: {batch_prefix(i, a.ndim > 2)}The diagonal element {int(zeros[i].argmax()) + 1} is zero, "
        "the inversion could not be completed because the input matrix is singular."
    )


def _cholesky_inverse_forward(xp: Any, a: Any, upper: bool) -> Any:
    """(L Lᴴ)⁻¹ (or (Uᴴ U)⁻¹ when `upper`) from the factor's triangle, exactly Hermitian."""
    _check_invertible(a)
    n = a.shape[-1]
    if a.dtype.kind == "f" and n <= _LOOPED:
        work = xp.triu(a).copy() if upper else xp.tril(a).copy()
        if upper:
            _invert_upper(xp, work)
            _upper_product(xp, work)
        else:
            _invert_lower(xp, work)
            _lower_product(xp, work)
    else:
        lower = a.conj().swapaxes(-1, -2) if upper else a  # L = Uᴴ
        eye = xp.broadcast_to(xp.eye(n, dtype=a.dtype), lower.shape)
        inverse = xp.tril(_substitute(xp, lower, eye, upper=False, left=True, unitriangular=False))
        work = inverse.conj().swapaxes(-1, -2) @ inverse
        upper = False  # the lower triangle holds the result
    other = xp.tril(xp.ones((n, n), dtype=bool), -1) if upper else xp.triu(xp.ones((n, n), dtype=bool), 1)
    return xp.where(other, work.conj().swapaxes(-1, -2), work)  # one triangle mirrors the computed one


def _cholesky_inverse_grad(g: Tensor, a: Tensor, out: Tensor, upper: bool) -> Tensor:
    # PyTorch's formula: with C = A⁻¹ (G + Gᴴ) A⁻¹, L̄ = -C L (Ū = -U C); not restricted to the triangle
    common = out @ ((g + g.mH) @ out)
    return -(a @ common) if upper else -(common @ a)


cholesky_inverse_primitive: Primitive = Primitive(
    "cholesky_inverse",
    _cholesky_inverse_forward,
    [_cholesky_inverse_grad],
    inputs=("a",),
    quiet=True,  # a zero on the diagonal gives inf/nan, as LAPACK's does
)
