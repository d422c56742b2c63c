"""torch.linalg functions composed from other ops: householder_product, vander, tensorinv,
tensorsolve, cond, and the `_ex` variants of cholesky and solve.

Each is written with differentiable ops, so its derivative is that of the composition.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import return_types
from ...backend import namespace, on_device_of
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...return_types import linalg_cholesky_ex
from ...tensor import Tensor
from .. import autocast_policy as _autocast
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.arg_types import bool_arg
from ..kernels.out_arg import SAME, safely_castable, write_out
from .common import LinAlgError, check_matrix, eye_like
from .decompositions import (
    check_solve_arguments,
    cholesky,
    first_bad_minor,
    inv,
    inv_ex,
    not_positive_definite_error,
    singular_system_error,
    solve,
)

__all__: list[str] = []  # torch.linalg names only: retrograd.linalg gathers them

linalg_solve_ex = return_types.linalg_solve_ex


def householder_product(A: Tensor, tau: Tensor, *, out: Any = None) -> Tensor:
    """The first n columns of H₁…H_k, Hᵢ = I - τᵢ vᵢ vᵢᴴ, vᵢ = (0…0, 1, A[i+1:, i]); A (*, m, n), τ (*, k).

    Args:
        A (Tensor): the Householder vectors below the diagonal, shape (*, m, n) with m >= n.
        tau (Tensor): the reflectors' scales, shape (*, k) with k <= n.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (*, m, n).

    Examples:
        >>> a, tau = retrograd.geqrf(retrograd.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> retrograd.linalg.householder_product(a, tau)
        tensor([[-0.6000, -0.8000],
                [-0.8000,  0.6000]])
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(householder_product, A, tau, out=out)
    if out is not None:
        return write_out(out, householder_product, locals(), safely_castable("torch.linalg.householder_product"))
    _check_householder(A, tau)
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    below = Tensor._make(on_device_of(np.tri(m, n, -1, dtype=A._data.dtype), A._data))
    V = A * below + eye_like(A, m, n)  # column i is vᵢ
    Q = eye_like(A, m).expand(*A.shape[:-2], m, m) if A.ndim > 2 else eye_like(A, m)
    for i in range(k):
        v = V[..., :, i : i + 1]
        Q = Q - (Q @ v) * tau[..., i : i + 1].unsqueeze(-1) @ v.mH  # Q Hᵢ
    return Q[..., :, :n]


def _check_householder(A: Tensor, tau: Tensor) -> None:
    """PyTorch's refusals for householder_product, in its order: a tau of another batch would broadcast."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.householder_product: input must have at least 2 dimensions.")
    check_matrix(A, "torch.linalg.householder_product", square=False)
    if tau.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-2] must be greater than or equal to input.shape[-1]"
        )
    if k > n:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-1] must be greater than or equal to tau.shape[-1]"
        )
    if A.ndim - tau.ndim != 1:
        raise RuntimeError(
            "torch.linalg.householder_product: Expected tau to have one dimension less than input, but got "
            f"tau.ndim equal to {tau.ndim} and input.ndim is equal to {A.ndim}"
        )
    if A.ndim > 2 and tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(
            "torch.linalg.householder_product: Expected batch dimensions of tau to be equal to input.shape[:-2], "
            f"but got {list(tau.shape[:-1])}"
        )
    if A._data.dtype != tau._data.dtype:
        raise RuntimeError(
            f"torch.linalg.householder_product: tau dtype {tau.dtype.kind_name} does not match input dtype "
            f"{A.dtype.kind_name}"
        )


def vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """The Vandermonde matrix (*, n, N) with columns x⁰, x¹, …, x^(N-1) (increasing powers).

    Args:
        x (Tensor): the points, shape (*, n).
        N (int, optional): the number of columns (default n).

    Returns:
        Tensor: shape (*, n, N), `x`'s dtype.

    Examples:
        >>> retrograd.linalg.vander(retrograd.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [1, 2, 4],
                [1, 3, 9]])
    """
    from ..shape.join import stack

    if x._data.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    n = x.shape[-1] if N is None else N
    if n <= 1 and N is not None and n < 1:
        raise RuntimeError("N must be greater than 1.")
    columns = [x * 0 + 1]
    for _ in range(1, n):
        columns.append(columns[-1] * x)
    return stack(columns[:n], -1)


def tensorinv(A: Tensor, ind: int = 2, *, out: Any = None) -> Tensor:
    """The tensor inverse: `tensordot(tensorinv(A), A, ind)` is the identity of A.shape[ind:].

    Args:
        A (Tensor): a tensor whose first `ind` dims and remaining dims have equal products.
        ind (int): how many leading dims form the "rows" (default 2).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape `A.shape[ind:] + A.shape[:ind]`.

    Examples:
        >>> A = retrograd.eye(4).reshape(4, 2, 2) * 2
        >>> retrograd.linalg.tensorinv(A, ind=1).shape
        retrograd.Size([2, 2, 4])
    """
    if out is not None:
        return write_out(out, tensorinv, locals(), safely_castable("tensorinv"), grad="copy")
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = A.shape[:ind], A.shape[ind:]
    if math.prod(rows) != math.prod(cols):
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got "
            f"{math.prod(cols)} != {math.prod(rows)}"
        )
    return inv(A.reshape(math.prod(rows), math.prod(cols))).reshape(*cols, *rows)


def tensorsolve(A: Tensor, B: Tensor, dims: Any = None, *, out: Any = None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B; `dims` moves those dims of A to the end first.

    Args:
        A (Tensor): the coefficients, shape `B.shape + X.shape`.
        B (Tensor): the right-hand side.
        dims (tuple of int, optional): dims of A to move to the end before solving.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: X, shape `A.shape[B.ndim:]`.

    Examples:
        >>> A = retrograd.eye(6).reshape(2, 3, 6) * 2
        >>> retrograd.linalg.tensorsolve(A, retrograd.ones(2, 3))
        tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000])
    """
    if out is not None:
        return write_out(out, tensorsolve, locals(), safely_castable("tensorsolve"), grad="copy")
    if dims is not None:
        order = [d % A.ndim for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in order], *order)
    rows = B.shape
    cols = A.shape[B.ndim :]
    if math.prod(rows) != math.prod(cols):
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), "
            f"but got {math.prod(cols)} != {math.prod(rows)}"
        )
    x = solve(A.reshape(math.prod(rows), math.prod(cols)), B.reshape(math.prod(rows)))
    return x.reshape(*cols)


