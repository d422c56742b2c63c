"""Inverses and factorizations: inv, det, slogdet, solve, cholesky, qr.

Forwards call the backend's LAPACK wrappers (`xp.linalg`, batched over leading dims);
each derivative is the standard matrix-calculus formula written with retrograd's
products, so it is differentiable again. Errors carry PyTorch's messages, and a
matrix the algorithm cannot handle raises `LinAlgError` (a RuntimeError).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import backend
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...return_types import linalg_inv_ex, linalg_qr, linalg_slogdet
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.arg_types import bool_arg
from ..kernels.out_arg import SAME, write_out
from .common import (
    LinAlgError,
    batch_prefix,
    broadcast_batch,
    check_matrix,
    const,
    eye_like,
    tril_mask,
)

__all__ = ["inv", "inv_ex", "det", "slogdet", "solve", "cholesky", "qr", "LinAlgError"]


def _lu_info(xp: Any, a: Any) -> Any:
    """LAPACK getrf's `info` per matrix: the 1-based index of the first zero pivot, else 0.

    Only run after the backend reported a singular matrix, to word the error like PyTorch.
    """
    n = a.shape[-1]
    lu = a.reshape(-1, n, n).astype(a.dtype, copy=True)
    rows = xp.arange(lu.shape[0])
    info = xp.zeros(lu.shape[0], dtype=xp.int32)
    for k in range(n):  # partial pivoting, all matrices at once
        p = xp.argmax(xp.abs(lu[:, k:, k]), axis=1) + k
        pivot = lu[rows, p, k]
        info[(pivot == 0) & (info == 0)] = k + 1
        top = lu[rows, p].copy()
        lu[rows, p] = lu[:, k]
        lu[:, k] = top
        factor = lu[:, k + 1 :, k] / xp.where(pivot == 0, 1, pivot)[:, None]
        lu[:, k + 1 :, k:] -= factor[:, :, None] * lu[:, None, k, k:]
    return info.reshape(a.shape[:-2])


def _singular_error(xp: Any, a: Any) -> LinAlgError:
    info = _lu_info(xp, a).reshape(-1)
    i = int(xp.flatnonzero(info)[0]) if info.any() else 0
    return LinAlgError(
        f"linalg.inv: {batch_prefix(i, a.ndim > 2)}The diagonal element {int(info[i]) or a.shape[-1]} is zero, "
        "the inversion could not be completed because the input matrix is singular."
    )


def singular_system_error(xp: Any, a: Any, fname: str) -> LinAlgError:
    """PyTorch's error for a singular A in a solve, naming the first such matrix of A's own batch."""
    info = _lu_info(xp, a).reshape(-1)
    i = int(xp.flatnonzero(info)[0]) if info.any() else 0
    return LinAlgError(f"{fname}: {batch_prefix(i, a.ndim > 2)}The solver failed because the input matrix is singular.")


def _inv_forward(xp: Any, a: Any) -> Any:
    try:
        return xp.linalg.inv(a)
    except xp.linalg.LinAlgError:
        raise _singular_error(xp, a) from None


def _inv_ex_forward(xp: Any, a: Any) -> Any:
    """The inverse, with NaN (instead of an error) for singular matrices."""
    try:
        return xp.linalg.inv(a)
    except xp.linalg.LinAlgError:
        bad = (_lu_info(xp, a) != 0)[..., None, None]
        out = xp.linalg.inv(xp.where(bad, xp.eye(a.shape[-1], dtype=a.dtype), a))
        return xp.where(bad, xp.nan, out).astype(a.dtype)


def _inv_rule(g: Tensor, out: Tensor) -> Tensor:
    return -(out.mT @ g @ out.mT)  # d(A⁻¹) = -A⁻¹ dA A⁻¹  ⇒  ḡ = -A⁻ᵀ g A⁻ᵀ


_inv = Primitive(
    "linalg_inv", _inv_forward, [_inv_rule], node_name="LinalgInvExBackward0", holomorphic=True
)
_inv_ex = Primitive("linalg_inv_ex", _inv_ex_forward, [_inv_rule], holomorphic=True)


def inv(A: Tensor, *, out: Any = None) -> Tensor:
    """Inverse of each square matrix in A `(*, n, n)`; LinAlgError if one is singular.

    Args:
        A (Tensor): square matrices `(*, n, n)`, floating point or complex.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the inverses, of A's shape.

    Examples:
        >>> A = retrograd.tensor([[2.0, 0.0], [0.0, 4.0]])
        >>> retrograd.linalg.inv(A)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, inv, locals(), SAME)
    check_matrix(A, "linalg.inv")
    return _inv(A)


