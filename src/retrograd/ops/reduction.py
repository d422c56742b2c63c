"""Reductions: sum, mean, prod, nansum, nanmean, count_nonzero, logsumexp, norm.

A reduction's derivative spreads the gradient back over the reduced dims:
`expand_reduced` re-inserts them (when `keepdim` was False) and broadcasts.
The rest of the family lives in private modules and is exported from here:
`_moments` (var, std, var_mean, std_mean), `_extrema` (max, min, amax, amin,
argmax, argmin, aminmax) and `_cumulative` (cumsum, cumprod, cummax, cummin).
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..engine.grad_mode import state
from ..engine.primitive import Primitive
from ..tensor import Tensor
from ._accumulate import wide_mean, wide_sum
from ._along import flip, keep, reduce_dims, reduced_shape, shift
from ._cumulative import cummax, cummin, cumprod, cumsum, cumulative_product
from ._extrema import amax, amin, aminmax, argmax, argmin, max, min
from ._linalg_util import check_matrix
from ._moments import std, std_mean, var, var_mean
from ._spectral import svdvals
from ._util import promote_float, wrap_dim, wrap_dims
from .creation import zeros_like
from .pointwise import where

__all__ = [
    "sum", "mean", "expand_reduced", "prod", "nansum", "nanmean", "count_nonzero", "logsumexp",
    "norm", "var", "std", "var_mean", "std_mean", "max", "min", "amax", "amin", "argmax",
    "argmin", "aminmax", "cumsum", "cumprod", "cummax", "cummin",
]


def expand_reduced(g: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Broadcast a reduced gradient back to the input's `shape`."""
    if not keepdim and dims:
        kept = list(g._data.shape)
        for d in dims:
            kept.insert(d, 1)
        g = g.reshape(kept)
    return g.expand(shape)


def _count(shape: tuple, dims: tuple) -> int:
    n = 1
    for d in dims:
        n *= shape[d]
    return n


_sum_all = Primitive(
    "sum", lambda xp, a, dims, keepdim, dt: wide_sum(a, dtype=dt),
    [lambda g, a_shape: g.expand(a_shape)],  # every element contributes once
    node_name="SumBackward0",
)
_sum = Primitive(
    "sum", lambda xp, a, dims, keepdim, dt: wide_sum(a, dims, keepdim, dt),
    [lambda g, a_shape, dims, keepdim: expand_reduced(g, a_shape, dims, keepdim)],
    node_name="SumBackward1",
)
_mean_all = Primitive(
    "mean", lambda xp, a, dims, keepdim: wide_mean(a, tuple(range(a.ndim))),
    [lambda g, a_shape: (g / builtins.max(_count(a_shape, tuple(range(len(a_shape)))), 1)).expand(a_shape)],
    node_name="MeanBackward0",
)
_mean = Primitive(
    "mean", lambda xp, a, dims, keepdim: wide_mean(a, dims, keepdim),
    [lambda g, a_shape, dims, keepdim:
        expand_reduced(g / builtins.max(_count(a_shape, dims), 1), a_shape, dims, keepdim)],
    node_name="MeanBackward1",
)


def _sum_dtype(input: Tensor, dtype: _dt.dtype | None) -> Any:
    if dtype is not None:
        return dtype.np
    kind = input._data.dtype.kind
    return np.dtype(np.int64) if kind in "biu" else input._data.dtype


def sum(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None, out: Any = None,
) -> Tensor:
    """Sum of all elements, or over `dim` (an int or a tuple). Integers sum as int64."""
    dt = _sum_dtype(input, dtype)
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0 and input._data.ndim == 0):
        return _sum_all(input, dims=None, keepdim=False, dt=dt)
    dims = wrap_dims(dim, input._data.ndim) if dim != () and dim != [] else tuple(range(input._data.ndim))
    return _sum(input, dims=dims, keepdim=keepdim, dt=dt)


