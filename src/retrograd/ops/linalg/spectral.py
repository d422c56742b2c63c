"""Spectral functions: svd, eigh, pinv, matrix_rank, matrix_exp.

The svd and eigh derivatives are PyTorch's: they assume distinct singular values
(eigenvalues) and are gauge-invariant, so only losses that do not depend on the
signs of the singular vectors (eigenvectors) have well-defined gradients.
"""

from __future__ import annotations

from typing import Any

from ... import backend
from ... import dtypes as _dt
from ...engine.primitive import Primitive, not_a_tensor
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...return_types import linalg_eigh, linalg_svd
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.arg_types import invalid_combination
from ..kernels.out_arg import SAME, safely_castable, write_out
from .common import (
    check_matrix,
    const,
    eigenvector_phase_error,
    eye_like,
    is_zero_leaf,
    phase_free,
    refuse_low_precision,
    svd_arrays,
)

__all__ = ["svd", "svdvals", "eigh", "eigvalsh", "pinv", "matrix_exp", "matrix_rank"]


# --- SVD --------------------------------------------------------------------------------------

def _svd_forward(xp: Any, a: Any, full_matrices: bool) -> tuple:
    U, S, Vh = svd_arrays(xp, a, full_matrices=full_matrices)
    return U, S, Vh


def _svd_rule(g: tuple, out: tuple, full_matrices: bool) -> Tensor:
    gU, gS, gVh = g
    U, S, Vh = out
    k = S.shape[-1]
    if full_matrices:  # only the first k singular vectors are determined by A
        m, n = U.shape[-1], Vh.shape[-2]
        if m > k:
            U, gU = (x @ eye_like(x, m, k) for x in (U, gU))
        if n > k:
            Vh, gVh = (eye_like(x, k, n) @ x for x in (Vh, gVh))
    return svd_backward(gU, gS, gVh, U, S, Vh)


def svd_backward(gU: Tensor, gS: Tensor, gVh: Tensor, U: Tensor, S: Tensor, Vh: Tensor) -> Tensor:
    """PyTorch's svd_backward for the thin SVD A = U diag(S) Vh (distinct singular values)."""
    m, n = U.shape[-2], Vh.shape[-1]
    no_u, no_v = is_zero_leaf(gU), is_zero_leaf(gVh)
    if no_u and no_v:  # svdvals: Ā = U diag(S̄) Vh
        return U @ (gS.unsqueeze(-1) * Vh) if m >= n else (U * gS.unsqueeze(-2)) @ Vh
    k = S.shape[-1]
    eye = eye_like(S, k)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye  # E[i, j] = s_j² - s_i², 1 on the diagonal
    ret = gS.unsqueeze(-1) * eye
    if not no_u:
        UhgU = U.mH @ gU
        ret = ret + (UhgU - UhgU.mH) * S.unsqueeze(-2) / E
    if not no_v:
        VhgV = Vh @ gVh.mH
        ret = ret + S.unsqueeze(-1) * (VhgV - VhgV.mH) / E
    if U.is_complex():  # the phases of the singular vectors (a loss must not depend on them)
        _check_svd_phases(None if no_u else _diagonal_imag(UhgU), None if no_v else _diagonal_imag(VhgV))
        phase = _diagonal_imag(UhgU) if not no_u else 0
        if not no_v:
            phase = (phase - _diagonal_imag(VhgV)) / 2 if not no_u else -_diagonal_imag(VhgV)
        ret = ret + (1j * phase / S).unsqueeze(-1) * eye
    if m > n and not no_u:  # Ā = [U ret + (I - U Uᴴ) Ū S⁻¹] Vh
        gUSinv = gU / S.unsqueeze(-2)
        return (U @ ret + gUSinv - U @ (U.mH @ gUSinv)) @ Vh
    if m < n and not no_v:  # Ā = U [ret Vh + S⁻¹ V̄ᴴ (I - V Vh)]
        SinvgVh = gVh / S.unsqueeze(-1)
        return U @ (ret @ Vh + SinvgVh - (SinvgVh @ Vh.mH) @ Vh)
    return U @ ret @ Vh


def _diagonal_imag(x: Tensor) -> Tensor:
    return x.diagonal(0, -2, -1).imag


