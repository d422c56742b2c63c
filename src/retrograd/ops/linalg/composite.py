"""Linear-algebra functions composed from the primitives, and PyTorch's top-level spellings.

`torch.svd`, `torch.qr`, `torch.cholesky`, ... predate `torch.linalg`; they are thin
wrappers over the same primitives with their old signatures and result types.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import backend
from ... import dtypes as _dt
from ... import return_types as _rt
from ..._user_frames import warn_once
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.arg_types import bool_arg, check_tensors, float_arg, int_arg
from ..kernels.out_arg import MATRIX_POWER, SAME, safely_castable, same, write_out
from ..reduction.norms import _vector_norm_array
from . import decompositions as _dec
from .common import broadcast_batch, check_matrix, floating_kernel
from .distances import distance_grad
from .spectral import _svd, matrix_exp, pinv

__all__ = [
    "matrix_power", "logdet", "cdist", "inverse", "det", "slogdet", "cholesky", "qr",
    "svd", "pinverse", "matrix_exp",
]


_identity = Primitive(
    "matrix_power", lambda xp, a: xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape).copy(),
    [lambda g: g * 0],  # A⁰ = I does not depend on A
    node_name="torch::autograd::CopyBackwards",
)


def matrix_power(A: Tensor, n: int, *, out: Any = None) -> Tensor:
    """A multiplied by itself n times (n < 0 uses the inverse, n = 0 gives I), for A (*, m, m).

    Args:
        A (Tensor): a square matrix or a batch of them.
        n (int): the exponent.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `A`'s shape.

    Examples:
        >>> A = retrograd.tensor([[1.0, 1.0], [0.0, 1.0]])
        >>> retrograd.matrix_power(A, 3)
        tensor([[1., 3.],
                [0., 1.]])
        >>> retrograd.linalg.matrix_power(A, -1)
        tensor([[ 1., -1.],
                [ 0.,  1.]])
    """
    if not isinstance(A, Tensor):
        raise not_a_tensor("matrix_power", A)
    n = int_arg("matrix_power", "n", 2, n)
    if out is not None:
        return write_out(out, matrix_power, locals(), MATRIX_POWER)
    check_matrix(A, "linalg.matrix_power", floating=False)
    if n == 0:
        return _identity(A)
    if n < 0:
        A, n = _dec.inv(A), -n
    if n == 1:
        return A.clone()
    if n <= 3:
        return A @ A if n == 2 else A @ A @ A
    result, z = None, None
    while n > 0:  # binary powering: A^n from squarings
        z = A if z is None else z @ z
        if n & 1:
            result = z if result is None else result @ z
        n >>= 1
    assert result is not None
    return result


def multi_dot(tensors: Any, *, out: Any = None) -> Tensor:
    """A chain of matrix products in the cheapest order; the first (last) may be a vector.

    Args:
        tensors (sequence of Tensor): at least two tensors; all 2-D except that the first may be
            1-D (a row) and the last 1-D (a column).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the product; a 1-D end drops its dim from the result.

    Examples:
        >>> a, b = retrograd.tensor([1.0, 2.0]), retrograd.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
        >>> retrograd.linalg.multi_dot([a, b, retrograd.ones(3)])
        tensor(6.)
    """
    if out is not None:
        return write_out(
            out, multi_dot, locals(), same("multi_dot(): expected out tensor to have dtype {src_c} but got {dst_c}")
        )
    ts = list(tensors)
    n = len(ts)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(ts):
        d = t._data.ndim
        edge = "first" if i == 0 else "last" if i == n - 1 else None
        if edge and d not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {edge} tensor must be 1D or 2D but got {d}D")
        if not edge and d != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {d}D")
        if t._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(
                f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{ts[0].dtype.kind_name} and tensor {i} is {t.dtype.kind_name}"
            )
    out_shape = ts[0].shape[:-1] + ts[-1].shape[1:]
    if ts[0]._data.ndim == 1:
        ts[0] = ts[0].unsqueeze(0)
    if ts[-1]._data.ndim == 1:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i in range(n - 1):
        if ts[i].shape[1] != ts[i + 1].shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(ts[i].shape)} and "
                f"{list(ts[i + 1].shape)} cannot be multiplied"
            )
    return _chain(ts, _chain_order(ts)).reshape(out_shape)


def _chain_order(ts: list) -> list:
    """split[i][j]: where the cheapest product of ts[i..j] splits (matrix-chain dynamic programme)."""
    n = len(ts)
    dims = [t.shape[0] for t in ts] + [ts[-1].shape[1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            best: int | None = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if best is None or c < best:
                    best, split[i][j] = c, k
            cost[i][j] = best if best is not None else 0
    return split


def _chain(ts: list, split: list) -> Tensor:
    """Multiply ts[0..n-1] following `split`, with an explicit stack (no recursion)."""
    n = len(ts)
    done: dict = {}
    stack = [(0, n - 1)]
    while stack:
        i, j = stack[-1]
        if i == j:
            done[(i, j)] = ts[i]
            stack.pop()
            continue
        k = split[i][j]
        pending = [p for p in ((i, k), (k + 1, j)) if p not in done]
        if pending:
            stack.extend(pending)
            continue
        done[(i, j)] = done[(i, k)] @ done[(k + 1, j)]
        stack.pop()
    return done[(0, n - 1)]


def logdet(input: Tensor) -> Tensor:
    """log det(A) for A (*, n, n): NaN where the determinant is negative, -inf where it is 0.

    Args:
        input (Tensor): a square matrix or a batch of them.

    Returns:
        Tensor: shape (*).

    Examples:
        >>> retrograd.logdet(retrograd.tensor([[2.0, 0.0], [0.0, 3.0]]))
        tensor(1.7918)
        >>> retrograd.logdet(retrograd.tensor([[0.0, 1.0], [1.0, 0.0]]))
        tensor(nan)
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("logdet", input)
    from ..elementwise.clamp_where import where

    check_matrix(input, "logdet")
    sign, logabsdet = _dec._slogdet(input)
    if input.is_complex():  # log det = log|det| + i arg det
        return sign.log() + logabsdet
    return where(sign < 0, math.nan, logabsdet)