def mean(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None, out: Any = None,
) -> Tensor:
    """Mean of all elements, or over `dim`. Needs a floating dtype (or `dtype=`)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {_KIND[input.dtype.name]}"
        )
    if dim is None:
        return _mean_all(input, dims=None, keepdim=False)
    dims = wrap_dims(dim, input._data.ndim) if dim != () and dim != [] else tuple(range(input._data.ndim))
    return _mean(input, dims=dims, keepdim=keepdim)


_KIND = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


# --- prod: d/da_k Π a = Π_{i≠k} a_i, computed without dividing when an input is zero ---

def _prod_array(xp: Any, a: Any, dims: tuple | None, keepdim: bool, dt: Any) -> Any:
    return xp.multiply.reduce(a, axis=dims, keepdims=keepdim, dtype=dt)  # the ufunc: warnings stay ours


def _products_of_others(a: Tensor, dim: int) -> Tensor:
    """Π_{i≠k} a_i along `dim` for every k: exclusive products from the left times from the right."""
    left = cumulative_product(shift(a, dim, 1, 1.0), dim)
    right = flip(cumulative_product(flip(shift(a, dim, -1, 1.0), dim), dim), dim)
    return left * right


def _prod_grad(g: Tensor, a: Tensor, out: Tensor, dims: tuple | None, keepdim: bool) -> Tensor:
    if a._data.ndim == 0:
        return g
    if dims is not None:
        g, out = keep(g, dims, keepdim), keep(out, dims, keepdim)
    zeros = int((a._data == 0).sum())
    if not zeros:
        return g * (out / a)  # the product divided by the element: exact when nothing is zero
    if dims is None:  # all dims: work on the flattened input, as PyTorch does
        if zeros > 1 and not state.enabled:  # every product of the others holds a zero
            return g * zeros_like(a)
        return g * _products_of_others(a.reshape(-1), 0).reshape(a._data.shape)
    return g * _products_of_others(a, dims[0])


_prod_all = Primitive(
    "prod", _prod_array,
    [lambda g, a, out, dims, keepdim: _prod_grad(g, a, out, dims, keepdim)],
    node_name="ProdBackward0",
)
_prod_dim = Primitive(
    "prod", _prod_array,
    [lambda g, a, out, dims, keepdim: _prod_grad(g, a, out, dims, keepdim)],
    node_name="ProdBackward1",
)


def prod(
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None, out: Any = None,
) -> Tensor:
    """Product of all elements, or along one `dim`. Integers and bool give int64."""
    dt = _sum_dtype(input, dtype)
    if dim is None:
        return _prod_all(input, dims=None, keepdim=False, dt=dt)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"prod() received an invalid combination of arguments - got ({type(dim).__name__}), but expected one of:\n"
            " * (Tensor input, *, dtype dtype = None)\n"
            " * (Tensor input, int dim, bool keepdim = False, *, dtype dtype = None)"
        )
    d = wrap_dim(dim, input._data.ndim)
    dims = (d,) if input._data.ndim else ()
    return _prod_dim(input, dims=dims, keepdim=keepdim, dt=dt)


# --- NaN-ignoring sums and means, and counting ---

_nansum = Primitive(
    "nansum", lambda xp, a, dims, keepdim, dt: xp.nansum(a, axis=dims, keepdims=keepdim, dtype=dt),
    [lambda g, a, dims, keepdim: keep(g, dims, keepdim) * ~a.isnan()],  # 1, or 0 at NaN (inf·0 = NaN, as in PyTorch)
    node_name="NansumBackward0",
    quiet=True,
)


def nansum(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None, out: Any = None,
) -> Tensor:
    """Sum treating NaN as zero. Integers and bool give int64."""
    dims = reduce_dims(input._data.ndim, dim)
    return _nansum(input, dims=dims, keepdim=keepdim, dt=_sum_dtype(input, dtype))


def nanmean(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None, out: Any = None,
) -> Tensor:
    """Mean of the non-NaN elements: `nansum / count of non-NaN` (NaN where all are NaN)."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {_KIND[input.dtype.name]}"
        )
    present = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / present


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """Number of non-zero elements (int64), in all of `input` or along `dim`."""
    dims = reduce_dims(input._data.ndim, dim)
    a = input._data
    return Tensor._make(a.__ne__(0).sum(axis=dims, dtype=np.int64))


