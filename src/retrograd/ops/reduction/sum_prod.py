"""Sums and products: sum, mean, prod, nansum, nanmean, count_nonzero, logsumexp.

A reduction's derivative spreads the gradient back over the reduced dims:
`expand_reduced` re-inserts them (when `keepdim` was False) and broadcasts.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...engine.grad_mode import state
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..creation import zeros_like
from ..kernels.accumulate import mean_of_sum, wide_sum
from ..kernels.arg_types import keepdim_arg
from ..kernels.dtype_support import warn_discarded_imaginary
from ..kernels.operands import numpy_alias, promote_float, wrap_dim
from ..kernels.out_arg import ANY, floating, write_out
from ..shape.repeat_reorder import flip
from .along import count, keep, reduce_dims, reduced_shape, shift
from .cumulative import cumulative_product

__all__ = ["sum", "mean", "expand_reduced", "prod", "logsumexp"]


def expand_reduced(g: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Broadcast a reduced gradient back to the input's `shape`."""
    if not keepdim and dims:
        kept = list(g._data.shape)
        for d in dims:
            kept.insert(d, 1)
        g = g.reshape(kept)
    return g.expand(shape)


_sum_all = Primitive(
    "sum", lambda xp, a, dims, keepdim, dt: wide_sum(a, dtype=dt),
    [lambda g, a_shape: g.expand(a_shape)],  # every element contributes once
    node_name="SumBackward0",
    linear=True,  # forward mode: the tangent is the same reduction of the input's (PyTorch's jvp)
)
_sum = Primitive(
    "sum", lambda xp, a, dims, keepdim, dt: wide_sum(a, dims, keepdim, dt),
    [lambda g, a_shape, dims, keepdim: expand_reduced(g, a_shape, dims, keepdim)],
    node_name="SumBackward1",
    linear=True,  # forward mode: the tangent is the same reduction of the input's (PyTorch's jvp)
)
_mean_all = Primitive(
    "mean", lambda xp, a, dims, keepdim: mean_of_sum(a, tuple(range(a.ndim))),
    # 1/n everywhere; divided after the expand, so the gradient is a contiguous array as PyTorch's
    # (the values of a sparse embedding gradient: whether sparse sums merge them reads that)
    [lambda g, a_shape: g.expand(a_shape) / builtins.max(count(a_shape, tuple(range(len(a_shape)))), 1)],
    node_name="MeanBackward0",
    linear=True,  # forward mode: the tangent is the same reduction of the input's (PyTorch's jvp)
)
_mean = Primitive(
    "mean", lambda xp, a, dims, keepdim: mean_of_sum(a, dims, keepdim),
    [lambda g, a_shape, dims, keepdim:
        expand_reduced(g, a_shape, dims, keepdim) / builtins.max(count(a_shape, dims), 1)],
    node_name="MeanBackward1",
    linear=True,  # forward mode: the tangent is the same reduction of the input's (PyTorch's jvp)
)


def _sum_dtype(input: Tensor, dtype: _dt.dtype | None) -> Any:
    if dtype is not None:
        dt = _dt.from_python_type(dtype).np
        warn_discarded_imaginary(input, dt)
        return dt
    kind = input._data.dtype.kind
    return np.dtype(np.int64) if kind in "biu" else input._data.dtype


def sum(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: _dt.dtype | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Sum of all elements, or over `dim` (an int or a tuple). Integers sum as int64.

    Args:
        input (Tensor): the tensor to sum (`x.sum(...)` passes it as `self`).
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        dtype (dtype, optional): cast the input to this dtype first.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [4, 5, 6]])
        >>> x.sum()
        tensor(21)
        >>> retrograd.sum(x, dim=0)
        tensor([5, 7, 9])
        >>> x.sum(1, keepdim=True)
        tensor([[ 6],
                [15]])
    """
    keepdim_arg("sum", keepdim)
    if out is not None:
        return write_out(out, sum, locals(), ANY, dtype_from_out=True)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("sum", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("sum", keepdim, False, keepdims, "keepdims")
    if not isinstance(input, Tensor):
        raise not_a_tensor("sum", input)
    dt = _sum_dtype(input, dtype)
    if dim is None:
        return _sum_all(input, dims=None, keepdim=False, dt=dt)
    dims = reduce_dims(input._data.ndim, dim)  # a 0-d input takes dim 0 or -1 and reduces nothing
    return _sum(input, dims=dims, keepdim=keepdim, dt=dt)


def mean(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: _dt.dtype | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Mean of all elements, or over `dim`. Needs a floating dtype (or `dtype=`).

    Args:
        input (Tensor): a floating point or complex tensor.
        dim (int or tuple of int, optional): the dims to average over; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        dtype (dtype, optional): cast the input to this dtype first (how integers are averaged).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the mean, reduced like `sum`; RuntimeError for integer input without `dtype`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.mean()
        tensor(2.5000)
        >>> retrograd.mean(x, dim=1)
        tensor([1.5000, 3.5000])
        >>> retrograd.tensor([1, 2]).mean(dtype=retrograd.float32)
        tensor(1.5000)
    """
    keepdim_arg("mean", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("mean", input)
    if out is not None:
        return write_out(out, mean, locals())
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("mean", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("mean", keepdim, False, keepdims, "keepdims")
    if dtype is not None:
        dtype = _dt.from_python_type(dtype)
        check_mean_dtype("mean", dtype)
        input = input.to(dtype)
    if not (_dt.is_floating(input._data.dtype) or input._data.dtype.kind == "c"):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype.kind_name}"
        )
    if dim is None:
        return _mean_all(input, dims=None, keepdim=False)
    dims = reduce_dims(input._data.ndim, dim)  # a 0-d input takes dim 0 or -1 and reduces nothing
    return _mean(input, dims=dims, keepdim=keepdim)