def _check_svd_phases(im_UhgU: Tensor | None, im_VhgV: Tensor | None) -> None:
    # U -> U e^{iφ}, V -> V e^{iφ} leaves A alone, so a loss may see only Im diag(UᴴŪ) + Im diag(VᴴV̄) = 0
    if im_UhgU is None:
        ok = im_VhgV is None or phase_free(im_VhgV)
    else:
        ok = phase_free(im_UhgU, None if im_VhgV is None else -im_VhgV)
    if not ok:
        raise RuntimeError(
            "svd_backward: The singular vectors in the complex case are specified up to multiplication by "
            "e^{i phi}. The specified loss function depends on this phase term, making it ill-defined."
        )


_svd = Primitive("linalg_svd", _svd_forward, [_svd_rule], n_outputs=3)


def _check_driver(driver: str | None) -> None:
    if driver is not None:  # PyTorch's CPU kernels have no choice of LAPACK driver either
        raise RuntimeError(
            "torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with cuSOLVER backend."
        )


def svd(A: Tensor, full_matrices: bool = True, *, driver: str | None = None, out: Any = None) -> Any:
    """(U, S, Vh) with A = U diag(S) Vh; A (*, m, n), S (*, k) descending, k = min(m, n).

    Args:
        A (Tensor): a matrix or a batch of them, floating or complex.
        full_matrices (bool): square U (*, m, m) and Vh (*, n, n) (default True); False gives the
            reduced U (*, m, k) and Vh (*, k, n).
        driver (str, optional): accepted for PyTorch compatibility (a CUDA-only choice); must be None
            on CPU.
        out (tuple of Tensor, optional): `(U, S, Vh)` tensors to write into.

    Returns:
        (Tensor, Tensor, Tensor): a named tuple `(U, S, Vh)`; S is real. The signs of the singular
            vectors are not unique.

    Examples:
        >>> A = retrograd.tensor([[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]])
        >>> U, S, Vh = retrograd.linalg.svd(A, full_matrices=False)
        >>> S
        tensor([3., 2.])
        >>> U.shape, Vh.shape
        (retrograd.Size([3, 2]), retrograd.Size([2, 2]))
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, svd, locals(), SAME)
    _check_driver(driver)
    check_matrix(A, "linalg.svd", square=False)
    return linalg_svd(*_svd(A, full_matrices=full_matrices))


def svdvals(A: Tensor, *, driver: str | None = None, out: Any = None) -> Tensor:
    """The singular values of A (*, m, n), shape (*, k), in descending order.

    Args:
        A (Tensor): a matrix or a batch of them, floating or complex.
        driver (str, optional): accepted for PyTorch compatibility (a CUDA-only choice); must be None
            on CPU.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real, shape (*, min(m, n)).

    Examples:
        >>> retrograd.linalg.svdvals(retrograd.tensor([[0.0, 2.0], [-5.0, 0.0]]))
        tensor([5., 2.])
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, svdvals, locals(), SAME)
    _check_driver(driver)
    check_matrix(A, "linalg.svdvals", square=False)
    return _svd(A, full_matrices=False)[1]


# --- symmetric eigendecomposition -------------------------------------------------------------

def _eigh_rule(g: tuple, out: tuple) -> Tensor:
    # Ā = V (diag(L̄) + skew(Vᴴ V̄) / E) Vᴴ, E[i, j] = λ_j - λ_i
    gL, gV = g
    L, V = out
    if is_zero_leaf(gV):
        return V @ (gL.unsqueeze(-1).to(V.dtype) * V.mH)
    eye = eye_like(L, L.shape[-1])
    VhgV = V.mH @ gV
    if V.is_complex() and not phase_free(_diagonal_imag(VhgV)):  # the loss depends on each vector's phase
        raise eigenvector_phase_error("linalg_eigh_backward")
    E = L.unsqueeze(-2) - L.unsqueeze(-1) + eye
    inner = 0.5 * (VhgV - VhgV.mH) / E + gL.unsqueeze(-1) * eye
    return V @ inner @ V.mH


_eigh = Primitive(
    "linalg_eigh", lambda xp, a, uplo: tuple(xp.linalg.eigh(a, UPLO=uplo)), [_eigh_rule], n_outputs=2,
)