# --- logsumexp: log Σ eᵃ, shifted by the max so that nothing overflows ---

def _logsumexp_array(xp: Any, a: Any, dims: tuple, keepdim: bool) -> Any:
    top = xp.max(a, axis=dims, keepdims=True, initial=-xp.inf)  # initial: empty slices give -inf
    top = xp.where(xp.isinf(top), xp.zeros((), a.dtype), top)  # all -inf (or +inf) slices: shift by 0
    out = xp.log(xp.sum(xp.exp(a - top), axis=dims, keepdims=True)) + top
    return out if keepdim else out.reshape(reduced_shape(a.shape, dims, False))


_logsumexp = Primitive(
    "logsumexp", _logsumexp_array,
    [lambda g, a, out, dims, keepdim: keep(g, dims, keepdim) * (a - keep(out, dims, keepdim)).exp()],  # softmax
    node_name="LogsumexpBackward0",
    quiet=True,
)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False, *, out: Any = None) -> Tensor:
    """`log(sum(exp(input), dim))`, computed stably. Integers give the default float."""
    x = promote_float(input)
    return _logsumexp(x, dims=reduce_dims(x._data.ndim, dim), keepdim=keepdim)


# --- norms ---

def _vector_norm_array(xp: Any, a: Any, ord: float, dims: tuple, keepdim: bool) -> Any:
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
        return a.sign() * g  # d|a|/da
    if ord == 2:
        return g * where(out == 0, 0.0, a / out)  # a/‖a‖
    if math.isinf(ord):  # like amax(|a|): shared evenly by the entries that reach it (or are NaN)
        mask = (a.abs() == out) | a.isnan()
        return a.sign() * ((g / mask.sum(dims, keepdim=True)) * mask)
    if ord < 1:
        scaled = a.sign() * where(a == 0, 0.0, a.abs() ** (ord - 1))
        return scaled * g * out ** (1 - ord)
    scaled = a.sign() * a.abs() ** (ord - 1) if ord < 2 else a * a.abs() ** (ord - 2)
    return scaled * where(out == 0, 0.0, g / out ** (ord - 1))  # sign(a)|a|^(p-1) / ‖a‖^(p-1)


_vector_norm = Primitive(
    "linalg_vector_norm", _vector_norm_array,
    [lambda g, a, out, ord, dims, keepdim: _norm_grad(g, a, out, ord, dims, keepdim)],
    node_name="LinalgVectorNormBackward0",
    quiet=True,
)


def vector_norm(
    input: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None,
) -> Tensor:
    """`(Σ|a|^ord)^(1/ord)` over `dim` (all dims by default); ord may be 0, ±inf or any float."""
    if dtype is not None and input._data.dtype.kind == "f":
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_KIND[input.dtype.name]}"
        )
    ord = float(ord)
    dims = reduce_dims(input._data.ndim, dim)
    if math.isinf(ord):
        _check_identity(input._data.shape, dims, dim is None, ord)
    return _vector_norm(input, ord=ord, dims=dims, keepdim=keepdim)


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
    """Vector p-norm over `dim` (p: 'fro', a float, 0, ±inf); 'nuc' goes to `linalg.matrix_norm`."""
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
    """Matrix norm over the two dims `dim`: 'fro', 'nuc', ±1, ±2, ±inf."""
    if dtype is not None:
        A = A.to(dtype)
    check_matrix(A, "linalg.matrix_norm", square=False)
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