# --- pairwise distances -----------------------------------------------------------------------

def _cdist_forward(xp: Any, a: Any, b: Any, p: float) -> Any:
    return _vector_norm_array(xp, a[..., :, None, :] - b[..., None, :, :], p, (-1,), False)


def _cdist_grad(g: Tensor, a: Tensor, b: Tensor, out: Tensor, p: float) -> Tensor:
    """d‖a_i - b_j‖/d(a_i - b_j) weighted by g_ij, shape (*, P, R, M)."""
    return distance_grad(g, a.unsqueeze(-2) - b.unsqueeze(-3), out, p)


# x2's rule is x1's with the roles swapped (d‖b_j - a_i‖/db_j), not its negation: as in
# PyTorch, a zero gradient is +0, never -0.
_cdist = Primitive(
    "cdist", _cdist_forward,
    [lambda g, a, b, out, p: _cdist_grad(g, a, b, out, p).sum(-2),            # Σ_j over x2's rows
     lambda g, a, b, out, p: _cdist_grad(g.mT, b, a, out.mT, p).sum(-2)],     # Σ_i over x1's rows
    inputs=("a", "b"), quiet=True,
)


def _euclidean_forward(xp: Any, a: Any, b: Any) -> Any:
    # ‖a‖² - 2 a·b + ‖b‖² as one product of padded rows: [-2a, ‖a‖², 1] · [b, 1, ‖b‖²]
    a_norm, b_norm = (a * a).sum(-1, keepdims=True), (b * b).sum(-1, keepdims=True)
    a_rows = xp.concatenate([a * a.dtype.type(-2), a_norm, xp.ones_like(a_norm)], axis=-1)
    b_rows = xp.concatenate([b, xp.ones_like(b_norm), b_norm], axis=-1)
    squared = xp.matmul(a_rows, b_rows.swapaxes(-1, -2))
    return xp.sqrt(xp.maximum(squared, 0))  # rounding can leave it below 0


def _euclidean_ratio(g: Tensor, out: Tensor) -> Tensor:
    return (g / out).masked_fill(out == 0, 0)


_euclidean_dist = Primitive(
    "_euclidean_dist", _euclidean_forward,
    [lambda g, a, b, out: a * _euclidean_ratio(g, out).sum(-1, keepdim=True) - _euclidean_ratio(g, out) @ b,
     lambda g, a, b, out: b * _euclidean_ratio(g, out).sum(-2).unsqueeze(-1) - _euclidean_ratio(g, out).mT @ a],
    inputs=("a", "b"), quiet=True, node_name="EuclideanDistBackward0",
)