def check_mean_dtype(name: str, dtype: _dt.dtype | None) -> None:
    """PyTorch's refusal of a mean asked for in a dtype that is neither floating nor complex."""
    if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(
            f"{name}(): could not infer output dtype. Optional dtype must be either a floating point or complex "
            f"dtype. Got: {dtype.kind_name}"
        )


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
    holomorphic=True,
)
_prod_dim = Primitive(
    "prod", _prod_array,
    [lambda g, a, out, dims, keepdim: _prod_grad(g, a, out, dims, keepdim)],
    node_name="ProdBackward1",
    holomorphic=True,
)


def prod(
    input: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    dtype: _dt.dtype | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Product of all elements, or along one `dim`. Integers and bool give int64.

    Args:
        input (Tensor): the tensor.
        dim (int, optional): the one dim to reduce; all elements when omitted.
        keepdim (bool): keep the reduced dim, with size 1 (default False).
        dtype (dtype, optional): cast the input to this dtype first.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the product, a 0-d tensor or `input`'s shape without `dim`.

    Examples:
        >>> x = retrograd.tensor([[1, 2], [3, 4]])
        >>> retrograd.prod(x)
        tensor(24)
        >>> x.prod(dim=0)
        tensor([3, 8])
    """
    keepdim_arg("prod", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("prod", input)
    if out is not None:
        return write_out(out, prod, locals(), ANY, dtype_from_out=True)
    if _autocasting[0] and dtype is None:  # (an explicit dtype opts out of autocast, as in PyTorch)
        input = _float32(input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("prod", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("prod", keepdim, False, keepdims, "keepdims")
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


# --- logsumexp: log Σ eᵃ, shifted by the max so that nothing overflows ---

def _logsumexp_array(xp: Any, a: Any, dims: tuple, keepdim: bool) -> Any:
    if any(a.shape[d] == 0 for d in dims):  # empty slices: log 0 = -inf (CuPy's max takes no initial=)
        return xp.full(reduced_shape(a.shape, dims, keepdim), -xp.inf, a.dtype)
    top = xp.max(a, axis=dims, keepdims=True)
    top = xp.where(xp.isinf(top), xp.zeros((), a.dtype), top)  # all -inf (or +inf) slices: shift by 0
    out = xp.log(xp.sum(xp.exp(a - top), axis=dims, keepdims=True)) + top
    return out if keepdim else out.reshape(reduced_shape(a.shape, dims, False))


def _logsumexp_half_array(xp: Any, a: Any, dims: tuple, keepdim: bool) -> Any:
    """float16/bfloat16 as PyTorch's kernel: `a - max`, its exp, their sum (accumulated wide), its
    log and `+ max` each rounded to `a`'s dtype (a router's z-loss in bfloat16 gives its bits)."""
    if any(a.shape[d] == 0 for d in dims):
        return _logsumexp_array(xp, a, dims, keepdim)

    def rounded(v: Any) -> Any:
        return v.astype(a.dtype).astype(np.float32)

    wide = a.astype(np.float32)
    top = xp.max(wide, axis=dims, keepdims=True)
    top = xp.where(xp.isinf(top), xp.zeros((), top.dtype), top)
    sum_exp = rounded(wide_sum(rounded(xp.exp(rounded(wide - top))), dims, True))
    out = (rounded(xp.log(sum_exp)) + top).astype(a.dtype)
    return out if keepdim else out.reshape(reduced_shape(a.shape, dims, False))


_logsumexp = Primitive(
    "logsumexp", _logsumexp_array,
    [lambda g, a, out, dims, keepdim: keep(g, dims, keepdim) * (a - keep(out, dims, keepdim)).exp()],  # softmax
    node_name="LogsumexpBackward0",
    quiet=True,
    holomorphic=True,
    half_forward=_logsumexp_half_array,
)


def logsumexp(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """`log(sum(exp(input)))` over `dim`, computed without overflow (integers give the default float).

    Args:
        input (Tensor): any shape; integer and bool inputs are promoted to the default float.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[0.0, 1.0, 2.0], [1000.0, 1000.0, 1000.0]])
        >>> retrograd.logsumexp(x, dim=1)
        tensor([   2.4076, 1001.0986])
        >>> x.logsumexp(0, keepdim=True)
        tensor([[1000., 1000., 1000.]])
    """
    keepdim_arg("logsumexp", keepdim)
    if out is not None:
        return write_out(
            out,
            logsumexp,
            locals(),
            floating("logsumexp(): Expected floating point type for result tensor, but got: {dst}"),
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("logsumexp", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('logsumexp() missing 1 required positional arguments: "dim"')
    if keepdims is not None:
        keepdim = numpy_alias("logsumexp", keepdim, False, keepdims, "keepdims")
    x = promote_float(input)
    return _logsumexp(x, dims=reduce_dims(x._data.ndim, dim), keepdim=keepdim)
