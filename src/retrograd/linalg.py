"""retrograd.linalg: PyTorch's torch.linalg namespace.

The primitives live in `retrograd.ops` (products in ops/linalg/products.py, factorizations
in ops/linalg/decompositions.py and spectral.py); this module gathers them under PyTorch's
names and adds the functions composed from them (norms, lstsq, vecdot).

>>> import retrograd as torch
>>> A = torch.tensor([[2.0, 1.0], [1.0, 3.0]])
>>> torch.linalg.det(A)
tensor(5.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _missing
from . import dtypes as _dt
from . import ops as _ops
from ._torch_function import publish as _publish
from .engine.vmap_hook import whole
from .ops import autocast_policy as _autocast
from .ops.autocast_policy import active as _autocasting
from .ops.autocast_policy import lower_precision as _lower_precision
from .ops.kernels.out_arg import SAME, norm_dtype, same, write_out
from .ops.linalg.common import LinAlgError, broadcast_batch
from .ops.linalg.composite import matrix_power, multi_dot
from .ops.linalg.cross_product import linalg_cross as cross
from .ops.linalg.decompositions import cholesky, det, inv, inv_ex, qr, slogdet, solve
from .ops.linalg.eig import eig, eigvals
from .ops.linalg.ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .ops.linalg.lu import lu, lu_factor, lu_factor_ex, lu_solve, solve_triangular
from .ops.linalg.products import matmul
from .ops.linalg.spectral import (
    eigh,
    eigvalsh,
    is_vector_rhs,
    lstsq_solution,
    matrix_exp,
    matrix_rank,
    pinv,
    svd,
    svdvals,
)
from .ops.linalg.structured import (
    cholesky_ex,
    cond,
    householder_product,
    solve_ex,
    tensorinv,
    tensorsolve,
    vander,
)
from .ops.reduction.norms import matrix_norm
from .return_types import linalg_lstsq
from .tensor import Tensor

__all__ = [
    "norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "det", "slogdet", "solve", "cholesky",
    "qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "cross", "matmul", "multi_dot",
    "matrix_rank", "lstsq", "vecdot", "diagonal", "matrix_power", "matrix_exp", "LinAlgError",
    "eig", "eigvals", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "solve_triangular", "cholesky_ex", "cond",
    "householder_product", "solve_ex", "tensorinv", "tensorsolve", "vander", "ldl_factor", "ldl_factor_ex",
    "ldl_solve", "common_notes",
]

# Notes shared by the functions' documentation, by key (PyTorch's docs build them in; code that
# writes its own linear-algebra docs in PyTorch's style reads them too).
common_notes = {
    "experimental_warning": 'This function is "experimental": its behaviour may change in a later release.',
    "sync_note": (
        "On a CUDA device this function waits for the device (a host-device synchronization), as the "
        "result's validity is checked on the host."
    ),
    "sync_note_ex": (
        "On a CUDA device this function waits for the device only when :attr:`check_errors` is True; "
        "the `_ex` form returns the error codes in :attr:`info` instead."
    ),
    "sync_note_has_ex": (
        "On a CUDA device this function waits for the device; {} is the form that does not (it returns "
        "the error codes instead of raising)."
    ),
}


def vector_norm(
    x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None, out: Any = None,
) -> Tensor:
    """(Σ|x|^ord)^(1/ord) over `dim` (all dims by default); ord may be inf, -inf or 0.

    Args:
        x (Tensor): a floating-point or complex tensor.
        ord (number): the order (default 2); inf is the largest |x|, -inf the smallest, 0 counts
            the non-zeros.
        dim (int or tuple of int, optional): the dims to reduce (default all, as if flattened).
        keepdim (bool): keep the reduced dims with size 1 (default False).
        dtype (dtype, optional): compute in this dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the norms, real even for complex input.

    Examples:
        >>> x = retrograd.tensor([[3.0, -4.0], [0.0, 1.0]])
        >>> retrograd.linalg.vector_norm(x)
        tensor(5.0990)
        >>> retrograd.linalg.vector_norm(x, ord=1, dim=1)
        tensor([7., 1.])
        >>> retrograd.linalg.vector_norm(x, ord=float("inf"))
        tensor(4.)
    """
    if out is not None:
        return write_out(out, vector_norm, locals(), SAME)
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    from .ops.reduction.norms import vector_norm as _vector_norm

    return _vector_norm(x, ord, dim, keepdim, dtype=dtype)


def norm(
    A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, out: Any = None, dtype: Any = None,
) -> Tensor:
    """A vector norm (1 dim, or a 1-D input) or a matrix norm (2 dims, or a 2-D input).

    With `ord=None` it is the 2-norm of the flattened input (Frobenius for matrices).

    Args:
        A (Tensor): a floating point or complex tensor.
        ord (int or float or str, optional): the vector order (a number, `inf`, `-inf`) or the
            matrix order (`'fro'`, `'nuc'`, `inf`, `-inf`, 1, -1, 2, -2).
        dim (int or tuple of int, optional): one dim for a vector norm, two for a matrix norm.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.
        dtype (dtype, optional): compute in this dtype.

    Returns:
        Tensor: the norm, real even for complex input.

    Examples:
        >>> A = retrograd.tensor([[3.0, 0.0], [0.0, 4.0]])
        >>> retrograd.linalg.norm(A)
        tensor(5.)
        >>> retrograd.linalg.norm(A, ord=2)
        tensor(4.)
        >>> retrograd.linalg.norm(A, ord=1, dim=1)
        tensor([3., 4.])
    """
    if out is not None:
        return write_out(out, norm, locals(), norm_dtype("linalg.norm"), grad="copy")
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
    elif ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(
            f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A._data.ndim}D."
        )
    if ord is None:  # the 2-norm of the flattened input, or over `dim`
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    is_vector = len(dims) == 1 if dim is not None else A._data.ndim == 1
    if isinstance(ord, str) or not is_vector:
        return matrix_norm(A, ord, dims if dim is not None else (-2, -1), keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out: Any = None) -> Tensor:
    """Σ x·y along `dim`, broadcasting the other dims.

    For complex inputs `x` is conjugated, as in PyTorch.

    Args:
        x (Tensor): a floating-point or complex tensor.
        y (Tensor): a tensor of `x`'s dtype that broadcasts with it.
        dim (int): the dim to sum over (default -1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape without `dim`.

    Examples:
        >>> retrograd.linalg.vecdot(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]), retrograd.tensor([1.0, -1.0]))
        tensor([-1., -1.])
    """
    if out is not None:
        return write_out(out, vecdot, locals(), same("linalg.vecdot: Expected out of dtype{src} but found {dst}"))
    if _autocasting[0]:
        x, y = _lower_precision(x, y)
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(
            f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
            f"{x.dtype.kind_name} and y of type {y.dtype.kind_name} instead"
        )
    if not (_dt.is_floating(x._data.dtype) or x.is_complex()):
        name = x.dtype.kind_name
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got {name}")
    return (x.conj() * y).sum(dim)  # conj is a no-op on real x


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonals of the matrices in A (a view), like `retrograd.diagonal` with matrix dims last.

    Args:
        A (Tensor): a tensor with at least 2 dims.
        offset (int): which diagonal (default 0, the main one; > 0 above, < 0 below).
        dim1 (int): the first dim of the matrices (default -2).
        dim2 (int): the second dim of the matrices (default -1).

    Returns:
        Tensor: a view with `dim1` and `dim2` removed and the diagonal as the last dim.

    Examples:
        >>> A = retrograd.arange(8).reshape(2, 2, 2)
        >>> retrograd.linalg.diagonal(A)
        tensor([[0, 3],
                [4, 7]])
    """
    return _ops.diagonal(A, offset, dim1, dim2)  # type: ignore[attr-defined]


