"""Triangular solves and the LU factorization: solve_triangular, lu, lu_factor(_ex), lu_solve.

`lu` is the one primitive: partial pivoting as LAPACK's getrf does it (the first largest
|entry| in the column; |re| + |im| for complex), batched over leading dims. Its derivative is
PyTorch's (for square matrices Ā = P L⁻ᴴ [tril₋₁(Lᴴ L̄) + triu(Ū Uᴴ)] U⁻ᴴ, with the
wide and tall variants below), and the others are compositions of it and the triangular solve (a
primitive of its own, in `substitution`), so they differentiate through those.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ... import return_types
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from .. import autocast_policy as _autocast
from ..kernels.arg_types import bool_arg
from ..kernels.out_arg import SAME, same, write_out
from .common import (
    batch_prefix,
    check_matrix,
    check_solve_shapes,
    eye_like,
    floating_kernel,
    refuse_low_precision,
)
from .substitution import solve_triangular_primitive

__all__: list[str] = []  # torch.linalg names only: retrograd.linalg gathers them

linalg_lu = return_types.linalg_lu
linalg_lu_factor = return_types.linalg_lu_factor
linalg_lu_factor_ex = return_types.linalg_lu_factor_ex


def _lu_forward(xp: Any, a: Any) -> tuple:
    """(P, L, U, pivots, info) with A = P L U; pivots 1-based as LAPACK's, info the first zero pivot."""
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    work = np.array(a, copy=True).reshape(math.prod(batch), m, n)  # (not -1: ambiguous for an empty matrix)
    count = work.shape[0]
    rows = np.arange(count)
    perm = np.tile(np.arange(m), (count, 1))
    pivots = np.zeros((count, k), np.int32)
    info = np.zeros(count, np.int32)
    for j in range(k):
        column = work[:, j:, j]
        size = np.abs(column.real) + np.abs(column.imag) if np.iscomplexobj(work) else np.abs(column)
        p = j + np.argmax(size, axis=1)
        pivots[:, j] = p + 1
        work[rows, j], work[rows, p] = work[rows, p].copy(), work[rows, j].copy()
        perm[rows, j], perm[rows, p] = perm[rows, p].copy(), perm[rows, j].copy()
        pivot = work[:, j, j]
        zero = pivot == 0
        info = np.where(zero & (info == 0), j + 1, info).astype(np.int32)
        scale = np.where(zero, 0, 1 / np.where(zero, 1, pivot))
        work[:, j + 1 :, j] *= scale[:, None]
        work[:, j + 1 :, j + 1 :] -= work[:, j + 1 :, j, None] * work[:, j, None, j + 1 :]
    L = np.tril(work[:, :, :k], -1) + np.eye(m, k, dtype=work.dtype)
    U = np.triu(work[:, :k, :])
    P = np.zeros((count, m, m), work.dtype)
    P[rows[:, None], perm, np.arange(m)] = 1  # row perm[i] of A is row i of L U
    shape = batch
    return (
        P.reshape(shape + (m, m)), L.reshape(shape + (m, k)), U.reshape(shape + (k, n)),
        pivots.reshape(shape + (k,)), info.reshape(shape),
    )


def _lu_rule(g: tuple, out: tuple) -> Tensor:
    _, gL, gU = g
    P, L, U = out
    m, n = L.shape[-2], U.shape[-1]
    if m < n:
        return P @ _lu_wide(gL, gU, L, U, m)
    if m > n:
        return P @ _lu_tall(gL, gU, L, U, n)
    phi = (L.mH @ gL).tril(-1) + (gU @ U.mH).triu()
    x = solve_triangular(L.mH, phi, upper=True, unitriangular=True)  # L⁻ᴴ Φ
    return P @ solve_triangular(U.mH, x, upper=False, left=False)  # P (L⁻ᴴ Φ) U⁻ᴴ