def eigh(A: Tensor, UPLO: str = "L", *, out: Any = None) -> Any:
    """(eigenvalues ascending (*, n), eigenvectors (*, n, n)) of symmetric A, reading one triangle.

    Args:
        A (Tensor): a symmetric (or Hermitian) matrix or batch, shape (*, n, n).
        UPLO (str): 'L' reads the lower triangle (default), 'U' the upper one.
        out (tuple of Tensor, optional): `(eigenvalues, eigenvectors)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(eigenvalues, eigenvectors)`; real eigenvalues, and
            orthonormal eigenvectors as columns (their signs are not unique).

    Examples:
        >>> L, Q = retrograd.linalg.eigh(retrograd.tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> L
        tensor([1., 3.])
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, eigh, locals(), SAME)
    check_matrix(A, "linalg.eigh", floating=False)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    if A._data.dtype.kind not in "fc":
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{A.dtype.kind_name}'")
    return linalg_eigh(*_eigh(A, uplo=UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L", *, out: Any = None) -> Tensor:
    """The eigenvalues of symmetric A, ascending.

    Args:
        A (Tensor): a symmetric (or Hermitian) matrix or batch, shape (*, n, n).
        UPLO (str): 'L' reads the lower triangle (default), 'U' the upper one.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real, shape (*, n).

    Examples:
        >>> retrograd.linalg.eigvalsh(retrograd.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    if _autocasting[0]:
        A = _float32(A)
    if out is not None:
        return write_out(out, eigvalsh, locals(), SAME)
    return eigh(A, UPLO).eigenvalues


# --- pseudo-inverse -----------------------------------------------------------------------------

def _pinv_forward(xp: Any, a: Any, atol: Any, rtol: Any, hermitian: bool) -> Any:
    if a.size == 0:
        return xp.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), dtype=a.dtype)
    if hermitian:
        w, V = xp.linalg.eigh(a)
        s, left, right = xp.abs(w), V, V
    else:
        left, s, right = svd_arrays(xp, a, full_matrices=False)
        right = xp.conj(right.swapaxes(-1, -2))
    values = w if hermitian else s
    tol = xp.maximum(xp.asarray(atol, dtype=a.dtype), rtol * s.max(-1, keepdims=True))
    keep = s > tol
    inverse = xp.where(keep, 1 / xp.where(keep, values, 1), 0).astype(a.dtype)
    return (right * inverse[..., None, :]) @ xp.conj(left.swapaxes(-1, -2))  # V S⁺ Uᴴ


def _pinv_rule(g: Tensor, a: Tensor, out: Tensor) -> Tensor:
    # PyTorch's pinv_backward (Golub & Pereyra), arranged to keep the matrices small
    m, n = a.shape[-2], a.shape[-1]
    P, Ph, gh = out, out.mH, g.mH
    if m <= n:
        K = gh @ P
        KPh = K @ Ph
        return -(P @ K).mH + KPh - (a @ P) @ KPh + (Ph @ P) @ (gh - K @ a)
    K = P @ gh
    PhK = Ph @ K
    return -(K @ P).mH + (gh - a @ K) @ P @ Ph + PhK - PhK @ P @ a


_pinv = Primitive("linalg_pinv", _pinv_forward, [_pinv_rule], quiet=True)


def _cutoffs(fn: str, A: Tensor, old: str, value: Any, hermitian: Any, atol: Any, rtol: Any) -> tuple[Any, Any]:
    """(atol, rtol) for pinv / matrix_rank, which also take PyTorch's older overload `(A, old, hermitian)`:
    pinv's `rcond` is a relative cutoff, matrix_rank's `tol` an absolute one. PyTorch's parser
    refuses `old` together with atol or rtol, and a hermitian that is not a bool."""
    if type(hermitian) is not bool or (value is not None and (atol is not None or rtol is not None)):
        signatures = (
            "Tensor input, *, Tensor atol = None, Tensor rtol = None, bool hermitian = False, Tensor out = None",
            "Tensor input, *, float atol = None, float rtol = None, bool hermitian = False, Tensor out = None",
            f"Tensor input, Tensor {old}, bool hermitian = False, *, Tensor out = None",
            f"Tensor input, float {old}, bool hermitian = False, *, Tensor out = None",
        )
        if type(hermitian) is not bool:
            shown = (A, value, hermitian) if value is not None else (A,)
            raise invalid_combination(fn, shown, signatures, None if value is not None else {"hermitian": hermitian})
        given = {k: v for k, v in (("atol", atol), ("rtol", rtol)) if v is not None}
        raise invalid_combination(fn, (A,), signatures, {**given, old: value})
    if value is None:
        return atol, rtol
    return (0.0, value) if old == "rcond" else (value, 0.0)


