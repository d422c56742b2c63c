"""The LDLᵀ factorization of symmetric matrices: ldl_factor, ldl_factor_ex, ldl_solve.

Bunch-Kaufman pivoting exactly as LAPACK's sytf2 does it (lower storage): 1×1 or 2×2
diagonal blocks, interchanges applied to the trailing matrix only, pivots 1-based and
negative for 2×2 blocks. Like PyTorch, neither function has a derivative: the outputs
record a node whose rule raises PyTorch's error.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import return_types
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.out_arg import SAME, write_out
from .common import LinAlgError, check_matrix

__all__: list[str] = []  # torch.linalg names only: retrograd.linalg gathers them

linalg_ldl_factor = return_types.linalg_ldl_factor
linalg_ldl_factor_ex = return_types.linalg_ldl_factor_ex

_ALPHA = (1 + math.sqrt(17)) / 8  # Bunch-Kaufman's growth bound


def _sytf2(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """One symmetric matrix: (LD lower, pivots, info) as LAPACK's sytf2 with uplo='L'."""
    n = a.shape[-1]
    work = np.tril(a) + np.tril(a, -1).T  # the symmetric matrix the lower triangle stands for
    ld = np.zeros_like(work)
    piv = np.zeros(n, np.int32)
    info = 0
    k = 0
    while k < n:
        step, kp = 1, k
        absakk = abs(work[k, k])
        imax = k + 1 + int(np.argmax(np.abs(work[k + 1 :, k]))) if k < n - 1 else k
        colmax = abs(work[imax, k]) if k < n - 1 else 0.0
        if max(absakk, colmax) == 0:
            info = info or k + 1
        elif absakk < _ALPHA * colmax:
            rowmax = np.max(np.abs(np.delete(work[imax, k:], imax - k)))
            if absakk >= _ALPHA * colmax * (colmax / rowmax):
                kp = k
            elif abs(work[imax, imax]) >= _ALPHA * rowmax:
                kp = imax
            else:
                kp, step = imax, 2
        kk = k + step - 1
        if kp != kk:  # symmetric interchange of kk and kp in the trailing matrix
            order = np.arange(n)
            order[kk], order[kp] = kp, kk
            work[k:, k:] = work[np.ix_(order[k:], order[k:])]
        if max(absakk, colmax) == 0:
            ld[k:, k] = work[k:, k]
        elif step == 1:
            d = work[k, k]
            col = work[k + 1 :, k] / d
            work[k + 1 :, k + 1 :] -= np.outer(col, work[k + 1 :, k])
            ld[k, k], ld[k + 1 :, k] = d, col
        else:
            D = work[k : k + 2, k : k + 2]
            rest = work[k + 2 :, k : k + 2]
            cols = rest @ np.linalg.inv(D)  # L's two columns below the block
            work[k + 2 :, k + 2 :] -= cols @ rest.T
            ld[k, k], ld[k + 1, k], ld[k + 1, k + 1] = D[0, 0], D[1, 0], D[1, 1]
            ld[k + 2 :, k : k + 2] = cols
        if step == 1:
            piv[k] = kp + 1
        else:
            piv[k] = piv[k + 1] = -(kp + 1)
        k += step
    return ld, piv, info


def _ldl_forward(xp: Any, a: Any) -> tuple:
    n = a.shape[-1]
    flat = np.asarray(a).reshape(-1, n, n)
    parts = [_sytf2(m) for m in flat]
    ld = np.stack([p[0] for p in parts]).reshape(a.shape) if parts else np.zeros(a.shape, a.dtype)
    piv = np.stack([p[1] for p in parts]).reshape(a.shape[:-1]) if parts else np.zeros(a.shape[:-1], np.int32)
    info = np.array([p[2] for p in parts], np.int32).reshape(a.shape[:-2])
    return ld, piv, info


def _refuse(name: str) -> Any:
    def rule(g: Tensor) -> Tensor:
        raise RuntimeError(f"derivative for aten::{name} is not implemented")

    return rule


_ldl_factor = Primitive(
    "linalg_ldl_factor_ex", lambda xp, a: _ldl_forward(xp, a)[0], [_refuse("linalg_ldl_factor_ex")]
)


def _factor(A: Tensor, hermitian: bool, fname: str) -> tuple:
    check_matrix(A, fname)
    if A.is_complex():
        raise NotImplementedError(f"retrograd: {fname} supports real matrices only (no complex LDL yet)")
    _, piv, info = _ldl_forward(np, A._data)
    return _ldl_factor(A), Tensor._make(piv), Tensor._make(info)


