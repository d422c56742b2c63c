"""Norms: vector_norm (one primitive), norm, and matrix_norm built from it and svdvals.

The derivative is PyTorch's norm_backward: sign(a)|a|^(p-1) / ‖a‖^(p-1), with its
special cases for p = 0, 1, 2 and ±inf, and 0 (not NaN) where the norm is 0.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..elementwise.clamp_where import where
from ..kernels.arg_types import scalar_arg
from ..kernels.norm_order import two_norm_of_rows
from ..kernels.operands import wrap_dim
from ..kernels.out_arg import SAME, norm_dtype, write_out
from ..linalg.common import check_matrix
from ..linalg.spectral import svdvals
from .along import keep, reduce_dims

__all__ = ["norm"]


def _vector_norm_array(xp: Any, a: Any, ord: float, dims: tuple, keepdim: bool) -> Any:
    if ord == 2 and a.dtype.kind == "f":  # a·a is |a|·|a| exactly: no pass for the magnitudes
        ordered = two_norm_of_rows(a, dims)  # (PyTorch's rounding, where its order is known)
        if ordered is not None:
            return ordered.reshape([1 if d in dims else n for d, n in enumerate(a.shape)]) if keepdim else ordered
        return xp.sqrt((a * a).sum(axis=dims, keepdims=keepdim))
    x = xp.abs(a)
    if ord == math.inf:
        return x.max(axis=dims, keepdims=keepdim)
    if ord == -math.inf:
        return x.min(axis=dims, keepdims=keepdim)
    if ord == 0:
        return (x != 0).sum(axis=dims, keepdims=keepdim, dtype=a.dtype)
    if ord == 1:
        return x.sum(axis=dims, keepdims=keepdim)
    if ord == 2:
        return xp.sqrt((x * x).sum(axis=dims, keepdims=keepdim))
    return ((x ** ord).sum(axis=dims, keepdims=keepdim)) ** (1.0 / ord)


def _norm_grad(g: Tensor, a: Tensor, out: Tensor, ord: float, dims: tuple, keepdim: bool) -> Tensor | None:
    # PyTorch's norm_backward: the same cases, and 0 (not NaN) where the norm is 0
    if ord == 0:
        return None  # piecewise constant: PyTorch returns no gradient
    g, out = keep(g, dims, keepdim), keep(out, dims, keepdim)
    if ord == 1:
        return a.sgn() * g  # d|a|/da (a/|a| for complex a)
    if ord == 2:
        return g * where(out == 0, 0.0, a / out)  # a/‖a‖
    if math.isinf(ord):  # like amax(|a|): shared evenly by the entries that reach it (or are NaN)
        mask = (a.abs() == out) | a.isnan()
        return a.sgn() * ((g / mask.sum(dims, keepdim=True)) * mask)
    if ord < 1:
        scaled = a.sgn() * where(a == 0, 0.0, a.abs() ** (ord - 1))
        return scaled * g * out ** (1 - ord)
    scaled = a.sgn() * a.abs() ** (ord - 1) if ord < 2 else a * a.abs() ** (ord - 2)
    return scaled * where(out == 0, 0.0, g / out ** (ord - 1))  # sign(a)|a|^(p-1) / ‖a‖^(p-1)


_vector_norm = Primitive(
    "linalg_vector_norm", _vector_norm_array,
    [lambda g, a, out, ord, dims, keepdim: _norm_grad(g, a, out, ord, dims, keepdim)],
    node_name="LinalgVectorNormBackward0",
    quiet=True,
)
# the same norm where PyTorch's C++ calls at::norm (pairwise_distance records NormBackward1)
at_norm = Primitive(
    "norm", _vector_norm_array,
    [lambda g, a, out, ord, dims, keepdim: _norm_grad(g, a, out, ord, dims, keepdim)],
    node_name="NormBackward1",
    quiet=True,
)


def vector_norm(
    input: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None,
) -> Tensor:
    """`(Σ|a|^ord)^(1/ord)` over `dim` (all dims by default); ord may be 0, ±inf or any float."""
    if not (_dt.is_floating(input._data.dtype) or input.is_complex()):
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {input.dtype.kind_name}"
        )
    if dtype is not None:
        _check_norm_dtype("linalg.vector_norm", input.dtype, dtype)
        input = input.to(dtype)
    return norm_node(_vector_norm, input, ord, dim, keepdim)


def _check_norm_dtype(fn: str, given: _dt.dtype, dtype: _dt.dtype) -> None:
    """PyTorch's checks of a norm's `dtype`: floating or complex as the input is, and one the
    input's dtype widens to (float64 input with dtype=float32 is refused)."""
    if not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"{fn}: dtype should be floating point or complex, but got {dtype.kind_name}")
    if given.is_complex != dtype.is_complex:
        kind = "complex" if given.is_complex else "real"
        raise RuntimeError(f"{fn}: dtype should be {kind} for {kind} inputs, but got {dtype.kind_name}")
    if _dt.promote_types(given, dtype) is not dtype:
        raise RuntimeError(
            f"{fn}: the dtype of the input ({given.kind_name}) should be convertible without narrowing to the "
            f"specified dtype ({dtype.kind_name})"
        )


