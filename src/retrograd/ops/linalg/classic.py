"""PyTorch's pre-`torch.linalg` top-level spellings: addr, dist, renorm, nuclear_norm, the
LAPACK-style solvers (cholesky_solve, lu, lu_solve, lu_unpack, triangular_solve). The
Householder trio (geqrf, orgqr, ormqr) is in `compact_qr`.

Each is a composition of ops that already carry their derivatives (solve_triangular, lu_factor,
householder_product, vector/matrix norms), so gradients of any order come with them; only
`geqrf` is a forward-only kernel, as in PyTorch (which has no derivative for it either).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ... import return_types
from ..._user_frames import warn_once
from ...engine.primitive import not_a_tensor
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from .. import autocast_policy as _autocast
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.arg_types import bool_arg, check_tensors, invalid_combination, scalar_arg
from ..kernels.deprecated_overloads import beta_alpha_first, hide_scalars_first
from ..kernels.operands import numpy_alias, promote
from ..kernels.out_arg import SAME, write_out
from ..reduction.norms import dist_node, matrix_norm, vector_norm
from .cholesky_inverse import cholesky_inverse_primitive
from .common import broadcast_batch, check_matrix, eye_like, floating_kernel, refuse_low_precision
from .derived_products import outer
from .lu import _permutation, check_lu_pivots, lu_factor_ex, solve_triangular
from .lu import lu_solve as _linalg_lu_solve
from .substitution import cholesky_solve_primitive

__all__ = [
    "addr", "cholesky_inverse", "cholesky_solve", "dist", "lu", "lu_solve", "lu_unpack", "nuclear_norm", "renorm",
    "triangular_solve",
]  # fmt: skip

lu_unpack_result = return_types.lu_unpack
triangular_solve_result = return_types.triangular_solve
lu_with_info_result = return_types._lu_with_info


def addr(
    input: Tensor, vec1: Tensor, vec2: Tensor, *scalars_first: Any, beta: Any = 1, alpha: Any = 1, out: Any = None
) -> Tensor:
    """`beta * input + alpha * outer(vec1, vec2)`; with beta = 0 `input` is not read (NaNs in it vanish).

    Args:
        input (Tensor): the term to add, broadcastable to (n, m).
        vec1 (Tensor): a vector of n elements.
        vec2 (Tensor): a vector of m elements.
        beta (number): the factor for `input` (default 1).
        alpha (number): the factor for the outer product (default 1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (n, m).

    Examples:
        >>> retrograd.addr(retrograd.ones(2, 3), retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 0.0, -1.0]))
        tensor([[ 2.,  1.,  0.],
                [ 3.,  1., -1.]])
    """
    if scalars_first:  # old code's `torch.addr(beta, input, alpha, vec1, vec2)`
        input, vec1, vec2, beta, alpha = beta_alpha_first(
            "addr", (input, vec1, vec2, *scalars_first), beta, alpha
        )
    check_tensors("addr", input=input, vec1=vec1, vec2=vec2)
    if out is not None:
        return write_out(out, addr, locals())
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.dim()}-D")
    product = outer(vec1, vec2)
    product = product if alpha == 1 else alpha * product
    if beta == 0:  # PyTorch does not read input then: its NaNs and infs do not show
        return product.expand(np.broadcast_shapes(tuple(input.shape), tuple(product.shape))).clone()
    return (input if beta == 1 else beta * input) + product


hide_scalars_first(addr)


def dist(input: Tensor, other: Tensor, p: Any = 2) -> Tensor:
    """The p-norm of `input - other` (broadcast), over all elements.

    Args:
        input (Tensor): a floating-point tensor.
        other (Tensor): a tensor that broadcasts with `input`.
        p (number): the norm's order (default 2; inf, -inf and 0 work too).

    Returns:
        Tensor: a 0-d tensor.

    Examples:
        >>> a, b = retrograd.tensor([0.0, 0.0]), retrograd.tensor([3.0, 4.0])
        >>> retrograd.dist(a, b), retrograd.dist(a, b, p=1)
        (tensor(5.), tensor(7.))
    """
    check_tensors("dist", input=input, other=other)
    if type(p) is not int and type(p) is not float:  # the parser's Number (a 0-d tensor too)
        p = scalar_arg("dist", "p", 3, p)
    result = _dt.result_type(input, other)
    if not (result.is_floating_point or result.is_complex):
        kind = (input - other).dtype.kind_name  # (two bool tensors: the subtraction's error first)
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got {kind} instead.")
    # (a 0-d operand beside one with dims does not widen the float dtype in PyTorch; in NumPy it would)
    same_rank_kind = (input.dim() == 0) == (other.dim() == 0)
    if input.dtype != other.dtype and not (input.dtype in _WIDE and other.dtype in _WIDE and same_rank_kind):
        # one dtype first, PyTorch's promoted one: the node's float16/bfloat16 path would otherwise
        # keep the first operand's dtype, and NumPy would take an integer operand to float64
        input, other = promote(input, other)
    return dist_node(input, other, p)


_WIDE = (_dt.float32, _dt.float64, _dt.complex64, _dt.complex128)  # mixed, NumPy promotes them as PyTorch


def renorm(input: Tensor, p: Any, dim: int, maxnorm: Any, *, out: Any = None) -> Tensor:
    """Each slice along `dim` scaled down to p-norm `maxnorm` where its norm exceeds it.

    The factor is maxnorm / (norm + 1e-7), as in PyTorch; slices within the bound are unchanged.

    Args:
        input (Tensor): a floating-point tensor with at least 2 dims.
        p (number): the norm's order (positive).
        dim (int): the dim that indexes the slices; each slice is every other dim.
        maxnorm (number): the largest norm a slice keeps.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([[3.0, 4.0], [0.3, 0.4]])
        >>> retrograd.renorm(x, p=2, dim=0, maxnorm=1.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    if out is not None:
        return write_out(out, renorm, locals())
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    ndim = input.dim()
    if ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {ndim} dimensions")
    dim = dim % ndim
    others = tuple(d for d in range(ndim) if d != dim)
    norm = vector_norm(input, float(p), others, keepdim=True)
    factor = (maxnorm / (norm + 1e-7)).where(norm > maxnorm, norm.new_ones(()))
    return input * factor


def nuclear_norm(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """The sum of singular values of the matrices over `dim` (two dims; the last two by default).

    Args:
        input (Tensor): a floating-point tensor with at least 2 dims.
        dim (pair of int, optional): the two matrix dims; None takes the last two (a batch of
            matrices in the dims before them).
        keepdim (bool): keep the reduced dims with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.
        axis (pair of int, optional): NumPy's name for `dim`.
        keepdims (bool, optional): NumPy's name for `keepdim`.

    Returns:
        Tensor: the norms, the matrix dims reduced.

    Examples:
        >>> retrograd.nuclear_norm(retrograd.tensor([[3.0, 0.0], [0.0, -2.0]]))
        tensor(5.)
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("nuclear_norm", input)
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim) positionally
        dim, keepdim = None, dim
    if axis is not None:  # NumPy's names, as PyTorch accepts them
        dim = numpy_alias("nuclear_norm", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("nuclear_norm", keepdim, False, keepdims, "keepdims")
    if not (dim is None or _int_or_ints(dim)) or type(keepdim) is not bool:
        raise invalid_combination(
            "nuclear_norm", (input, dim) if keepdim is False else (input, dim, keepdim), _NUCLEAR_NORM_SIGNATURES
        )
    warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE (before any check of the input)
        "nuclear_norm: deprecated",
        "at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be removed in a future "
        "PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead",
    )
    dims = (-2, -1) if dim is None else (int(dim), int(dim)) if isinstance(dim, (int, np.integer)) else tuple(dim)
    return matrix_norm(input, "nuc", dims, keepdim, out=out)


_NUCLEAR_NORM_SIGNATURES = (
    "Tensor input, tuple of ints dim, bool keepdim = False, *, Tensor out = None",
    "Tensor input, bool keepdim = False, *, Tensor out = None",
)


def _int_or_ints(dim: Any) -> bool:
    """Whether PyTorch's parser takes `dim` for a `tuple of ints`: an int, or a tuple or list of them."""
    if isinstance(dim, (tuple, list)):
        return all(_int_or_ints(d) and not isinstance(d, (tuple, list)) for d in dim)
    return isinstance(dim, (int, np.integer)) and not isinstance(dim, bool)


# --- solvers with a factor given ------------------------------------------------------------------


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False, *, out: Any = None) -> Tensor:
    """X with A X = B, A = L Lᴴ (or Uᴴ U when `upper`) given its Cholesky factor `input2`; B is `input`.

    Args:
        input (Tensor): B, shape (*, n, k).
        input2 (Tensor): the Cholesky factor of A, shape (*, n, n).
        upper (bool): `input2` is the upper factor U (default False: the lower L).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: X, shape (*, n, k) with broadcast batch dims.

    Examples:
        >>> L = retrograd.tensor([[2.0, 0.0], [1.0, 2.0]])
        >>> retrograd.cholesky_solve(retrograd.tensor([[4.0], [5.0]]), L)
        tensor([[0.6250],
                [0.7500]])
    """
    if _autocasting[0]:
        input, input2 = _float32(input, input2)
    check_tensors("cholesky_solve", input=input, input2=input2)
    bool_arg("cholesky_solve", "upper", 3, upper)
    if out is not None:
        return write_out(out, cholesky_solve, locals(), SAME)
    _check_cholesky_solve(input, input2)
    return cholesky_solve_primitive(input, input2, upper=upper)


def _check_cholesky_solve(b: Tensor, factor: Tensor) -> None:
    """PyTorch's checks of B and the factor, in its order: dims, one dtype, shapes, then a kernel."""
    for name, t in (("b", b), ("u", factor)):
        if t.dim() < 2:
            raise RuntimeError(f"{name} should have at least 2 dimensions, but has {t.dim()} dimensions instead")
    _check_linear_solve(b, factor, "cholesky_solve")
    refuse_low_precision(factor, "cholesky_solve")
    if factor._data.dtype.kind not in "fc":
        raise NotImplementedError(f"\"cholesky_solve_cpu\" not implemented for '{factor.dtype.kind_name}'")


def _check_linear_solve(b: Tensor, A: Tensor, name: str) -> None:
    """PyTorch's checks of the legacy solvers' b and A (`linearSolveCheckInputs`): one dtype, then shapes."""
    if b.dtype != A.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type {b.dtype.kind_name} and A of type "
            f"{A.dtype.kind_name} instead."
        )
    n = A.shape[-1]
    if A.shape[-2] != n:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {n} matrices")
    if b.shape[-2] != n:
        raise RuntimeError(
            f"Incompatible matrix sizes for {name}: each A matrix is {n} by {n} but each b matrix is "
            f"{b.shape[-2]} by {b.shape[-1]}"
        )
    broadcast_batch(b.shape[:-2], A.shape[:-2])  # PyTorch's message names b's batch dims first