def ldl_factor(A: Tensor, *, hermitian: bool = False, out: Any = None) -> Any:
    """(LD, pivots) with A = P L D Lᵀ Pᵀ (Bunch-Kaufman): L unit lower, D 1×1 and 2×2 blocks, packed in LD.

    Args:
        A (Tensor): a symmetric (or Hermitian) matrix or batch, shape (*, n, n); only its lower
            triangle is read.
        hermitian (bool): treat complex A as Hermitian rather than symmetric (default False).
        out (tuple of Tensor, optional): `(LD, pivots)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(LD, pivots)`; pivots are int32 in LAPACK's sytrf form.

    Examples:
        >>> retrograd.linalg.ldl_factor(retrograd.tensor([[4.0, 2.0], [2.0, 3.0]]))
        retrograd.return_types.linalg_ldl_factor(
        LD=tensor([[4.0000, 0.0000],
                [0.5000, 2.0000]]),
        pivots=tensor([1, 2], dtype=retrograd.int32))
    """
    if out is not None:
        return write_out(out, ldl_factor, locals(), SAME, grad="copy")
    if _vmap.active and (r := batched("elementwise", ldl_factor, A, hermitian=hermitian)) is not NOT_BATCHED:
        return r
    LD, piv, info = _factor(A, hermitian, "torch.linalg.ldl_factor")
    if bool((info._data != 0).any()):
        raise LinAlgError(
            f"torch.linalg.ldl_factor: The factorization could not be completed because the input is singular "
            f"(D[{int(info._data.max())}] is exactly zero)."
        )
    return linalg_ldl_factor(LD, piv)


def ldl_factor_ex(A: Tensor, *, hermitian: bool = False, check_errors: bool = False, out: Any = None) -> Any:
    """(LD, pivots, info): `ldl_factor` reporting an exactly zero D block in `info` instead of raising.

    Args:
        A (Tensor): a symmetric (or Hermitian) matrix or batch, shape (*, n, n).
        hermitian (bool): treat complex A as Hermitian rather than symmetric (default False).
        check_errors (bool): raise on a failure anyway (default False).
        out (tuple of Tensor, optional): `(LD, pivots, info)` tensors to write into.

    Returns:
        (Tensor, Tensor, Tensor): a named tuple `(LD, pivots, info)`; info (int32, shape (*)) is 0
            on success.

    Examples:
        >>> retrograd.linalg.ldl_factor_ex(retrograd.tensor([[4.0, 2.0], [2.0, 3.0]])).info
        tensor(0, dtype=retrograd.int32)
    """
    if out is not None:
        return write_out(out, ldl_factor_ex, locals(), SAME, grad="copy")
    if _vmap.active and (
        r := batched("elementwise", ldl_factor_ex, A, hermitian=hermitian, check_errors=check_errors)
    ) is not NOT_BATCHED:
        return r
    LD, piv, info = _factor(A, hermitian, "torch.linalg.ldl_factor_ex")
    if check_errors and bool((info._data != 0).any()):
        raise LinAlgError(f"torch.linalg.ldl_factor_ex: D[{int(info._data.max())}] is exactly zero")
    return linalg_ldl_factor_ex(LD, piv, info)