def _check_lstsq(A: Tensor, B: Tensor, driver: str) -> None:
    """PyTorch's argument checks for lstsq, in its order (B may be one dim short of A: a vector per matrix)."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A.dtype != B.dtype:
        raise RuntimeError(
            "torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype "
            f"{A.dtype.kind_name} and other's dtype {B.dtype.kind_name}"
        )
    if not 0 <= A.ndim - B.ndim <= 1:
        raise RuntimeError(
            "torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
            "(input.dim() - other.dim()) <= 1"
        )
    vector = is_vector_rhs(A, B)
    if A.shape[-2] != (B.shape[-1] if vector else B.shape[-2]):
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size({-1 if vector else -2})")
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if A._data.dtype.kind not in "fc" or A.dtype in (_dt.float16, _dt.bfloat16):  # no LAPACK kernel for them
        raise RuntimeError("This function doesn't handle types other than float and double")
    # PyTorch checks the batch dims of a B one dim short as if it held vectors, whatever is_vector_rhs says
    broadcast_batch(tuple(A.shape[:-2]), tuple(B.shape[:-1] if A.ndim - B.ndim == 1 else B.shape[:-2]))


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None) -> Any:
    """X minimising ‖AX - B‖ (via the pseudo-inverse): (solution, residuals, rank, singular_values).

    Args:
        A (Tensor): the coefficients, shape (*, m, n).
        B (Tensor): the right-hand side, shape (*, m, k).
        rcond (float, optional): the relative cutoff for small singular values (default: machine
            epsilon times max(m, n)).
        driver (str, optional): LAPACK's driver name, 'gels', 'gelsy' (default), 'gelsd' or 'gelss';
            it decides which of the other outputs are filled, as in PyTorch.

    Returns:
        (Tensor, Tensor, Tensor, Tensor): a named tuple `(solution, residuals, rank,
            singular_values)`; the solution has shape (*, n, k).

    Examples:
        >>> A = retrograd.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> retrograd.linalg.lstsq(A, retrograd.tensor([[1.0], [2.0], [4.0]])).solution
        tensor([[1.3333],
                [2.3333]])
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(lstsq, A, B, rcond, driver=driver)
    driver = driver or "gelsy"
    _check_lstsq(A, B, driver)
    m, n = A.shape[-2:]
    tol = rcond if rcond is not None and rcond > 0 else None
    X = lstsq_solution(A, B, rcond)
    empty_f = _ops.zeros(0, dtype=A.dtype)
    rank = matrix_rank(A, rtol=tol) if driver != "gels" else _ops.zeros(0, dtype=_dt.int64)
    sv = svdvals(A).detach() if driver in ("gelsd", "gelss") else empty_f
    full = driver == "gels" or whole(lambda a: bool((matrix_rank(a, rtol=tol) == min(m, n)).all()), A)
    if m > n and driver != "gelsy" and full:
        r = A @ X - B
        squares = (r * r.conj()).real if r.is_complex() else r * r
        residuals = squares.sum(-1 if is_vector_rhs(A, B) else -2)
    else:
        residuals = empty_f
    return linalg_lstsq(X, residuals, rank, sv)


_publish(globals(), "linalg_")  # each function checks its arguments for `__torch_function__`

if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