def norm_node(prim: Primitive, input: Tensor, ord: Any, dim: Any, keepdim: bool) -> Tensor:
    """`vector_norm` of a floating `input`, recorded by `prim`: its node carries the name PyTorch gives."""
    if type(ord) is not float:  # the parser's Number: a Python or NumPy number, or a 0-d tensor
        ord = scalar_arg("linalg_vector_norm", "ord", 2, ord)
    ord = float(ord)
    dims = reduce_dims(input._data.ndim, dim)
    if math.isinf(ord):
        _check_identity(input._data.shape, dims, dim is None, ord)
    return prim(input, ord=ord, dims=dims, keepdim=keepdim)


def _dist_forward(xp: Any, a: Any, b: Any, ord: float) -> Any:
    diff = a - b
    return _vector_norm_array(xp, diff, ord, tuple(builtins.range(diff.ndim)), False)


def _dist_grad(g: Tensor, a: Tensor, b: Tensor, out: Tensor, ord: float) -> Tensor:
    diff = a - b
    grad = _norm_grad(g, diff, out, ord, tuple(builtins.range(diff.ndim)), False)
    return grad if grad is not None else diff * 0  # ord = 0 counts nonzeros: piecewise constant


# torch.dist: one node over both operands, as PyTorch's DistBackward0
_dist = Primitive(
    "dist", _dist_forward,
    [_dist_grad, lambda g, a, b, out, ord: -_dist_grad(g, a, b, out, ord)],
    inputs=("a", "b"), node_name="DistBackward0", quiet=True,
)


def dist_node(a: Tensor, b: Tensor, ord: Any) -> Tensor:
    """‖a - b‖_ord over all elements (broadcast), recorded as one DistBackward0."""
    ord = float(ord)
    if math.isinf(ord):
        _check_identity(np.broadcast_shapes(a.shape, b.shape), (), True, ord)
    return _dist(a, b, ord=ord)


def _check_identity(shape: tuple, dims: tuple, all_dims: bool, ord: float) -> None:
    """±inf norms of nothing have no value: PyTorch's errors."""
    name = "inf" if ord > 0 else "-inf"
    if all_dims and 0 in shape:
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {name} norm on an empty tensor because the "
            "operation does not have an identity"
        )
    for d in dims:
        if shape[d] == 0:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {name} norm on the dimension {d}because this "
                "dimension is empty and the operation does not have an identity"
            )