def pinv(
    A: Tensor, rcond: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None, out: Any = None
) -> Tensor:
    """Moore-Penrose pseudo-inverse of A (*, m, n), shape (*, n, m); small singular values are dropped.

    A singular value σ is kept when σ > max(atol, rtol · σ_max).

    Args:
        A (Tensor): a matrix or a batch of them, floating or complex.
        rcond (float or Tensor, optional): PyTorch's older spelling: the relative cutoff, with no
            absolute one (`rtol=rcond, atol=0`); not together with `atol` or `rtol`.
        hermitian (bool): A is Hermitian, so an eigendecomposition of its lower triangle is used
            (default False).
        atol (float or Tensor, optional): the absolute cutoff (default 0).
        rtol (float or Tensor, optional): the relative cutoff (default: machine epsilon times
            max(m, n) when `atol` is not given, else 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (*, n, m).

    Examples:
        >>> retrograd.linalg.pinv(retrograd.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor([[0.0400, 0.0800],
                [0.0800, 0.1600]])
    """
    if out is not None:
        return write_out(
            out,
            pinv,
            locals(),
            safely_castable("linalg.pinv"),
        )
    low_precision = A.dtype in (_dt.float16, _dt.bfloat16) and A.device.type == "cpu"  # no CPU kernel
    if A._data.ndim < 2 or A._data.dtype.kind not in "fc" or low_precision:
        raise RuntimeError(
            f"linalg.pinv({A.dtype.kind_name}{{{list(A._data.shape)}}}): expected a tensor with 2 or more "
            "dimensions of float, double, cfloat or cdouble types"
        )
    atol, rtol = _cutoffs("linalg_pinv", A, "rcond", rcond, hermitian, atol, rtol)
    atol_v, rtol_v = _tolerances(A, atol, rtol)
    return _pinv(A, atol=atol_v, rtol=rtol_v, hermitian=hermitian)


def _tolerances(A: Tensor, atol: Any, rtol: Any) -> tuple[Any, Any]:
    """PyTorch's defaults: rtol = eps · max(m, n) unless a positive atol is given."""
    xp = backend.namespace(A._data)
    atol_v = 0.0 if atol is None else (atol._data[..., None] if isinstance(atol, Tensor) else atol)
    if rtol is None:
        eps = float(xp.finfo(A._data.dtype).eps) * max(A._data.shape[-2:])
        rtol_v = eps if atol is None or (not isinstance(atol, Tensor) and atol <= 0) else 0.0
    else:
        rtol_v = rtol._data[..., None] if isinstance(rtol, Tensor) else rtol
    return atol_v, rtol_v


def _lstsq_forward(xp: Any, a: Any, b: Any, rtol: Any, vec: bool) -> Any:
    p = _pinv_forward(xp, a, 0.0, rtol, False)
    return xp.matmul(p, b[..., None])[..., 0] if vec else xp.matmul(p, b)


def _lstsq_grad_a(g: Tensor, a: Tensor, b: Tensor, rtol: Any, vec: bool) -> Tensor:
    # X = A⁺ B: the pseudo-inverse's gradient is G Bᴴ
    gP = g.unsqueeze(-1) * b.conj().unsqueeze(-2) if vec else g @ b.mH
    return _pinv_rule(gP, a, _pinv(a, atol=0.0, rtol=rtol, hermitian=False))


def _lstsq_grad_b(g: Tensor, a: Tensor, rtol: Any, vec: bool) -> Tensor:
    P = _pinv(a, atol=0.0, rtol=rtol, hermitian=False)
    return (P.mH @ g.unsqueeze(-1)).squeeze(-1) if vec else P.mH @ g  # B̄ = A⁺ᴴ G


_lstsq = Primitive("linalg_lstsq", _lstsq_forward, [_lstsq_grad_a, _lstsq_grad_b], inputs=("a", "b"), quiet=True)