def inv_ex(A: Tensor, *, check_errors: bool = False, out: Any = None) -> Any:
    """(inverse, info): info (int32) is nonzero where a matrix is singular (its inverse is then NaN).

    Args:
        A (Tensor): a square matrix or a batch of them, shape (*, n, n).
        check_errors (bool): raise LinAlgError on a singular matrix anyway (default False).
        out (tuple of Tensor, optional): `(inverse, info)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(inverse, info)`; info has shape (*).

    Examples:
        >>> retrograd.linalg.inv_ex(retrograd.tensor([[2.0, 0.0], [0.0, 4.0]]))
        retrograd.return_types.linalg_inv_ex(
        inverse=tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]]),
        info=tensor(0, dtype=retrograd.int32))
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, inv_ex, locals(), SAME)
    check_matrix(A, "linalg.inv_ex")
    if _vmap.active:
        r = batched("elementwise", lambda a: inv_ex(a, check_errors=check_errors), A)
        if r is not NOT_BATCHED:
            return r
    result = inv(A) if check_errors else _inv_ex(A)
    xp = backend.namespace(A._data)
    if xp.isnan(result._data).any():
        info = _lu_info(xp, A._data)
    else:
        info = xp.zeros(A._data.shape[:-2], dtype=xp.int32)
    return linalg_inv_ex(result, Tensor._make(info))


# --- determinants ------------------------------------------------------------------------------

def _det_rule(g: Tensor, a: Tensor, out: Tensor) -> Tensor:
    # d det(A) = det(A) tr(A⁻¹ dA)  ⇒  ḡ = g det(A) A⁻ᵀ, the cofactor matrix times g
    if (out._data != 0).all():
        return (g * out).unsqueeze(-1).unsqueeze(-1) * _inv(a).mT
    return g.unsqueeze(-1).unsqueeze(-1) * _cofactor_svd(a)


def _cofactor_svd(a: Tensor) -> Tensor:
    """Cofactors of possibly singular matrices: det(U)det(Vh) · U diag(Π_{j≠i} s_j) Vh."""
    from .spectral import _svd

    U, S, Vh = _svd(a, full_matrices=False)
    sign = _orientation(U) * _orientation(Vh)
    n = S.shape[-1]
    eye = eye_like(S, n)
    others = S.unsqueeze(-2) * (1 - eye) + eye  # row i: s_j for j ≠ i, 1 for j = i
    prod = others @ eye_like(S, n, 1)  # column 0
    for j in range(1, n):  # a product over the n columns, each step vectorised
        prod = prod * (others @ eye_like(S, n, 1, -j))
    return (U * prod.mT) @ Vh * const(S, sign).unsqueeze(-1).unsqueeze(-1)


def _orientation(q: Tensor) -> Any:
    """det(Q) = ±1 of orthogonal matrices, a constant (it cannot change under small moves)."""
    xp = backend.namespace(q._data)
    return xp.sign(xp.linalg.det(q._data))


_det = Primitive("linalg_det", lambda xp, a: xp.linalg.det(a), [_det_rule], quiet=True, holomorphic=True)
def _slogdet_rule(g: tuple, a: Tensor, out: tuple) -> Tensor:
    # d log det A = tr(A⁻¹ dA) =: dz, with d log|det A| = Re dz. A real sign is locally constant;
    # a complex one, s = e^{iθ}, turns by dθ = Im dz. Both give ḡ = conj(w) A⁻ᴴ for one scalar w.
    coefficient = g[1]
    if a.is_complex():
        coefficient = coefficient - 1j * (g[0].conj() * out[0]).imag
        return coefficient.unsqueeze(-1).unsqueeze(-1) * _inv_ex(a).mH
    return coefficient.unsqueeze(-1).unsqueeze(-1) * _inv_ex(a).mT


_slogdet = Primitive(
    "linalg_slogdet", lambda xp, a: tuple(xp.linalg.slogdet(a)), [_slogdet_rule], n_outputs=2, quiet=True
)


def det(A: Tensor, *, out: Any = None) -> Tensor:
    """Determinant of each square matrix in A (*, n, n), shape (*).

    Args:
        A (Tensor): a square matrix or a batch of them, floating or complex.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (*).

    Examples:
        >>> A = retrograd.tensor([[[1.0, 2.0], [3.0, 4.0]], [[2.0, 0.0], [0.0, 2.0]]])
        >>> retrograd.linalg.det(A)
        tensor([-2.,  4.])
    """
    if out is not None:
        return write_out(out, det, locals(), SAME)
    check_matrix(A, "linalg.det")
    return _det(A)


def slogdet(A: Tensor, *, out: Any = None) -> Any:
    """(sign, logabsdet) of the determinants of A (*, n, n).

    Steadier than `log(det(A))` when the determinant under- or overflows.

    Args:
        A (Tensor): a square matrix or a batch of them, floating or complex.
        out (tuple of Tensor, optional): `(sign, logabsdet)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(sign, logabsdet)`, each of shape (*); det = sign * exp(logabsdet).

    Examples:
        >>> retrograd.linalg.slogdet(retrograd.tensor([[0.0, 2.0], [3.0, 0.0]]))
        retrograd.return_types.linalg_slogdet(
        sign=tensor(-1.),
        logabsdet=tensor(1.7918))
    """
    if out is not None:
        return write_out(out, slogdet, locals(), SAME)
    check_matrix(A, "linalg.slogdet")
    return linalg_slogdet(*_slogdet(A))


# --- linear systems ----------------------------------------------------------------------------

def _solve_forward(xp: Any, a: Any, b: Any, vec: bool, left: bool) -> Any:
    if not left:  # X A = B  ⇔  Aᵀ Xᵀ = Bᵀ
        a, b = a.swapaxes(-1, -2), b.swapaxes(-1, -2)
    b = b[..., None] if vec else b
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])  # CuPy's solve does not broadcast batches
    try:
        x = xp.linalg.solve(xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:]))
    except xp.linalg.LinAlgError:
        raise singular_system_error(xp, a, "torch.linalg.solve") from None
    if vec:
        return x[..., 0]
    return x if left else x.swapaxes(-1, -2)


def _solve_grad_a(g: Tensor, a: Tensor, out: Tensor, vec: bool, left: bool) -> Tensor:
    gb = _solve(a.mH, g, vec=vec, left=left)
    if vec:
        return -gb.unsqueeze(-1) * out.conj().unsqueeze(-2)  # -A⁻ᵀg xᵀ (ᴴ for complex)
    return -(gb @ out.mH) if left else -(out.mH @ gb)  # AX=B: -A⁻ᵀG Xᵀ;  XA=B: -Xᵀ G A⁻ᵀ


_solve: Primitive = Primitive(
    "linalg_solve_ex", _solve_forward,
    [_solve_grad_a, lambda g, a, vec, left: _solve(a.mH, g, vec=vec, left=left)],  # B̄ = A⁻ᴴ G
    inputs=("a", "b"),
)


def solve(A: Tensor, B: Tensor, *, left: bool = True, out: Any = None) -> Tensor:
    """X with A X = B (or X A = B when left=False); A `(*, n, n)`, B `(*, n, k)` or `(*, n)`.

    Prefer it to `inv(A) @ B`: it is faster and more accurate.

    Args:
        A (Tensor): square matrices `(*, n, n)`, invertible.
        B (Tensor): right-hand sides `(*, n, k)`, or vectors `(*, n)`; batch dims broadcast.
        left (bool): solve `A X = B` (default) or `X A = B`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: X, of B's (broadcast) shape; LinAlgError if A is singular.

    Examples:
        >>> A = retrograd.tensor([[2.0, 0.0], [1.0, 1.0]])
        >>> retrograd.linalg.solve(A, retrograd.tensor([4.0, 3.0]))
        tensor([2., 1.])
    """
    if _autocasting[0]:
        A, B = _float32(A, B)
    if out is not None:
        return write_out(out, solve, locals(), SAME)
    vec = check_solve_arguments(A, B, left)
    return _solve(A, B, vec=vec, left=left)


def check_solve_arguments(A: Tensor, B: Tensor, left: bool) -> bool:
    """`linalg.solve`'s checks of A and B, in PyTorch's order and words; whether B is a vector."""
    check_matrix(A, "linalg.solve")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{A.dtype.kind_name} and B of type {B.dtype.kind_name} instead"
        )
    sa, sb = A._data.shape, B._data.shape
    if not sb:  # PyTorch's wording, although a vector B is accepted
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    vec = len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])  # B is a column: X A = B cannot hold
    rows = sb[-1] if vec else sb[-2] if left else sb[-1]
    if (vec and (not left or sb[-1] != sa[-1])) or (not vec and rows != sa[-1]):
        shape_b = f"{sb[-1]}x1" if vec else "x".join(map(str, sb[-2:]))
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation {eq} ({sa[-2]}x{sa[-1]} and {shape_b})"
        )
    broadcast_batch(sb[:-1] if vec else sb[:-2], sa[:-2])  # its error names B's batch size first
    return vec


# --- Cholesky ------------------------------------------------------------------------------

def _cholesky_forward(xp: Any, a: Any, upper: bool, fname: str) -> Any:
    if upper:  # read A's upper triangle, as LAPACK's 'U' does: NumPy reads the lower one, here Aᴴ's
        a = a.swapaxes(-1, -2)
        a = xp.conj(a) if a.dtype.kind == "c" else a
    try:
        L = xp.linalg.cholesky(a)
    except xp.linalg.LinAlgError:
        raise not_positive_definite_error(xp, a, fname) from None
    if not xp.isfinite(L).all():  # NaN in the input: LAPACK (and PyTorch) call that a failed minor
        raise not_positive_definite_error(xp, a, fname)
    if not upper:
        return L
    U = L.swapaxes(-1, -2)  # U = Lᴴ
    return xp.conj(U) + 0 if U.dtype.kind == "c" else U.copy()  # + 0: conj's -0j zeros print as +0j


def first_bad_minor(xp: Any, m: Any) -> int:
    """The order of the first leading minor of `m` whose Cholesky factorization fails (raises, or
    meets a NaN), as LAPACK's `info` reports it; 0 when `m` is positive-definite."""
    for k in range(1, m.shape[-1] + 1):
        try:
            if not xp.isfinite(xp.linalg.cholesky(m[:k, :k])).all():
                return k
        except xp.linalg.LinAlgError:
            return k
    return 0