def cholesky_inverse(input: Tensor, upper: bool = False, *, out: Any = None) -> Tensor:
    """A⁻¹ from A's Cholesky factor (L with A = L Lᴴ, or U with A = Uᴴ U when `upper`).

    Args:
        input (Tensor): the triangular factor, shape (*, n, n).
        upper (bool): `input` is the upper factor U (default False: the lower L).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the inverse of A, shape (*, n, n).

    Examples:
        >>> retrograd.cholesky_inverse(retrograd.tensor([[2.0, 0.0], [1.0, 2.0]]))
        tensor([[ 0.3125, -0.1250],
                [-0.1250,  0.2500]])
    """
    if _autocasting[0]:
        input = _float32(input)
    if not isinstance(input, Tensor):
        raise not_a_tensor("cholesky_inverse", input)
    bool_arg("cholesky_inverse", "upper", 2, upper)
    if out is not None:
        return write_out(out, cholesky_inverse, locals(), SAME)
    check_matrix(input, "cholesky_inverse", floating=False)
    floating_kernel(input, "cholesky_inverse_out_cpu")
    return cholesky_inverse_primitive(input, upper=upper)


_LU_DEPRECATED = (
    "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be removed in a "
    "future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\nLU, pivots = "
    "torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)"
    "\nshould be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)"
)


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False, out: Any = None) -> Any:
    """(LU, pivots), and the LAPACK infos when `get_infos`: the packed LU factorization.

    Deprecated in PyTorch for `linalg.lu_factor`, with its warning.

    Args:
        A (Tensor): a matrix or a batch of them, shape (*, m, n).
        pivot (bool): pivot rows (default True; False is not supported on CPU, as in PyTorch).
        get_infos (bool): also return the int32 infos, nonzero where a pivot is zero (default False).
        out (tuple, optional): 2 (3 with `get_infos`) tensors, resized and filled in place.

    Returns:
        tuple of Tensor: `(LU, pivots)`, or with `get_infos` the named tuple `(LU, pivots, info)`;
            pivots are 1-based int32. A zero pivot is not an error (unlike `linalg.lu_factor`).

    Examples:
        >>> LU, pivots = retrograd.lu(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> LU
        tensor([[3.0000, 4.0000],
                [0.3333, 0.6667]])
        >>> pivots
        tensor([2, 2], dtype=retrograd.int32)
    """
    get_infos = bool(get_infos)  # first, as PyTorch's dispatch on it (a tensor with dims has no truth value)
    if not isinstance(A, Tensor):
        raise not_a_tensor("_lu_with_info", A)
    bool_arg("_lu_with_info", "pivot", None, pivot)  # torch.lu passes it on by keyword
    warn_once("lu: deprecated", _LU_DEPRECATED)  # PyTorch's TORCH_WARN_ONCE
    if A._data.ndim >= 2:  # the legacy kernel's dtype error, before linalg.lu_factor's checks
        floating_kernel(A, "lu_cpu")
    # PyTorch's _lu_with_info ignores its check_errors: a zero pivot is never an error here
    result = lu_with_info_result(*lu_factor_ex(A, pivot=pivot))
    if out is not None:
        return _lu_write_out(result, get_infos, out)
    return result if get_infos else (result[0], result[1])


