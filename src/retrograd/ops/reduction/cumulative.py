"""Running reductions along a dim: cumsum, cumprod, cummax, cummin.

cumprod's derivative is d/da_k of y_j = Π_{i<=j} a_i, i.e. Σ_{j>=k} g_j Π_{i<=j, i≠k} a_i.
Without zeros that is `reversed_cumsum(g·y) / a`. With zeros we never divide:
first-order backward uses PyTorch's O(n) case split around the first two zeros;
under `create_graph` it builds the O(n²) products explicitly, which is
differentiable again (PyTorch does the same).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ... import return_types
from ...backend import namespace
from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..elementwise.clamp_where import where
from ..kernels.accumulate import wide_cumprod
from ..kernels.dtype_support import no_complex_or_wide_unsigned_kernel, warn_discarded_imaginary
from ..kernels.operands import constant, numpy_alias, wrap_dim
from ..kernels.out_arg import ANY, same, write_out
from ..kernels.scan import accumulate
from .along import _shift_array, cumulative_sum, selection

__all__ = ["cumsum", "cumprod", "cummax", "cummin"]


def _accumulate_dtype(input: Tensor, dtype: _dt.dtype | None, op: str = "cumsum") -> Any:
    dtype = _dt.from_python_type(dtype)
    if dtype is not None:
        if dtype == _dt.bool_:  # PyTorch has no bool running-sum kernel
            raise NotImplementedError(f"\"{op}_out_cpu\" not implemented for 'Bool'")
        warn_discarded_imaginary(input, dtype.np)
        return dtype.np
    return np.dtype(np.int64) if input._data.dtype.kind in "biu" else input._data.dtype


def cumsum(
    input: Tensor, dim: int | None = None, *, dtype: _dt.dtype | None = None, out: Any = None, axis: Any = None,
) -> Tensor:
    """Running sums along `dim`. Integers and bool give int64 unless `dtype` says otherwise.

    Args:
        input (Tensor): the tensor.
        dim (int): the dim to accumulate along (required).
        dtype (dtype, optional): cast the input to this dtype first.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s shape; element i is the sum of elements 0..i along `dim`.

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [4, 5, 6]])
        >>> retrograd.cumsum(x, dim=1)
        tensor([[ 1,  3,  6],
                [ 4,  9, 15]])
        >>> x.cumsum(0)
        tensor([[1, 2, 3],
                [5, 7, 9]])
    """
    if out is not None:
        return write_out(out, cumsum, locals(), ANY, dtype_from_out=True)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("cumsum", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('cumsum() missing 1 required positional arguments: "dim"')
    d = wrap_dim(dim, input._data.ndim)
    return cumulative_sum(input, d, False, _accumulate_dtype(input, dtype))


def _cumprod_array(xp: Any, a: Any, dim: int, dt: Any) -> Any:
    return a.astype(dt, copy=True) if a.ndim == 0 else wide_cumprod(xp, a, dim, dt)


def _cumprod_grad(g: Tensor, a: Tensor, out: Tensor, dim: int) -> Tensor:
    x = a._data
    if x.ndim == 0 or x.shape[dim] <= 1:
        return g
    if type(a) is not Tensor:  # batched by vmap: its zeros cannot be looked for, so the formula that allows them
        return _cumprod_grad_quadratic(g, a, dim)
    if not (x == 0).any():
        return cumulative_sum(out * g, dim, reverse=True) / a  # Σ_{j>=k} g_j y_j / a_k
    if not state.enabled and type(g) is Tensor:  # a first-order, unbatched backward: the O(n) formula on arrays
        return Tensor._make(_cumprod_grad_with_zeros(namespace(x), g._data, x, out._data, dim))
    return _cumprod_grad_quadratic(g, a, dim)


def _cumprod_grad_with_zeros(xp: Any, g: Any, x: Any, y: Any, dim: int) -> Any:
    """Σ_{j>=k} g_j Π_{i<=j, i≠k} x_i when x has zeros; z1, z2 are the first two zeros of a slice."""
    zero = x == 0
    seen = xp.cumsum(zero, axis=dim)
    before = seen == 0  # k < z1: no zero in Π, so divide as usual (only the terms j < z1 survive)
    tail = xp.flip(xp.cumsum(xp.flip(xp.where(before, y * g, 0), dim), axis=dim), dim)
    result = xp.where(before, tail / xp.where(before, x, 1), 0)
    first = zero & (seen == 1)  # k = z1: Π_{i<z1} x_i · Σ_{z1<=j<z2} g_j Π_{z1<i<=j} x_i
    inner = xp.cumprod(xp.where((seen == 1) & ~first, x, 1), axis=dim)
    total = xp.sum(xp.where(seen == 1, g, 0) * inner, axis=dim, keepdims=True)
    prefix = xp.cumprod(_shift_array(xp, x, dim, 1, 1), axis=dim)
    return xp.where(first, total * prefix, result)  # k > z1: every product holds x_{z1} = 0


def _cumprod_grad_quadratic(g: Tensor, a: Tensor, dim: int) -> Tensor:
    """The same sum as (..., k, j) products with x_k replaced by 1: O(n²), but differentiable."""
    n = a._data.shape[dim]
    xp = namespace(a._data)
    x = a.movedim(dim, -1).unsqueeze(-2)  # (..., 1, n): x_j
    rows = where(constant(xp.eye(n, dtype=bool), _dt.bool_), 1.0, x)  # (..., k, j), x_k → 1
    products = cumulative_product(rows, rows._data.ndim - 1)  # Π_{i<=j, i≠k} x_i
    upper = constant(xp.triu(xp.ones((n, n), dtype=bool)), _dt.bool_)  # j >= k
    weights = where(upper, g.movedim(dim, -1).unsqueeze(-2), 0.0)
    return (products * weights).sum(-1).movedim(-1, dim)


_cumprod = Primitive(
    "cumprod", _cumprod_array,
    [lambda g, a, out, dim: _cumprod_grad(g, a, out, dim)],
    node_name="CumprodBackward0",
    holomorphic=True,
)


def cumulative_product(a: Tensor, dim: int, dt: Any = None) -> Tensor:
    """Running products along a non-negative `dim` (the primitive behind `cumprod`)."""
    return _cumprod(a, dim=dim, dt=a._data.dtype if dt is None else dt)


def cumprod(
    input: Tensor, dim: int | None = None, *, dtype: _dt.dtype | None = None, out: Any = None, axis: Any = None,
) -> Tensor:
    """Running products along `dim`: `out[i] = input[0] * ... * input[i]`.

    Args:
        input (Tensor): any shape; integers and bool give int64 unless `dtype` says otherwise.
        dim (int): the dim to run along.
        dtype (dtype, optional): cast the input to this dtype first.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape as `input`.

    Examples:
        >>> retrograd.cumprod(retrograd.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  2,  6, 24])
        >>> retrograd.tensor([[1.0, 2.0], [3.0, 0.5]]).cumprod(1)
        tensor([[1.0000, 2.0000],
                [3.0000, 1.5000]])
    """
    if out is not None:
        return write_out(out, cumprod, locals(), ANY, dtype_from_out=True)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("cumprod", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('cumprod() missing 1 required positional arguments: "dim"')
    d = wrap_dim(dim, input._data.ndim)
    return cumulative_product(input, d, _accumulate_dtype(input, dtype, "cumprod"))


# cummax/cummin pick a[index] for a running index, so their gradient is a scatter-add there
_cummax_values = selection("CummaxBackward0", unique=False)
_cummin_values = selection("CumminBackward0", unique=False)


def _running_index(xp: Any, a: Any, dim: int, largest: bool) -> Any:
    """Index of the running max/min: the latest entry that reached it (ties and NaNs update it)."""
    best = accumulate(xp, "maximum" if largest else "minimum", a, dim)
    hit = (a == best) | (a != a)
    shape = [1] * a.ndim
    shape[dim] = a.shape[dim]
    position = xp.arange(a.shape[dim], dtype=np.int64).reshape(shape)
    return accumulate(xp, "maximum", xp.where(hit, position, 0), dim)


def _cumulative_extreme(input: Tensor, dim: int, largest: bool) -> Any:
    if _vmap.active:
        r = batched("along", lambda x, d: _cumulative_extreme(x, d, largest), input, dim)
        if r is not NOT_BATCHED:
            return r
    a = input._data
    d = wrap_dim(dim, a.ndim)
    index = _running_index(namespace(a), a.reshape(a.shape or (1,)), d, largest)
    prim = _cummax_values if largest else _cummin_values
    values = prim(input, index=index, dim=d, shape=a.shape)
    kind = return_types.cummax if largest else return_types.cummin
    return kind(values, Tensor._make(index.reshape(a.shape).copy()))


# cummax/cummin's out tensors: each of its result's own dtype, in the words of PyTorch's kernel
_SCALAR_TYPE = same("expected scalar_type {src} but found {dst}")


def cummax(input: Tensor, dim: int | None = None, *, out: Any = None, axis: Any = None) -> Any:
    """Running maximum along `dim`, with the index where each running maximum was found (NaN propagates).

    Args:
        input (Tensor): any shape.
        dim (int): the dim to run along.
        out (tuple of Tensor, optional): `(values, indices)` tensors to write the results into.

    Returns:
        return_types.cummax: a named tuple `(values, indices)`, both `input`'s shape; `indices` is int64.

    Examples:
        >>> r = retrograd.cummax(retrograd.tensor([1.0, 3.0, 2.0, 5.0, 4.0]), dim=0)
        >>> r.values
        tensor([1., 3., 3., 5., 5.])
        >>> r.indices
        tensor([0, 1, 1, 3, 3])
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("cummax", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('cummax() missing 1 required positional arguments: "dim"')
    no_complex_or_wide_unsigned_kernel("cummax_cpu", input)
    if out is not None:
        return write_out(out, cummax, locals(), _SCALAR_TYPE, _SCALAR_TYPE)
    return _cumulative_extreme(input, dim, True)


def cummin(input: Tensor, dim: int | None = None, *, out: Any = None, axis: Any = None) -> Any:
    """Running minimum along `dim`, with the index where each running minimum was found (NaN propagates).

    Args:
        input (Tensor): any shape.
        dim (int): the dim to run along.
        out (tuple of Tensor, optional): `(values, indices)` tensors to write the results into.

    Returns:
        return_types.cummin: a named tuple `(values, indices)`, both `input`'s shape; `indices` is int64.

    Examples:
        >>> r = retrograd.cummin(retrograd.tensor([[4, 2, 3], [1, 5, 0]]), dim=1)
        >>> r.values
        tensor([[4, 2, 2],
                [1, 1, 0]])
        >>> r.indices
        tensor([[0, 1, 1],
                [0, 0, 2]])
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("cummin", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('cummin() missing 1 required positional arguments: "dim"')
    no_complex_or_wide_unsigned_kernel("cummin_cpu", input)
    if out is not None:
        return write_out(out, cummin, locals(), _SCALAR_TYPE, _SCALAR_TYPE)
    return _cumulative_extreme(input, dim, False)