def _cdist_by_products(x1: Tensor, x2: Tensor) -> Tensor:
    """PyTorch's matrix-product Euclidean distances, batch dims broadcast and flattened to one."""
    batch = tuple(np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2]))
    (r1, m), r2 = x1.shape[-2:], x2.shape[-2]
    count = math.prod(batch)
    if count != 1:
        x1 = x1.expand(*batch, r1, m).reshape(count, r1, m)
        x2 = x2.expand(*batch, r2, m).reshape(count, r2, m)
    return _euclidean_dist(x1, x2).view(*batch, r1, r2)


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """p-norm distances between the rows of x1 (*, P, M) and x2 (*, R, M): (*, P, R).

    Euclidean distances (p = 2) come from one matrix product, ‖a‖² - 2 a·b + ‖b‖², when either
    input has more than 25 rows or `compute_mode="use_mm_for_euclid_dist"`, as in PyTorch: fast,
    but it loses digits to cancellation (a point's distance to itself need not be 0). Others are
    computed directly from the differences.

    Args:
        x1 (Tensor): P points of M coordinates, shape (*, P, M).
        x2 (Tensor): R points of M coordinates, shape (*, R, M).
        p (float): the norm's order, from 0 to inf (default 2).
        compute_mode (str): 'use_mm_for_euclid_dist_if_necessary' (default),
            'use_mm_for_euclid_dist' or 'donot_use_mm_for_euclid_dist'.

    Returns:
        Tensor: the distance of every pair, shape (*, P, R).

    Examples:
        >>> x1 = retrograd.tensor([[0.0, 0.0], [1.0, 1.0]])
        >>> x2 = retrograd.tensor([[3.0, 4.0]])
        >>> retrograd.cdist(x1, x2)
        tensor([[5.0000],
                [3.6056]])
        >>> retrograd.cdist(x1, x2, p=1)
        tensor([[7.],
                [5.]])
    """
    if _autocasting[0]:
        x1, x2 = _float32(x1, x2)
    check_tensors("cdist", x1=x1, x2=x2)
    if type(p) is not float and type(p) is not int:  # the parser's float (a 0-d tensor too)
        p = float_arg("cdist", "p", 3, p)
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t._data.ndim}D")
        if not t.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {t.dtype.kind_name}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    broadcast_batch(x1.shape[:-2], x2.shape[:-2])  # PyTorch's error, batch dims only (not the rows)
    mode = _CDIST_MODES.index(compute_mode)
    by_products = p == 2 and (mode == 1 or (mode == 0 and (x1.shape[-2] > 25 or x2.shape[-2] > 25)))
    if not (x1.numel() and x2.numel()):  # no distances to compute: x1's dtype, whatever x2's
        return _cdist(x1, x2.to(x1.dtype), p=float(p))
    if by_products:
        if x2.dtype != x1.dtype:  # the product's check
            raise RuntimeError(
                f"expected m1 and m2 to have the same dtype, but got: {x1.dtype.c10_name} != {x2.dtype.c10_name}"
            )
        return _cdist_by_products(x1, x2)
    # PyTorch's kernel dispatches on x1's dtype, then reads x2 as that type
    if x1.dtype in (_dt.float16, _dt.bfloat16):
        raise NotImplementedError(f"\"cdist\" not implemented for '{x1.dtype.kind_name}'")
    if x2.dtype != x1.dtype:
        raise RuntimeError(f"expected scalar type {x1.dtype.kind_name} but found {x2.dtype.kind_name}")
    return _cdist(x1, x2, p=float(p))


# --- PyTorch's top-level spellings ---------------------------------------------------------

def inverse(input: Tensor, *, out: Any = None) -> Tensor:
    """The inverse of each square matrix (`linalg.inv`).

    Args:
        input (Tensor): an invertible matrix or a batch of them, shape (*, n, n).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> retrograd.inverse(retrograd.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("inverse", input)
    if out is not None:
        return write_out(out, inverse, locals(), SAME)
    return _dec.inv(input)


def det(input: Tensor) -> Tensor:
    """The determinant of each square matrix (`linalg.det`).

    Args:
        input (Tensor): a square matrix or a batch of them, shape (*, n, n).

    Returns:
        Tensor: shape (*).

    Examples:
        >>> retrograd.det(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.)
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("det", input)
    return _dec.det(input)