def cond(A: Tensor, p: Any = None, *, out: Any = None) -> Tensor:
    """The condition number ‖A‖ₚ ‖A⁻¹‖ₚ; for p = None/2/-2 the ratio of extreme singular values.

    Args:
        A (Tensor): a matrix or a batch of them, shape (*, m, n) (square for p other than None/2/-2).
        p (int, inf, -inf, 'fro' or 'nuc', optional): the norm (default None: the 2-norm).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real, shape (*).

    Examples:
        >>> A = retrograd.tensor([[4.0, 0.0], [0.0, 0.5]])
        >>> retrograd.linalg.cond(A), retrograd.linalg.cond(A, p=-2)
        (tensor(8.), tensor(0.1250))
    """
    if out is not None:
        return write_out(out, cond, locals(), safely_castable("linalg.cond"), grad="copy")
    from ..reduction.norms import matrix_norm
    from .spectral import svdvals

    spectral = p in (None, 2, -2)
    check_matrix(A, "linalg.cond", square=not spectral, kernel_of="linalg.svd" if spectral else "linalg.inv")
    if p in (None, 2, -2):
        s = svdvals(A)
        return s[..., 0] / s[..., -1] if p in (None, 2) else s[..., -1] / s[..., 0]
    inverse, info = inv_ex(A)  # a singular matrix has an infinite condition number (as PyTorch's)
    return (matrix_norm(A, p) * matrix_norm(inverse, p)).masked_fill(info != 0, math.inf)


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out: Any = None) -> Any:
    """(L, info): `cholesky` that reports the first non-positive-definite minor in `info` instead of raising.

    Args:
        A (Tensor): a Hermitian matrix or a batch of them, shape (*, n, n).
        upper (bool): return the upper factor U = Lᴴ instead (default False).
        check_errors (bool): raise LinAlgError on a failure anyway (default False).
        out (tuple of Tensor, optional): `(L, info)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(L, info)`; info (int32, shape (*)) is 0 on success, else
            the order of the first failing leading minor.

    Examples:
        >>> retrograd.linalg.cholesky_ex(retrograd.tensor([[4.0, 2.0], [2.0, 5.0]]))
        retrograd.return_types.linalg_cholesky_ex(
        L=tensor([[2., 0.],
                [1., 2.]]),
        info=tensor(0, dtype=retrograd.int32))
        >>> retrograd.linalg.cholesky_ex(retrograd.tensor([[1.0, 2.0], [2.0, 1.0]])).info
        tensor(2, dtype=retrograd.int32)
    """
    bool_arg("linalg_cholesky_ex", "upper", None, upper)
    bool_arg("linalg_cholesky_ex", "check_errors", None, check_errors)
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, cholesky_ex, locals(), SAME)
    if _vmap.active and (
        r := batched("elementwise", cholesky_ex, A, upper=upper, check_errors=check_errors)
    ) is not NOT_BATCHED:
        return r
    check_matrix(A, "linalg.cholesky")  # PyTorch's checks name linalg.cholesky
    info = _cholesky_info(A._data)
    if not info.any():
        return linalg_cholesky_ex(cholesky(A, upper=upper), Tensor._make(info))
    if check_errors:
        raise not_positive_definite_error(namespace(A._data), A._data, "linalg.cholesky_ex")
    # PyTorch leaves LAPACK's partial factor in a failed matrix; retrograd gives NaN there. The
    # batch's other matrices get their factors (and gradients): each failed one is factored as I.
    failed = Tensor._make(on_device_of(info != 0, A._data))[..., None, None]
    L = cholesky(A.where(~failed, eye_like(A, A.shape[-1])), upper=upper).masked_fill(failed, math.nan)
    return linalg_cholesky_ex(L, Tensor._make(info))