def not_positive_definite_error(xp: Any, a: Any, fname: str) -> LinAlgError:
    """PyTorch's LinAlgError for `a`, which is not positive-definite, as `fname` words it."""
    n = a.shape[-1]
    for i, m in enumerate(a.reshape(-1, n, n)):  # error path only: find the matrix and its first bad minor
        k = first_bad_minor(xp, m)
        if k:
            return LinAlgError(
                f"{fname}: {batch_prefix(i, a.ndim > 2)}The factorization could not be completed because "
                f"the input is not positive-definite (the leading minor of order {k} is not positive-definite)."
            )
    return LinAlgError(f"{fname}: The factorization could not be completed because the input is not positive-definite.")


def _cholesky_rule(g: Tensor, out: Tensor, upper: bool) -> Tensor:
    # Murray (2016): Ā = L⁻ᴴ Φ(Lᴴ L̄) L⁻¹, Φ = the lower triangle with half the diagonal, made Hermitian
    L, gL = (out.mH, g.mH) if upper else (out, g)
    n = L.shape[-1]
    phi = (L.mH @ gL) * tril_mask(L, n)
    phi = 0.5 * (phi + (phi * tril_mask(L, n, -1)).mH)
    x = _solve(L.mH, phi, vec=False, left=True)       # L⁻ᴴ Φ
    return _solve(L, x, vec=False, left=False)        # (L⁻ᴴ Φ) L⁻¹