def _lu_write_out(result: tuple, get_infos: bool, out: Any) -> Any:
    """torch.lu's out=: a tuple or list of 2 (3 with get_infos) tensors, resized and filled in place."""
    if len(out) - int(get_infos) != 2:
        raise TypeError(f"expected tuple of {2 + int(get_infos)} elements but got {len(out)}")
    if not isinstance(out, (tuple, list)):
        raise TypeError(f"argument 'out' must be tuple of Tensors, not {type(out).__name__}")
    for target, value in zip(out, result):
        target.resize_as_(value).copy_(value)
    return out


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out: Any = None) -> Tensor:
    """X with A X = b, A given as `lu`'s (LU_data, LU_pivots): `linalg.lu_solve(LU, pivots, b)`.

    Args:
        b (Tensor): the right-hand side, shape (*, n, k).
        LU_data (Tensor): the packed factorization from `lu`, shape (*, n, n).
        LU_pivots (Tensor): its int32 pivots, shape (*, n).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: X, shape (*, n, k).

    Examples:
        >>> A = retrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> retrograd.lu_solve(retrograd.tensor([[5.0], [11.0]]), *retrograd.linalg.lu_factor(A))
        tensor([[1.],
                [2.]])
    """
    check_tensors("lu_solve", input=b, LU_data=LU_data, LU_pivots=LU_pivots)
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(lu_solve, b, LU_data, LU_pivots, out=out)
    warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
        "lu_solve: deprecated",
        "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future PyTorch "
        "release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = torch.lu_solve(B, LU, pivots)\n"
        "should be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)",
    )
    return _linalg_lu_solve(LU_data, LU_pivots, b, out=out)


