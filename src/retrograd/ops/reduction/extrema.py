"""Largest and smallest values: max, min, amax, amin, argmax, argmin, aminmax.

PyTorch splits the gradient in two ways, and so do we:
- `max(x)`, `amax`, `amin`, `aminmax` share it evenly among all the entries equal
  to the result (among the NaNs when the result is NaN, for `max(x)`/`min(x)`);
- `max(x, dim)` and `min(x, dim)` give all of it to the one index they return
  (the first occurrence).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ... import return_types
from ...backend import namespace
from ...engine import primitive as _primitive  # (its `tracer`, read at call time: retrograd.compile)
from ...engine.primitive import Primitive, not_a_tensor
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..elementwise.clamp_where import maximum, minimum
from ..kernels.arg_types import invalid_combination, keepdim_arg
from ..kernels.dtype_support import no_complex, no_complex_or_wide_unsigned_kernel, no_wide_unsigned_kernel
from ..kernels.operands import numpy_alias, wrap_dim
from ..kernels.out_arg import SAME, SAME_AS_INPUT, write_out
from .along import evenly, keep, reduce_dims, reduced_shape, selection

__all__ = ["max", "min", "amax", "amin", "argmax", "argmin", "aminmax"]


def _share_by_count(g: Tensor, a: Tensor, out: Tensor, dims: tuple, keepdim: bool) -> Tensor:
    """amax/amin's gradient: each slice's share split among its entries equal to the result."""
    mask = a == keep(out, dims, keepdim)
    return (keep(g, dims, keepdim) / mask.sum(dims, keepdim=True)) * mask  # -0.0 where masked, as PyTorch's


def _full_primitive(name: str, reduce: str) -> Primitive:
    return Primitive(
        name, lambda xp, a: getattr(a, reduce)(),
        [lambda g, a, out: evenly(g, a, out)],
        node_name=name.capitalize() + "Backward1",
    )


def _amax_primitive(name: str, reduce: str) -> Primitive:
    return Primitive(
        name, lambda xp, a, dims, keepdim: getattr(a, reduce)(axis=dims, keepdims=keepdim),
        [lambda g, a, out, dims, keepdim: _share_by_count(g, a, out, dims, keepdim)],
        node_name=name.capitalize() + "Backward0",
    )


_max_all, _min_all = _full_primitive("max", "max"), _full_primitive("min", "min")
_amax, _amin = _amax_primitive("amax", "max"), _amax_primitive("amin", "min")
_max_dim, _min_dim = selection("MaxBackward0"), selection("MinBackward0")
_aminmax = Primitive(
    "aminmax", lambda xp, a, dims, keepdim: (a.min(axis=dims, keepdims=keepdim), a.max(axis=dims, keepdims=keepdim)),
    [lambda g, a, out, dims, keepdim:
        _share_by_count(g[0], a, out[0], dims, keepdim) + _share_by_count(g[1], a, out[1], dims, keepdim)],
    node_name="AminmaxBackward0",
    n_outputs=2,
)


def _check_not_empty(name: str, shape: tuple, dims: tuple, dim_given: bool, error: type = IndexError) -> None:
    """PyTorch's errors for max/min-like reductions over nothing (they have no identity)."""
    if not dim_given and 0 in shape:
        raise error(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


_EXTREMA_SIGNATURES = (
    "Tensor input, *, Tensor out = None",
    "Tensor input, Tensor other, *, Tensor out = None",
    "Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None",
)


def _check_elementwise_form(name: str, input: Tensor, dim: Any, other: Any, keepdim: Any) -> None:
    """max(input, other) takes no dim and no keepdim: PyTorch's parser refuses `max(a, b, c)`."""
    if keepdim is not False or (other is not None and dim is not None):
        given = tuple(v for v in (dim, other) if v is not None) + (keepdim,)
        raise invalid_combination(name, (input, *given), _EXTREMA_SIGNATURES)


def _by_dim(name: str, input: Tensor, dim: Any, keepdim: bool) -> Any:
    """max/min along one dim: (values, indices), the gradient going to the returned index."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):  # (a bool is no dim)
        raise invalid_combination(name, (input, dim), _EXTREMA_SIGNATURES)
    no_complex(RuntimeError, f"{name}(): does not support complex input", input)
    no_wide_unsigned_kernel(f"{name}_cpu", input)
    if _vmap.active:
        r = batched("along", lambda x, d: _by_dim(name, x, d, keepdim), input, dim)
        if r is not NOT_BATCHED:
            return r
    a = input._data
    d = wrap_dim(int(dim), a.ndim)
    _check_not_empty(name, a.shape, (d,) if a.ndim else (), True)
    xp = namespace(a)
    work = a.reshape(a.shape or (1,))
    index = (xp.argmax if name == "max" else xp.argmin)(work, axis=d, keepdims=True)
    shape = reduced_shape(a.shape, (d,) if a.ndim else (), keepdim)
    prim = _max_dim if name == "max" else _min_dim
    values = prim(input, index=index, dim=d, shape=shape)
    return getattr(return_types, name)(values, Tensor._make(index.reshape(shape).copy()))


def max(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    other: Tensor | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """The largest value; with `dim`, `(values, indices)` along it; with a tensor, `maximum`.

    Args:
        input (Tensor): the tensor.
        dim (int, optional): the dim to reduce; when given, the positions come back too.
        keepdim (bool): keep the reduced dim, with size 1 (default False).
        other (Tensor, optional): compare elementwise with this tensor instead (`max(a, b)`).
        out (tuple of Tensor, optional): tensors to write the result into.

    Returns:
        Tensor or (Tensor, Tensor): a 0-d tensor of the largest value; with `dim`, a named tuple
            `(values, indices)`; with a second tensor, the elementwise maximum.

    Examples:
        >>> x = retrograd.tensor([[1, 5], [7, 2]])
        >>> x.max()
        tensor(7)
        >>> values, indices = retrograd.max(x, dim=1)
        >>> values, indices
        (tensor([5, 7]), tensor([1, 0]))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("max", input)
    if out is not None:
        return write_out(out, max, locals(), SAME)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("max", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("max", keepdim, False, keepdims, "keepdims")
    if isinstance(dim, Tensor) or other is not None:
        _check_elementwise_form("max", input, dim, other, keepdim)
        return maximum(input, dim if other is None else other)
    keepdim_arg("max", keepdim)  # (after the elementwise form, whose own check names the overloads)
    if dim is None:
        no_complex_or_wide_unsigned_kernel("max_all", input)
        _check_not_empty("max", input._data.shape, (), False, RuntimeError)
        return _max_all(input)
    return _by_dim("max", input, dim, keepdim)


def min(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    other: Tensor | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """The smallest value; with `dim`, `(values, indices)` along it; with a tensor, `minimum`.

    Args:
        input (Tensor): the tensor.
        dim (int, optional): the dim to reduce; when given, the positions come back too.
        keepdim (bool): keep the reduced dim, with size 1 (default False).
        other (Tensor, optional): compare elementwise with this tensor instead (`min(a, b)`).
        out (tuple of Tensor, optional): tensors to write the result into.

    Returns:
        Tensor or (Tensor, Tensor): a 0-d tensor of the smallest value; with `dim`, a named tuple
            `(values, indices)`; with a second tensor, the elementwise minimum.

    Examples:
        >>> x = retrograd.tensor([[1, 5], [7, 2]])
        >>> retrograd.min(x)
        tensor(1)
        >>> x.min(dim=0).indices
        tensor([0, 1])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("min", input)
    if out is not None:
        return write_out(out, min, locals(), SAME)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("min", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("min", keepdim, False, keepdims, "keepdims")
    if isinstance(dim, Tensor) or other is not None:
        _check_elementwise_form("min", input, dim, other, keepdim)
        return minimum(input, dim if other is None else other)
    keepdim_arg("min", keepdim)  # (after the elementwise form, whose own check names the overloads)
    if dim is None:
        no_complex_or_wide_unsigned_kernel("min_all", input)
        _check_not_empty("min", input._data.shape, (), False, RuntimeError)
        return _min_all(input)
    return _by_dim("min", input, dim, keepdim)


def _amax_like(name: str, prim: Primitive, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    dims = reduce_dims(input._data.ndim, dim)
    given = not (isinstance(dim, (tuple, list)) and len(dim) == 0) and dim is not None
    _check_not_empty(name, input._data.shape, dims, given, RuntimeError)
    return prim(input, dims=dims, keepdim=keepdim)


def amax(
    input: Tensor,
    dim: Any = (),
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Largest values over `dim` (all dims by default), without their indices; ties share the gradient evenly.

    Args:
        input (Tensor): any shape.
        dim (int or tuple of int): the dims to reduce; all of them when `()` (default).
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1, 5, 2], [7, 0, 3]])
        >>> retrograd.amax(x)
        tensor(7)
        >>> retrograd.amax(x, dim=1)
        tensor([5, 7])
        >>> x.amax((0, 1), keepdim=True)
        tensor([[7]])
    """
    keepdim_arg("amax", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("amax", input)
    if out is not None:
        return write_out(
            out,
            amax,
            locals(),
            SAME_AS_INPUT,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("amax", dim, (), axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("amax", keepdim, False, keepdims, "keepdims")
    no_complex_or_wide_unsigned_kernel("max_values_cpu", input)
    return _amax_like("amax", _amax, input, dim, keepdim)


def amin(
    input: Tensor,
    dim: Any = (),
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Smallest values over `dim` (all dims by default), without their indices; ties share the gradient evenly.

    Args:
        input (Tensor): any shape.
        dim (int or tuple of int): the dims to reduce; all of them when `()` (default).
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
        >>> retrograd.amin(x)
        tensor(0.)
        >>> retrograd.amin(x, dim=0)
        tensor([1., 0., 2.])
    """
    keepdim_arg("amin", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("amin", input)
    if out is not None:
        return write_out(
            out,
            amin,
            locals(),
            SAME_AS_INPUT,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("amin", dim, (), axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("amin", keepdim, False, keepdims, "keepdims")
    no_complex_or_wide_unsigned_kernel("min_values_cpu", input)
    return _amax_like("amin", _amin, input, dim, keepdim)


def _arg_kernel(xp: Any, a: Any, name: str, dim: int | None, keepdim: bool) -> Any:
    """The int64 index of the largest (argmax) or smallest (argmin) entry, overall or along `dim`."""
    find = xp.argmax if name == "argmax" else xp.argmin
    if dim is None:
        index = xp.asarray(find(a), dtype=np.int64)
        return index.reshape((1,) * a.ndim) if keepdim else index
    if a.ndim == 0:
        return xp.zeros((), np.int64)
    return find(a, axis=dim, keepdims=keepdim).astype(np.int64, copy=False)


# inside a retrograd.compile recording the kernel runs as a primitive, so that an index made from
# recorded values (a step's accuracy) is recorded too rather than frozen (see `compare._compare`)
_arg_primitives = {n: Primitive(n, _arg_kernel, [None]) for n in ("argmax", "argmin")}


def _arg(name: str, input: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    if _vmap.active:
        nd = input._data.ndim
        if dim is None:  # over the flattened example; keepdim leaves its ndim ones
            r = batched("flat", lambda x: _arg(name, x, 1, False).reshape((-1,) + (1,) * nd * keepdim), input)
        else:
            r = batched("along", lambda x, d: _arg(name, x, d, keepdim), input, dim)
        if r is not NOT_BATCHED:
            return r
    a = input._data
    no_wide_unsigned_kernel(f"{name}_cpu", input)
    if a.dtype.kind in "bc":  # no order PyTorch will use
        raise RuntimeError(f"{name}(): does not support {'bool' if a.dtype.kind == 'b' else 'complex'} input")
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    else:
        dim = wrap_dim(dim, a.ndim)
        if a.ndim != 0:
            _check_not_empty(name, a.shape, (dim,), True)
    if _primitive.tracer is not None:
        return _arg_primitives[name](Tensor._make(a), name=name, dim=dim, keepdim=keepdim)
    return Tensor._make(_arg_kernel(namespace(a), a, name, dim, keepdim))


def argmax(
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None,
) -> Tensor:
    """Index (int64) of the first largest value, in the flattened input or along `dim`; NaN counts as largest.

    Args:
        input (Tensor): the tensor.
        dim (int, optional): the dim to reduce; the flattened input when omitted.
        keepdim (bool): keep the reduced dim, with size 1 (default False; ignored without `dim`).

    Returns:
        Tensor: int64 positions; a 0-d tensor (a flat index) when `dim` is omitted.

    Examples:
        >>> x = retrograd.tensor([[1, 5], [7, 2]])
        >>> x.argmax()
        tensor(2)
        >>> retrograd.argmax(x, dim=1)
        tensor([1, 0])
    """
    keepdim_arg("argmax", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("argmax", input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("argmax", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("argmax", keepdim, False, keepdims, "keepdims")
    return _arg("argmax", input, dim, keepdim)


def argmin(
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None,
) -> Tensor:
    """Index (int64) of the first smallest value, in the flattened input or along `dim`; NaN counts as smallest.

    Args:
        input (Tensor): the tensor.
        dim (int, optional): the dim to reduce; the flattened input when omitted.
        keepdim (bool): keep the reduced dim, with size 1 (default False; ignored without `dim`).

    Returns:
        Tensor: int64 positions; a 0-d tensor (a flat index) when `dim` is omitted.

    Examples:
        >>> x = retrograd.tensor([[1, 5], [7, 2]])
        >>> retrograd.argmin(x)
        tensor(0)
        >>> x.argmin(dim=0, keepdim=True)
        tensor([[0, 1]])
    """
    keepdim_arg("argmin", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("argmin", input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("argmin", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("argmin", keepdim, False, keepdims, "keepdims")
    return _arg("argmin", input, dim, keepdim)


def aminmax(
    input: Tensor, *, dim: int | None = None, keepdim: bool = False, out: Any = None, axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """The smallest and the largest values at once, over all elements or along `dim`.

    Args:
        input (Tensor): a non-empty tensor of any shape.
        dim (int, optional): the dim to reduce (keyword only); all elements when None.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (tuple of Tensor, optional): `(min, max)` tensors of `input`'s dtype to write the results into.

    Returns:
        return_types.aminmax: `(min, max)`, each 0-d or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1, 5, 2], [7, 0, 3]])
        >>> retrograd.aminmax(x)
        retrograd.return_types.aminmax(
        min=tensor(0),
        max=tensor(7))
        >>> retrograd.aminmax(x, dim=1).max
        tensor([5, 7])
    """
    keepdim_arg("aminmax", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("aminmax", input)
    if out is not None:
        return write_out(out, aminmax, locals(), SAME, SAME)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("aminmax", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("aminmax", keepdim, False, keepdims, "keepdims")
    no_complex_or_wide_unsigned_kernel("aminmax_cpu", input)
    a = input._data
    if dim is None:
        if a.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."
            )
        dims = tuple(builtins.range(a.ndim))
    else:
        dims = reduce_dims(a.ndim, dim)
        for d in dims:
            if a.shape[d] == 0:
                raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    mn, mx = _aminmax(input, dims=dims, keepdim=keepdim)
    return return_types.aminmax(mn, mx)