def _sytrs(ld: np.ndarray, piv: np.ndarray, b: np.ndarray, hermitian: bool) -> np.ndarray:
    """One system A X = B from sytf2's factors (LAPACK's sytrs, lower; hetrs with `hermitian`)."""
    n = ld.shape[-1]
    lt = ld.conj() if hermitian else ld  # the entries of Lᴴ (Lᵀ for a symmetric A)
    x = b.copy()
    k = 0
    while k < n:  # L D Y = Pᵀ B, block by block
        if piv[k] > 0:
            kp = piv[k] - 1
            x[[k, kp]] = x[[kp, k]]
            x[k + 1 :] -= np.outer(ld[k + 1 :, k], x[k])
            x[k] /= ld[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            x[[k + 1, kp]] = x[[kp, k + 1]]
            x[k + 2 :] -= np.outer(ld[k + 2 :, k], x[k]) + np.outer(ld[k + 2 :, k + 1], x[k + 1])
            D = np.array([[ld[k, k], lt[k + 1, k]], [ld[k + 1, k], ld[k + 1, k + 1]]])
            x[k : k + 2] = np.linalg.solve(D, x[k : k + 2])
            k += 2
    k = n - 1
    while k >= 0:  # Lᵀ Pᵀ X = Y, backwards
        if piv[k] > 0:
            x[k] -= lt[k + 1 :, k] @ x[k + 1 :]
            kp = piv[k] - 1
            x[[k, kp]] = x[[kp, k]]
            k -= 1
        else:
            x[k] -= lt[k + 1 :, k] @ x[k + 1 :]
            x[k - 1] -= lt[k + 1 :, k - 1] @ x[k + 1 :]
            kp = -piv[k] - 1
            x[[k, kp]] = x[[kp, k]]
            k -= 2
    return x


def _ldl_solve_forward(xp: Any, ld: Any, b: Any, piv: Any, hermitian: bool) -> Any:
    n = ld.shape[-1]
    batch = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    lds = np.broadcast_to(ld, batch + (n, n)).reshape(-1, n, n)
    pivs = np.broadcast_to(piv, batch + (n,)).reshape(-1, n)
    bs = np.broadcast_to(b, batch + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    out = np.stack([_sytrs(l, p, v, hermitian) for l, p, v in zip(lds, pivs, bs)]) if bs.shape[0] else bs.copy()
    return out.reshape(batch + b.shape[-2:])


_ldl_solve = Primitive(
    "linalg_ldl_solve",
    _ldl_solve_forward,
    [_refuse("linalg_ldl_solve"), _refuse("linalg_ldl_solve")],
    inputs=("ld", "b"),
)


def ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, *, hermitian: bool = False, out: Any = None) -> Tensor:
    """X with A X = B, A given by `ldl_factor`'s (LD, pivots); B (*, n, k).

    Args:
        LD (Tensor): the packed factorization from `ldl_factor`, shape (*, n, n).
        pivots (Tensor): its int32 pivots, shape (*, n).
        B (Tensor): the right-hand side, shape (*, n, k).
        hermitian (bool): the factorization is of a Hermitian A (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: X, shape (*, n, k).

    Examples:
        >>> LD, pivots = retrograd.linalg.ldl_factor(retrograd.tensor([[4.0, 2.0], [2.0, 3.0]]))
        >>> retrograd.linalg.ldl_solve(LD, pivots, retrograd.tensor([[6.0], [5.0]]))
        tensor([[1.],
                [1.]])
    """
    if out is not None:
        return write_out(out, ldl_solve, locals(), SAME, grad="copy")
    if _vmap.active and (r := batched("loop", ldl_solve, LD, pivots, B, hermitian=hermitian)) is not NOT_BATCHED:
        return r
    check_matrix(LD, "torch.linalg.ldl_solve")
    if B._data.ndim < 2:  # PyTorch 2.13 has no check of its own: B's dim -2 is out of range
        if B._data.ndim == 0:
            raise IndexError("Dimension specified as -2 but tensor has no dimensions")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got -2)")
    if pivots._data.dtype != np.int32:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected pivots to be integers. Got {pivots.dtype.kind_name}")
    if LD._data.dtype != B._data.dtype:
        raise RuntimeError(
            f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, but found LD of type "
            f"{LD.dtype.kind_name} and B of type {B.dtype.kind_name} instead"
        )
    if B.shape[-2] != LD.shape[-1]:
        raise RuntimeError(
            f"torch.linalg.ldl_solve: Incompatible shapes of A and B for the equation AX = B "
            f"({LD.shape[-2]}x{LD.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})"
        )
    _check_ldl_pivots(pivots._data, LD.shape[-1])
    return _ldl_solve(LD, B, piv=pivots._data, hermitian=bool(hermitian) and LD.is_complex())


def _check_ldl_pivots(piv: Any, n: int) -> None:
    """PyTorch's refusal of pivots that ldl_factor cannot have produced (|pivot| outside 1..n)."""
    if piv.size == 0:
        return
    if abs(piv).min() < 1:
        raise RuntimeError(
            "Pivots given to ldl_solve must all satisfy |pivot| >= 1. Did you properly pass the result of ldl_factor?"
        )
    if abs(piv).max() > n:
        raise RuntimeError(
            "Pivots given to ldl_solve must all satisfy |pivot| <= LD.size(-2). "
            "Did you properly pass the result of ldl_factor?"
        )