def _lu_wide(gL: Tensor, gU: Tensor, L: Tensor, U: Tensor, k: int) -> Tensor:
    """m < n, U = [U₁ U₂]: Ā = L⁻ᴴ [Ū₁ + tril₋₁(Lᴴ L̄ - Ū Uᴴ) U₁⁻ᴴ,  Ū₂] (before P)."""
    from ..shape.join import cat

    gL, gU = gL.tril(-1), gU.triu()
    U1 = U[..., :, :k]
    x = solve_triangular(U1.mH, (L.mH @ gL - gU @ U.mH).tril(-1), upper=False, left=False)
    x = cat([x + gU[..., :, :k], gU[..., :, k:]], -1)
    return solve_triangular(L.mH, x, upper=True, unitriangular=True)


def _lu_tall(gL: Tensor, gU: Tensor, L: Tensor, U: Tensor, k: int) -> Tensor:
    """m > n, L = [L₁; L₂]: Ā = [L̄₁ + L₁⁻ᴴ triu(Ū Uᴴ - Lᴴ L̄);  L̄₂] U⁻ᴴ (before P)."""
    from ..shape.join import cat

    gL = cat([gL[..., :k, :].tril(-1), gL[..., k:, :]], -2)
    gU = gU.triu()
    L1 = L[..., :k, :]
    x = solve_triangular(L1.mH, (gU @ U.mH - L.mH @ gL).triu(), upper=True, unitriangular=True)
    x = cat([x + gL[..., :k, :], gL[..., k:, :]], -2)
    return solve_triangular(U.mH, x, upper=False, left=False)


_lu = Primitive("linalg_lu", _lu_forward, [_lu_rule], n_outputs=3, extras=("pivots", "info"))