_cholesky = Primitive("linalg_cholesky_ex", _cholesky_forward, [_cholesky_rule])
_cholesky_legacy = Primitive("cholesky", _cholesky_forward, [_cholesky_rule])


def cholesky(A: Tensor, *, upper: bool = False, out: Any = None) -> Tensor:
    """L with A = L Lᵀ for symmetric positive-definite A (*, n, n); U = Lᵀ when upper=True.

    For complex A, Hermitian positive-definite, A = L Lᴴ. Only the lower triangle is read.

    Args:
        A (Tensor): a positive-definite matrix or batch, shape (*, n, n).
        upper (bool): return the upper factor U = Lᴴ (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the triangular factor, `A`'s shape; LinAlgError if A is not positive-definite.

    Examples:
        >>> retrograd.linalg.cholesky(retrograd.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
        >>> retrograd.linalg.cholesky(retrograd.tensor([[4.0, 2.0], [2.0, 5.0]]), upper=True)
        tensor([[2., 1.],
                [0., 2.]])
    """
    bool_arg("linalg_cholesky", "upper", None, upper)
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, cholesky, locals(), SAME)
    check_matrix(A, "linalg.cholesky")
    return _cholesky(A, upper=upper, fname="linalg.cholesky")


# --- QR -----------------------------------------------------------------------------------------