def norm(
    input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
    out: Any = None, dtype: _dt.dtype | None = None,
) -> Tensor:
    """Vector p-norm over `dim` (p: 'fro', a float, 0, ±inf); 'nuc' goes to `linalg.matrix_norm`.

    Kept for old code: new code uses `retrograd.linalg.norm` (or `vector_norm`, `matrix_norm`).

    Args:
        input (Tensor): a floating point or complex tensor.
        p (float or str): the order: `'fro'` (default, the 2-norm of all elements), a number,
            `inf`, `-inf`, or `'nuc'` with two dims.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.
        dtype (dtype, optional): cast the input to this dtype first.

    Returns:
        Tensor: the norm, reduced like `sum`.

    Examples:
        >>> x = retrograd.tensor([[3.0, 4.0], [0.0, 0.0]])
        >>> retrograd.norm(x)
        tensor(5.)
        >>> x.norm(p=1, dim=1)
        tensor([7., 0.])
    """
    if out is not None:
        return write_out(out, norm, locals(), SAME)
    if input.is_sparse:  # PyTorch's norm_sparse (loaded with the sparse ops, which a sparse tensor has loaded)
        from ..sparse.norm import sparse_norm

        return sparse_norm(input, p, dim, keepdim, dtype)
    if isinstance(p, str):
        n_dims = 1 if dim is None or isinstance(dim, (int, np.integer)) else len(dim)
        if p == "fro" and n_dims <= 2:
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        full = list(builtins.range(input._data.ndim)) if dim is None else dim
        return matrix_norm(input, p, full, keepdim, dtype=dtype)
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


def matrix_norm(
    A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *, dtype: Any = None, out: Any = None,
) -> Tensor:
    """Matrix norm over the two dims `dim`: 'fro', 'nuc', ±1, ±2, ±inf.

    1 and inf are the largest column and row sums of |A|; 2 the largest singular value; the
    negative orders take the smallest instead.

    Args:
        A (Tensor): a floating-point or complex tensor with at least 2 dims.
        ord (str or number): 'fro' (default), 'nuc', 1, -1, 2, -2, inf or -inf.
        dim (pair of int): the two matrix dims (default (-2, -1)).
        keepdim (bool): keep the reduced dims with size 1 (default False).
        dtype (dtype, optional): compute in this dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real, the matrix dims reduced.

    Examples:
        >>> A = retrograd.tensor([[1.0, -2.0], [3.0, 4.0]])
        >>> retrograd.linalg.matrix_norm(A)
        tensor(5.4772)
        >>> retrograd.linalg.matrix_norm(A, ord=1), retrograd.linalg.matrix_norm(A, ord=float("inf"))
        (tensor(6.), tensor(7.))
    """
    if out is not None:
        return write_out(out, matrix_norm, locals(), norm_dtype("linalg.matrix_norm"), grad="copy")
    # (an integer A keeps its dtype: check_matrix refuses it, as PyTorch does whatever `dtype` says)
    if dtype is not None and isinstance(A, Tensor) and (_dt.is_floating(A._data.dtype) or A.is_complex()):
        _check_norm_dtype("linalg.matrix_norm", A.dtype, dtype)
        A = A.to(dtype)
    # the spectral norms need an SVD, which has no float16/bfloat16 kernel; the others are reductions
    spectral = isinstance(ord, str) and ord == "nuc" or ord in (2, -2)
    check_matrix(A, "linalg.matrix_norm", square=False, kernel_of=None if spectral else "linalg.vector_norm")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
    d0, d1 = (wrap_dim(d, A._data.ndim) for d in dims)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dims[0]}, {dims[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        r = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        return r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1)) if keepdim else r
    if ord in (1, -1, math.inf, -math.inf):
        summed, picked = (d0, d1) if ord in (1, -1) else (d1, d0)
        if not keepdim and picked > summed:  # the sum removed a dim before it
            picked -= 1
        s = A.abs().sum(summed, keepdim=keepdim)
        return s.amax(picked, keepdim=keepdim) if ord > 0 else s.amin(picked, keepdim=keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