def _check_float(A: Tensor, fname: str) -> None:
    """PyTorch's refusals for the LU factorizations: fewer than 2 dims, then a dtype without an lu_cpu kernel."""
    if A._data.ndim < 2:
        prefix = "linalg.lu" if fname == "linalg.lu" else "torch.lu_factor"
        raise RuntimeError(f"{prefix}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    floating_kernel(A, "lu_cpu")
    refuse_low_precision(A, "linalg.lu")


def lu(A: Tensor, *, pivot: bool = True, out: Any = None) -> Any:
    """(P, L, U) with A = P L U: P a permutation, L unit lower (m, k), U upper (k, n), k = min(m, n).

    Args:
        A (Tensor): a matrix or a batch of them, shape (*, m, n).
        pivot (bool): pivot rows (default True; False is not supported on CPU, as in PyTorch).
        out (tuple of Tensor, optional): `(P, L, U)` tensors to write into.

    Returns:
        (Tensor, Tensor, Tensor): a named tuple `(P, L, U)`.

    Examples:
        >>> P, L, U = retrograd.linalg.lu(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> L
        tensor([[1.0000, 0.0000],
                [0.3333, 1.0000]])
        >>> U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(lu, A, pivot=pivot, out=out)
    if out is not None:
        return write_out(out, lu, locals(), SAME)
    bool_arg("linalg_lu", "pivot", None, pivot)
    _check_float(A, "linalg.lu")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    P, L, U = _lu(A)
    return linalg_lu(P, L, U)


def _factor(A: Tensor, fname: str, pivot: bool) -> tuple:
    _check_float(A, fname)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    _, L, U = _lu(A)
    k = min(A.shape[-2:])
    packed = L.tril(-1)
    m, n = A.shape[-2:]
    if m > n:
        LU = _stack_rows(packed, U, k)
    else:  # wide: L's strict lower part sits in the first m columns
        LU = U + (packed if m == n else packed @ eye_like(packed, m, n))
    pivots, info = _extras(A)  # the forward again, for the integer outputs (deterministic)
    return LU, pivots, info


def _stack_rows(packed: Tensor, U: Tensor, k: int) -> Tensor:
    """A tall LU: the k×k top (strict lower of L plus U) over L's remaining rows."""
    from ..shape.join import cat

    return cat([packed[..., :k, :] + U, packed[..., k:, :]], -2)


def _extras(A: Tensor) -> tuple:
    *_, pivots, info = _lu_forward(np, A._data)
    return Tensor._make(pivots), Tensor._make(info)


def lu_factor(A: Tensor, *, pivot: bool = True, out: Any = None) -> Any:
    """(LU, pivots): L (strictly below the diagonal, unit diagonal implied) and U packed in one matrix.

    Args:
        A (Tensor): a matrix or a batch of them, shape (*, m, n).
        pivot (bool): pivot rows (default True; False is not supported on CPU, as in PyTorch).
        out (tuple of Tensor, optional): `(LU, pivots)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(LU, pivots)`; pivots are 1-based int32, shape (*, min(m, n)).

    Examples:
        >>> retrograd.linalg.lu_factor(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        retrograd.return_types.linalg_lu_factor(
        LU=tensor([[3.0000, 4.0000],
                [0.3333, 0.6667]]),
        pivots=tensor([2, 2], dtype=retrograd.int32))
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(lu_factor, A, pivot=pivot, out=out)
    if out is not None:
        return write_out(out, lu_factor, locals(), SAME)
    if _vmap.active and (r := batched("elementwise", lu_factor, A, pivot=pivot)) is not NOT_BATCHED:
        return r
    bool_arg("linalg_lu_factor", "pivot", None, pivot)
    LU, pivots, info = _factor(A, "linalg.lu_factor", pivot)
    _check_pivots(info, "torch.linalg.lu_factor")
    return linalg_lu_factor(LU, pivots)


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out: Any = None) -> Any:
    """(LU, pivots, info): `lu_factor` that reports a zero pivot in `info` instead of raising.

    Args:
        A (Tensor): a matrix or a batch of them, shape (*, m, n).
        pivot (bool): pivot rows (default True).
        check_errors (bool): raise RuntimeError on a zero pivot anyway (default False).
        out (tuple of Tensor, optional): `(LU, pivots, info)` tensors to write into.

    Returns:
        (Tensor, Tensor, Tensor): a named tuple `(LU, pivots, info)`; info (int32, shape (*)) is 0,
            or the 1-based position of the first zero pivot.

    Examples:
        >>> retrograd.linalg.lu_factor_ex(retrograd.tensor([[1.0, 2.0], [2.0, 4.0]])).info
        tensor(2, dtype=retrograd.int32)
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(lu_factor_ex, A, pivot=pivot, check_errors=check_errors, out=out)
    if out is not None:
        return write_out(out, lu_factor_ex, locals(), SAME)
    if _vmap.active and (
        r := batched("elementwise", lu_factor_ex, A, pivot=pivot, check_errors=check_errors)
    ) is not NOT_BATCHED:
        return r
    bool_arg("linalg_lu_factor_ex", "pivot", None, pivot)
    bool_arg("linalg_lu_factor_ex", "check_errors", None, check_errors)
    LU, pivots, info = _factor(A, "linalg.lu_factor_ex", pivot)
    if check_errors:
        _check_pivots(info, "torch.linalg.lu_factor_ex")
    return linalg_lu_factor_ex(LU, pivots, info)


def _check_pivots(info: Tensor, fname: str) -> None:
    """PyTorch's refusal of a zero pivot, naming the first matrix of a batch that has one.

    A plain RuntimeError (PyTorch's TORCH_CHECK), not the LinAlgError of inv or cholesky.
    """
    infos = info._data.reshape(-1).tolist()
    bad = next((i for i, v in enumerate(infos) if v != 0), None)
    if bad is None:
        return
    j = infos[bad]
    raise RuntimeError(
        f"{fname}: {batch_prefix(bad, info.ndim > 0)}U[{j},{j}] is zero and using it on lu_solve would result "
        "in a division by zero. If you still want to perform the factorization, consider calling "
        "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
    )


def check_lu_pivots(pivots: Tensor, n: int, fname: str) -> None:
    """PyTorch's refusal of pivots that lu_factor cannot have produced (outside 1..n), which would index wrongly."""
    piv = pivots._data
    if piv.size == 0:
        return
    if fname == "lu_unpack":
        if piv.min() < 1 or piv.max() > n:
            raise RuntimeError(
                "pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive."
                "Did you properly pass the result of lu_factor?"
            )
        return
    if piv.min() < 1:
        raise RuntimeError(
            "Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass the result of lu_factor?"
        )
    if piv.max() > n:
        raise RuntimeError(
            "Pivots given to lu_solve must all be smaller or equal to LU.size(-2). "
            "Did you properly pass the result of lu_factor?"
        )


def _permutation(pivots: Tensor, n: int, like: Tensor) -> Tensor:
    """P (…, n, n) from LAPACK pivots: row swaps i <-> pivots[i] - 1 applied in order."""
    piv = pivots._data.astype(np.int64) - 1
    batch = piv.shape[:-1]
    flat = piv.reshape(-1, piv.shape[-1])
    perm = np.tile(np.arange(n), (flat.shape[0], 1))
    rows = np.arange(flat.shape[0])
    for j in range(flat.shape[1]):
        p = flat[:, j]
        perm[rows, j], perm[rows, p] = perm[rows, p].copy(), perm[rows, j].copy()
    P = np.zeros((flat.shape[0], n, n), like._data.dtype)
    P[rows[:, None], perm, np.arange(n)] = 1
    return Tensor._make(P.reshape(batch + (n, n)))


def lu_solve(
    LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False, out: Any = None
) -> Tensor:
    """X with A X = B (A = P L U given as `lu_factor` returns it); left=False: X A = B; adjoint: Aᴴ.

    Args:
        LU (Tensor): the packed factorization from `lu_factor`, shape (*, n, n).
        pivots (Tensor): its int32 pivots, shape (*, n).
        B (Tensor): the right-hand side, shape (*, n, k) (or (*, k, n) when not `left`).
        left (bool): solve A X = B (default True); False solves X A = B.
        adjoint (bool): use Aᴴ in place of A (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: X, `B`'s shape (batch dims broadcast).

    Examples:
        >>> LU, pivots = retrograd.linalg.lu_factor(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> retrograd.linalg.lu_solve(LU, pivots, retrograd.tensor([[5.0], [11.0]]))
        tensor([[1.],
                [2.]])
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(lu_solve, LU, pivots, B, left=left, adjoint=adjoint, out=out)
    if out is not None:
        return write_out(out, lu_solve, locals(), SAME)
    if _vmap.active and (r := batched("loop", lu_solve, LU, pivots, B, left=left, adjoint=adjoint)) is not NOT_BATCHED:
        return r
    _check_lu_solve(LU, pivots, B, left, adjoint)
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:  # the batch dims are checked later, by the solves
        check_solve_shapes(LU, B, left, "linalg.lu_solve")
    check_lu_pivots(pivots, n, "lu_solve")
    P = _permutation(pivots, n, LU)
    L = LU.tril(-1) + eye_like(LU, n)
    U = LU.triu()
    if left and not adjoint:  # P L U X = B
        return solve_triangular(U, solve_triangular(L, P.mT @ B, upper=False, unitriangular=True), upper=True)
    if left:  # Uᴴ Lᴴ Pᵀ X = B
        y = solve_triangular(L.mH, solve_triangular(U.mH, B, upper=False), upper=True, unitriangular=True)
        return P @ y
    if not adjoint:  # X P L U = B
        y = solve_triangular(L, solve_triangular(U, B, upper=True, left=False), upper=False, left=False,
                             unitriangular=True)
        return y @ P.mT
    # X Uᴴ Lᴴ Pᵀ = B:  X = B P L⁻ᴴ U⁻ᴴ
    y = solve_triangular(L.mH, B @ P, upper=True, left=False, unitriangular=True)
    return solve_triangular(U.mH, y, upper=False, left=False)


def _check_lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, left: bool, adjoint: bool) -> None:
    """PyTorch's refusals for lu_solve's arguments, in its order (dtypes, then shapes, then the kernel)."""
    bool_arg("linalg_lu_solve", "left", None, left)
    bool_arg("linalg_lu_solve", "adjoint", None, adjoint)
    if LU._data.dtype.kind not in "fc" and LU.dtype is not _dt.bfloat16:  # (an ml_dtypes array)
        raise RuntimeError(
            f"torch.linalg.lu_solve: Expected a floating point or complex tensor as input. Got {LU.dtype.kind_name}"
        )
    if LU.dtype != B.dtype:
        raise RuntimeError(
            f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type {LU.dtype.kind_name} "
            f"and B of type {B.dtype.kind_name} instead"
        )
    if pivots._data.dtype != np.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    check_matrix(LU, "torch.linalg.lu_solve", floating=False)
    if B._data.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(
            f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})"
        )
    if tuple(pivots.shape[-1:]) != (n,):
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix")
    if tuple(pivots.shape) != tuple(LU.shape[:-1]):
        raise RuntimeError(
            "linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots with shape "
            f"{list(pivots.shape)} instead"
        )
    if LU.dtype in (_dt.float16, _dt.bfloat16):
        raise NotImplementedError(f"\"linalg.lu_solve_cpu\" not implemented for '{LU.dtype.kind_name}'")


_REQUIRED: Any = object()  # solve_triangular's `upper` has no default: missing, it is PyTorch's parser error


def solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool = _REQUIRED, left: bool = True, unitriangular: bool = False, out: Any = None
) -> Tensor:
    """X with A X = B (X A = B when left=False) for triangular A; only A's `upper`/lower triangle is read.

    Args:
        A (Tensor): a triangular matrix or batch, shape (*, n, n).
        B (Tensor): the right-hand side, shape (*, n, k) (or (*, k, n) when not `left`).
        upper (bool): A is upper triangular (keyword, required).
        left (bool): solve A X = B (default True); False solves X A = B.
        unitriangular (bool): take A's diagonal as ones (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: X, `B`'s shape (batch dims broadcast).

    Examples:
        >>> A = retrograd.tensor([[2.0, 1.0], [0.0, 4.0]])
        >>> retrograd.linalg.solve_triangular(A, retrograd.tensor([[4.0], [8.0]]), upper=True)
        tensor([[1.],
                [2.]])
    """
    if upper is _REQUIRED:
        raise TypeError('linalg_solve_triangular() missing 1 required positional arguments: "upper"')
    for name, flag in (("upper", upper), ("left", left), ("unitriangular", unitriangular)):
        bool_arg("linalg_solve_triangular", name, None, flag)
    if out is not None:
        return write_out(out, solve_triangular, locals(), same("expected scalar type {src} but found {dst}"))
    check_matrix(A, "linalg.solve_triangular", floating=False, kernel_of="")  # dtypes: after the shapes
    if B._data.ndim < 2:
        raise RuntimeError(
            "linalg.solve_triangular: The input tensor B must have at least 2 dimensions."
        )
    check_solve_shapes(A, B, left, "linalg.solve_triangular")
    refuse_low_precision(A, "linalg.solve_triangular")
    if A._data.dtype.kind in "biu":  # the kernel runs in A's dtype, and has no integer version
        raise NotImplementedError(f"\"triangular_solve_cpu\" not implemented for '{A.dtype.kind_name}'")
    if A._data.dtype != B._data.dtype:  # PyTorch solves in A's dtype: B is cast to it (a complex B loses Im)
        B = B.to(A.dtype)
    return solve_triangular_primitive(A, B, upper=upper, left=left, unitriangular=unitriangular)