def lu_unpack(
    LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True, *, out: Any = None
) -> Any:
    """(P, L, U) with A = P L U from the packed factorization; an unpacked part comes back empty.

    Args:
        LU_data (Tensor): the packed factorization from `lu` or `linalg.lu_factor`, shape (*, m, n).
        LU_pivots (Tensor): its int32 pivots, shape (*, min(m, n)).
        unpack_data (bool): return L and U (default True).
        unpack_pivots (bool): return P (default True).
        out (tuple of Tensor, optional): `(P, L, U)` tensors to write into.

    Returns:
        (Tensor, Tensor, Tensor): a named tuple `(P, L, U)`.

    Examples:
        >>> A = retrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> P, L, U = retrograd.lu_unpack(*retrograd.linalg.lu_factor(A))
        >>> P
        tensor([[0., 1.],
                [1., 0.]])
        >>> L
        tensor([[1.0000, 0.0000],
                [0.3333, 1.0000]])
    """
    check_tensors("lu_unpack", LU_data=LU_data, LU_pivots=LU_pivots)
    bool_arg("lu_unpack", "unpack_data", 3, unpack_data)
    bool_arg("lu_unpack", "unpack_pivots", 4, unpack_pivots)
    if LU_data._data.ndim < 2:
        raise RuntimeError(
            f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: {list(LU_data.shape)} instead"
        )
    if unpack_pivots and LU_pivots.dtype != _dt.int32:
        raise RuntimeError(
            "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
            "Note: this function is intended to be used with the output produced by torch.linalg.lu_factor"
        )
    if out is not None:
        raise NotImplementedError("lu_unpack(): out= is not supported")
    if _vmap.active and (  # the pivots are read as indices: one example at a time
        r := batched("loop", lu_unpack, LU_data, LU_pivots, unpack_data, unpack_pivots)
    ) is not NOT_BATCHED:
        return r
    m, n = LU_data.shape[-2], LU_data.shape[-1]
    k = min(m, n)
    empty = LU_data.new_empty((0,))
    if unpack_pivots:
        check_lu_pivots(LU_pivots, m, "lu_unpack")
    P = _permutation(LU_pivots, m, LU_data) if unpack_pivots else empty
    if not unpack_data:
        return lu_unpack_result(P, empty, empty)
    L = LU_data[..., :, :k].tril(-1) + eye_like(LU_data, m)[:, :k]
    U = LU_data[..., :k, :].triu()
    return lu_unpack_result(P, L, U)