def _qr_forward(xp: Any, a: Any, mode: str) -> tuple:
    if mode == "r":
        return xp.empty((0,), dtype=a.dtype), xp.linalg.qr(a, mode="r")
    q, r = xp.linalg.qr(a, mode=mode)
    return q, r


def _copyltu(m: Tensor) -> Tensor:
    """The lower triangle mirrored onto the upper one: tril(M) + tril(M, -1)ᴴ.

    For complex M only the real part of the diagonal stays: R's diagonal is real, so the
    imaginary part of that diagonal belongs to Q's (skew-Hermitian) change.
    """
    n = m.shape[-1]
    low = m * tril_mask(m, n, -1)
    return low + low.mH + (m.real if m.is_complex() else m) * eye_like(m, n)


def _qr_tall(gQ: Tensor, gR: Tensor, Q: Tensor, R: Tensor) -> Tensor:
    # m ≥ n: Ā = (Q̄ + Q copyltu(M)) R⁻ᴴ with M = R R̄ᴴ - Q̄ᴴ Q
    M = R @ gR.mH - gQ.mH @ Q
    b = gQ + Q @ _copyltu(M)
    return _solve(R.mH, b, vec=False, left=False)


def _qr_rule(g: tuple, out: tuple, mode: str) -> Tensor:
    gQ, gR = g
    Q, R = out
    if mode == "r":
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
            "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."
        )
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
    if m >= n:
        return _qr_tall(gQ, gR, Q, R)
    # m < n: A = Q [U | V] with X = Q U square; V = Qᴴ Y feeds Q̄ through Y = Q V
    first, rest = eye_like(R, n, m), eye_like(R, n, n - m, -m)  # column selectors
    U, V, gU, gV = R @ first, R @ rest, gR @ first, gR @ rest
    gX = _qr_tall(gQ + (Q @ V) @ gV.mH, gU, Q, U)
    return gX @ first.mT + (Q @ gV) @ rest.mT


_qr = Primitive("linalg_qr", _qr_forward, [_qr_rule], n_outputs=2)


def qr(A: Tensor, mode: str = "reduced", *, out: Any = None) -> Any:
    """(Q, R) with A = Q R; mode 'reduced' (Q (*, m, k)), 'complete' (Q (*, m, m)) or 'r' (Q empty).

    Q has orthonormal columns and R is upper triangular; k = min(m, n).

    Args:
        A (Tensor): a matrix or a batch of them, shape (*, m, n).
        mode (str): 'reduced' (default), 'complete' or 'r' (R only).
        out (tuple of Tensor, optional): `(Q, R)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(Q, R)`.

    Examples:
        >>> Q, R = retrograd.linalg.qr(retrograd.tensor([[3.0, 1.0], [4.0, 2.0], [0.0, 0.0]]))
        >>> Q.shape, R.shape
        (retrograd.Size([3, 2]), retrograd.Size([2, 2]))
        >>> retrograd.linalg.qr(retrograd.tensor([[3.0, 1.0], [4.0, 2.0]]), mode="r").R
        tensor([[-5.0000, -2.2000],
                [ 0.0000,  0.4000]])
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, qr, locals(), SAME)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'"
        )
    check_matrix(A, "linalg.qr", square=False)
    return linalg_qr(*_qr(A, mode=mode))