def _cholesky_info(a: np.ndarray) -> np.ndarray:
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    info = np.zeros(flat.shape[0], np.int32)
    for i, m in enumerate(flat):
        try:
            if np.isfinite(np.linalg.cholesky(m)).all():
                continue
        except np.linalg.LinAlgError:
            pass
        info[i] = first_bad_minor(np, m)
    return info.reshape(a.shape[:-2])


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out: Any = None) -> Any:
    """(result, info): `solve` that reports a singular A in `info` (its first zero pivot) instead of raising.

    Args:
        A (Tensor): a square matrix or a batch of them, shape (*, n, n).
        B (Tensor): the right-hand side, shape (*, n, k) or (*, n).
        left (bool): solve A X = B (default True); False solves X A = B.
        check_errors (bool): raise LinAlgError on a singular A anyway (default False).
        out (tuple of Tensor, optional): `(result, info)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(result, info)`; info (int32, shape (*)) is 0 on success.

    Examples:
        >>> A = retrograd.tensor([[2.0, 0.0], [0.0, 4.0]])
        >>> retrograd.linalg.solve_ex(A, retrograd.tensor([2.0, 2.0]))
        retrograd.return_types.linalg_solve_ex(
        result=tensor([1.0000, 0.5000]),
        info=tensor(0, dtype=retrograd.int32))
    """
    if out is not None:
        return write_out(out, solve_ex, locals(), SAME)
    if _vmap.active and (r := batched("loop", solve_ex, A, B, left=left, check_errors=check_errors)) is not NOT_BATCHED:
        return r
    from .lu import lu_factor_ex

    vec = check_solve_arguments(A, B, left)
    info = lu_factor_ex(A.detach()).info
    if not bool((info._data != 0).any()):
        try:
            return linalg_solve_ex(solve(A, B, left=left), info)
        except LinAlgError:  # LAPACK met an exact zero pivot where this LU's rounding did not
            pass
    elif check_errors:
        raise singular_system_error(namespace(A._data), A._data, "torch.linalg.solve_ex")
    return linalg_solve_ex(_lu_solve_unchecked(A, B, left, vec), info)


def _lu_solve_unchecked(A: Tensor, B: Tensor, left: bool, vec: bool) -> Tensor:
    """X from A's LU factors whatever its pivots: a zero pivot gives inf and nan, as LAPACK's getrs
    does for PyTorch, where a singular matrix of the batch no longer blanks the others."""
    from .lu import lu_factor_ex, lu_solve

    LU, pivots, _ = lu_factor_ex(A)
    with np.errstate(divide="ignore", invalid="ignore"):
        X = lu_solve(LU, pivots, B.unsqueeze(-1) if vec else B, left=left)
    return X.squeeze(-1) if vec else X