def triangular_solve(
    b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False, unitriangular: bool = False, *, out: Any = None
) -> Any:
    """(X, a copy of A) with A X = b (Aᵀ X = b when `transpose`) for triangular A.

    Deprecated in PyTorch for `linalg.solve_triangular`.

    Args:
        b (Tensor): the right-hand side, shape (*, n, k).
        A (Tensor): a triangular matrix or batch, shape (*, n, n); only its triangle is read.
        upper (bool): A is upper triangular (default True).
        transpose (bool): solve Aᵀ X = b (default False).
        unitriangular (bool): take A's diagonal as ones (default False).
        out (tuple of Tensor, optional): `(solution, cloned_coefficient)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(solution, cloned_coefficient)`.

    Examples:
        >>> A = retrograd.tensor([[2.0, 1.0], [0.0, 4.0]])
        >>> retrograd.triangular_solve(retrograd.tensor([[4.0], [8.0]]), A).solution
        tensor([[1.],
                [2.]])
    """
    check_tensors("triangular_solve", input=b, A=A)
    bool_arg("triangular_solve", "upper", 3, upper)
    bool_arg("triangular_solve", "transpose", 4, transpose)
    bool_arg("triangular_solve", "unitriangular", 5, unitriangular)
    if out is not None:
        raise NotImplementedError("triangular_solve(): out= is not supported")
    for name, t in (("b", b), ("A", A)):
        if t.dim() < 2:
            raise RuntimeError(
                f"torch.triangular_solve: Expected {name} to have at least 2 dimensions, but it has {t.dim()} "
                "dimensions instead"
            )
    _check_linear_solve(b, A, "triangular_solve")
    broadcast_batch(b.shape[:-2], A.shape[:-2])
    warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE (its kernel warns, after the checks)
        "triangular_solve: deprecated",
        "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be removed in a "
        "future PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed and does not return a "
        "copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be replaced with\n"
        "X = torch.linalg.solve_triangular(A, B).",
    )
    _check_triangular_solve(b, A)
    if transpose:
        X = solve_triangular(A.mT, b, upper=not upper, unitriangular=unitriangular)
    else:
        X = solve_triangular(A, b, upper=upper, unitriangular=unitriangular)
    return triangular_solve_result(X, A.clone())


def _check_triangular_solve(b: Tensor, A: Tensor) -> None:
    """PyTorch's own refusals for triangular_solve (worded unlike linalg.solve_triangular's), in its order."""
    for name, t in (("b", b), ("A", A)):
        if t.ndim < 2:
            raise RuntimeError(
                f"torch.triangular_solve: Expected {name} to have at least 2 dimensions, but it has {t.ndim} "
                "dimensions instead"
            )
    if b.dtype != A.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type {b.dtype.kind_name} and A of type "
            f"{A.dtype.kind_name} instead."
        )
    (rows, cols), (m, n) = b.shape[-2:], A.shape[-2:]
    if m != n:
        raise RuntimeError(f"A must be batches of square matrices, but they are {m} by {n} matrices")
    if rows != n:
        raise RuntimeError(
            f"Incompatible matrix sizes for triangular_solve: each A matrix is {n} by {n} but each b matrix is "
            f"{rows} by {cols}"
        )