def is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    """Whether B holds vectors (`(m,)` or A's shape less its last dim) rather than matrices, by PyTorch's rule."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def lstsq_solution(A: Tensor, B: Tensor, rcond: float | None) -> Tensor:
    """The minimum-norm least-squares solution A⁺ B; B (*, m, k) or (*, m)."""
    _, rtol = _tolerances(A, None, rcond if rcond is not None and rcond > 0 else None)
    return _lstsq(A, B, rtol=rtol, vec=is_vector_rhs(A, B))


def matrix_rank(
    A: Tensor, tol: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None, out: Any = None
) -> Tensor:
    """The number of singular values above max(atol, rtol · σ_max), int64, shape (*).

    Args:
        A (Tensor): a matrix or a batch of them, floating or complex.
        tol (float or Tensor, optional): PyTorch's older spelling: the absolute cutoff, with no
            relative one (`atol=tol, rtol=0`); not together with `atol` or `rtol`.
        hermitian (bool): A is Hermitian, so its eigenvalues' magnitudes are counted (default False).
        atol (float or Tensor, optional): the absolute cutoff (default 0).
        rtol (float or Tensor, optional): the relative cutoff (default: machine epsilon times
            max(m, n) when `atol` is not given, else 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: int64, shape (*).

    Examples:
        >>> retrograd.linalg.matrix_rank(retrograd.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
        >>> retrograd.linalg.matrix_rank(retrograd.eye(3))
        tensor(3)
    """
    if out is not None:
        rule = safely_castable("torch.linalg.matrix_rank")
        return write_out(out, matrix_rank, locals(), rule, grad="none")
    if A._data.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    refuse_low_precision(A, "torch.linalg.matrix_rank")
    if A._data.dtype.kind not in "fc":
        raise RuntimeError("This function doesn't handle types other than float and double")
    atol, rtol = _cutoffs("linalg_matrix_rank", A, "tol", tol, hermitian, atol, rtol)
    if _vmap.active:
        r = batched("elementwise", lambda a: matrix_rank(a, atol=atol, rtol=rtol, hermitian=hermitian), A)
        if r is not NOT_BATCHED:
            return r
    xp = backend.namespace(A._data)
    a = A._data
    s = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else svd_arrays(xp, a, compute_uv=False)
    atol_v, rtol_v = _tolerances(A, atol, rtol)
    smax = s.max(-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    tol = xp.maximum(xp.asarray(atol_v, dtype=s.dtype), rtol_v * smax)
    return Tensor._make((s > tol).sum(-1).astype(xp.int64))


# --- matrix exponential -----------------------------------------------------------------------

# Padé(13) coefficients (Higham 2005), divided by b0 so float32 holds them comfortably
_PADE = [64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
         10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1]
_B = [c / _PADE[0] for c in _PADE]
_THETA13 = 5.371920351148152


def _expm_forward(xp: Any, a: Any) -> Any:
    """Scaling and squaring with a Padé(13) approximant, each matrix scaled by its own 2^s."""
    n = a.shape[-1]
    norm = xp.abs(a).sum(-2).max(-1) if n else xp.zeros(a.shape[:-2], a.dtype)
    s = xp.maximum(0, xp.ceil(xp.log2(norm / _THETA13))).astype(xp.int64)
    A = a / (2.0 ** s).astype(a.dtype)[..., None, None]
    eye = xp.eye(n, dtype=a.dtype)
    A2 = A @ A
    A4 = A2 @ A2
    A6 = A4 @ A2
    b = _B
    U = A @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * eye)
    V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye
    R = xp.linalg.solve(V - U, V + U)
    for i in range(int(s.max()) if s.size else 0):  # the squarings: one host read per call
        R = xp.where((i < s)[..., None, None], R @ R, R)
    return R


def _matrix_exp_rule(g: Tensor, a: Tensor) -> Tensor:
    # Ā = the top-right block of exp([[Aᵀ, G], [0, Aᵀ]]) (Najfeld & Havel)
    from .derived_products import kron

    n = a.shape[-1]
    block = kron(const(a, [[1, 0], [0, 1]]), a.mT) + kron(const(a, [[0, 1], [0, 0]]), g)
    return eye_like(a, n, 2 * n) @ _matrix_exp(block) @ eye_like(a, 2 * n, n, -n)


_matrix_exp = Primitive("linalg_matrix_exp", _expm_forward, [_matrix_exp_rule], quiet=True, holomorphic=True)


def matrix_exp(A: Tensor) -> Tensor:
    """e^A = Σ Aᵏ/k! for each square matrix in A (*, n, n).

    Args:
        A (Tensor): a square matrix or a batch of them, floating or complex.

    Returns:
        Tensor: `A`'s shape.

    Examples:
        >>> retrograd.linalg.matrix_exp(retrograd.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
        >>> retrograd.matrix_exp(retrograd.tensor([[1.0, 0.0], [0.0, 2.0]]))
        tensor([[2.7183, 0.0000],
                [0.0000, 7.3891]])
    """
    if not isinstance(A, Tensor):
        raise not_a_tensor("matrix_exp", A)
    check_matrix(A, "linalg.matrix_exp")
    return _matrix_exp(A)