def slogdet(input: Tensor) -> Any:
    """(sign, logabsdet) of each square matrix (`linalg.slogdet`).

    Args:
        input (Tensor): a square matrix or a batch of them, shape (*, n, n).

    Returns:
        (Tensor, Tensor): a named tuple `(sign, logabsdet)`, each of shape (*); det = sign * exp(logabsdet).

    Examples:
        >>> retrograd.slogdet(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        retrograd.return_types.slogdet(
        sign=tensor(-1.),
        logabsdet=tensor(0.6931))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("slogdet", input)
    check_matrix(input, "linalg.slogdet")
    return _rt.slogdet(*_dec._slogdet(input))


def cholesky(input: Tensor, upper: bool = False, *, out: Any = None) -> Tensor:
    """Deprecated `linalg.cholesky`: L (or U = Lᵀ when upper=True) of an SPD matrix.

    Args:
        input (Tensor): a symmetric (Hermitian) positive-definite matrix or batch, (*, n, n).
        upper (bool): return the upper factor U with A = Uᴴ U instead (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the triangular factor, `input`'s shape.

    Examples:
        >>> retrograd.cholesky(retrograd.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    if _autocasting[0]:
        input = _float32(input)
    if not isinstance(input, Tensor):
        raise not_a_tensor("cholesky", input)
    bool_arg("cholesky", "upper", 2, upper)
    if out is not None:
        return write_out(
            out,
            cholesky,
            locals(),
            safely_castable("cholesky"),
        )
    warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
        "cholesky: deprecated",
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
        "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
        "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
        "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.",
    )
    if input._data.size == 0:  # PyTorch returns before its checks: (0, 3) passes as well
        return input.new_empty(input.shape)
    check_matrix(input, "cholesky", floating=False)
    floating_kernel(input, "cholesky_cpu")
    return _dec._cholesky_legacy(input, upper=upper, fname="cholesky")


def qr(input: Tensor, some: bool = True, *, out: Any = None) -> Any:
    """Deprecated `linalg.qr`: reduced (some=True) or complete QR.

    Args:
        input (Tensor): a matrix or a batch of them, shape (*, m, n).
        some (bool): the reduced factorization (default True); False gives the complete one.
        out (tuple of Tensor, optional): `(Q, R)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(Q, R)` with orthonormal columns in Q and R upper triangular.

    Examples:
        >>> Q, R = retrograd.qr(retrograd.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> R
        tensor([[-5.0000, -2.2000],
                [ 0.0000,  0.4000]])
    """
    if _autocasting[0]:
        input = _float32(input)
    if not isinstance(input, Tensor):
        raise not_a_tensor("qr", input)
    bool_arg("qr", "some", 2, some)
    if out is not None:
        return write_out(out, qr, locals(), SAME)
    warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
        "qr: deprecated",
        "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
        "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
        "Q, R = torch.qr(A, some)\nshould be replaced with\n"
        "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')",
    )
    return _rt.qr(*_dec.qr(input, "reduced" if some else "complete"))


def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out: Any = None) -> Any:
    """(U, S, V) with A = U diag(S) Vᵀ (note V, not Vh); U, V are zeros when compute_uv=False.

    Deprecated in favour of `linalg.svd`, which returns Vh.

    Args:
        input (Tensor): a matrix or a batch of them, shape (*, m, n).
        some (bool): the reduced SVD (default True); False gives square U and V.
        compute_uv (bool): compute U and V (default True).
        out (tuple of Tensor, optional): `(U, S, V)` tensors to write into.

    Returns:
        (Tensor, Tensor, Tensor): a named tuple `(U, S, V)`; S descending, real.

    Examples:
        >>> retrograd.svd(retrograd.tensor([[3.0, 0.0], [0.0, -2.0]])).S
        tensor([3., 2.])
    """
    if _autocasting[0]:
        input = _float32(input)
    if not isinstance(input, Tensor):
        raise not_a_tensor("svd", input)
    bool_arg("svd", "some", 2, some)
    bool_arg("svd", "compute_uv", 3, compute_uv)
    if out is not None:
        return write_out(out, svd, locals(), SAME)
    check_matrix(input, "linalg.svd", square=False)
    U, S, Vh = _svd(input, full_matrices=not some and compute_uv)
    if compute_uv:
        return _rt.svd(U, S, Vh.mT)
    xp = backend.namespace(input._data)
    m, n = input.shape[-2:]
    batch = input._data.shape[:-2]
    zeros = [Tensor._make(xp.zeros(batch + (k, k), dtype=input._data.dtype)) for k in (m, n)]
    return _rt.svd(zeros[0], S, zeros[1])


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """The pseudo-inverse, dropping singular values below rcond · σ_max (`linalg.pinv`).

    Args:
        input (Tensor): a matrix or a batch of them, shape (*, m, n).
        rcond (float): the relative cutoff for small singular values (default 1e-15).

    Returns:
        Tensor: shape (*, n, m).

    Examples:
        >>> retrograd.pinverse(retrograd.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("pinverse", input)
    return pinv(input, rtol=float_arg("pinverse", "rcond", 2, rcond))

