"""Ordering: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode.

Every op here picks entries of its input, so its value is `gather(input, index)`
and its gradient goes back to the picked positions (a scatter). Indices are
computed on arrays in the wrapper, returned as int64 tensors without gradient.

Order of equal values: NaN sorts as the largest value; `sort(stable=True)` keeps ties in
their input order. PyTorch's CPU sort without `stable=True`, topk, kthvalue and mode use
unstable algorithms; on the CPU, rows where that decides among equal values are replayed
step by step (`kernels.cpu_selection`), so the indices match PyTorch's too.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import return_types
from ..backend import namespace
from ..engine.primitive import Primitive, not_a_tensor
from ..engine.vmap_hook import NOT_BATCHED, batched
from ..engine.vmap_hook import hook as _vmap
from ..tensor import Tensor
from .kernels.arg_types import bool_arg, int_arg, invalid_combination, keepdim_arg
from .kernels.cpu_selection import replay_kthvalue, replay_mode, replay_sort, replay_topk
from .kernels.operands import numpy_alias, wrap_dim
from .kernels.out_arg import MEDIAN, SAME, same, write_out
from .kernels.scan import accumulate
from .reduction.along import evenly, reduced_shape, selection

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode"]

_sort_values = selection("SortBackward0")
_stable_sort_values = selection("SortBackward1")  # PyTorch's overload with `stable` given
_topk_values = selection("TopkBackward0")
_kthvalue_values = selection("KthvalueBackward0")
_median_values = selection("MedianBackward1")
_nanmedian_values = selection("NanmedianBackward1")
_mode_values = selection("ModeBackward0")


_SORT_SIGNATURES = (
    "Tensor input, *, bool stable, int dim = -1, bool descending = False, tuple of Tensors out = None",
    "Tensor input, int dim = -1, bool descending = False, *, tuple of Tensors out = None",
)
_ARGSORT_SIGNATURES = (
    "Tensor input, *, bool stable, int dim = -1, bool descending = False, Tensor out = None",
    "Tensor input, int dim = -1, bool descending = False",
)


def _check_order_args(fn: str, input: Tensor, dim: Any, descending: Any, signatures: tuple[str, ...]) -> None:
    """PyTorch's TypeError for a `dim` that is not an int (a bool or float) or a `descending` that is
    not a bool: `sort(x, True)` would otherwise sort along dim 1."""
    int_dim = isinstance(dim, (int, np.integer)) and not isinstance(dim, (bool, np.bool_))
    if not int_dim or type(descending) is not bool:
        raise invalid_combination(fn, (input, dim, descending)[: 3 if descending is not False else 2], signatures)


def _stable_order(xp: Any, a: Any, dim: int, descending: bool) -> Any:
    """Stable argsort along `dim` (NaN last ascending, first descending; ties in input order)."""
    if not descending:
        return xp.argsort(a, axis=dim, kind="stable")
    # sort the reversed input, reverse back: descending order with ties still in input order
    reversed_order = xp.argsort(xp.flip(a, dim), axis=dim, kind="stable")
    return (a.shape[dim] - 1) - xp.flip(reversed_order, dim)


def _sort_order(xp: Any, input: Tensor, a: Any, dim: int, descending: bool, stable: Any) -> Any:
    """The order `sort` gives: stable where asked, or where PyTorch's CPU kernel radix-sorts (1-d
    integers ascending, from 32768 = GRAIN_SIZE entries); else, on the CPU, `std::sort`'s."""
    order = _stable_order(xp, a, dim, descending)
    radix = input._data.ndim == 1 and not descending and a.dtype.kind in "iu" and a.size >= 32768
    if stable or radix or xp is not np:
        return order
    return _by_rows(lambda rows, idx: replay_sort(rows, descending, idx), a, order, dim)


def _orderable(kernel: str, input: Tensor) -> None:
    """PyTorch's error for complex input to a sort or order statistic (NumPy would order
    lexicographically); `kernel` is "Sort" or "topk" for its RuntimeErrors, else the kernel's name."""
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":
        if kernel in ("Sort", "topk"):
            raise RuntimeError(f" {kernel} does not support complex dtypes on CPU")
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{input.dtype.kind_name}'")


def _no_bool_kernel(kernel: str, input: Tensor) -> None:
    """PyTorch's error for a bool input to a CPU order statistic (sort and mode have bool kernels;
    `kernel` is "topk" or the dispatch name in the NotImplementedError)."""
    if input._data.dtype.kind == "b":
        if kernel == "topk":
            raise RuntimeError("topk does not support bool dtypes on CPU")
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _prepare(input: Tensor, dim: int) -> tuple[Any, Any, int]:
    """(xp, the input's array with a 0-d input as 1-d, the wrapped dim)."""
    a = input._data
    return namespace(a), a.reshape(a.shape or (1,)), wrap_dim(dim, a.ndim)


def _pair(kind: type, prim: Primitive, input: Tensor, index: Any, dim: int, shape: tuple) -> Any:
    values = prim(input, index=index, dim=dim, shape=shape)
    return kind(values, Tensor._make(index.reshape(shape).copy()))


def sort(
    input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = None, out: Any = None,
    axis: Any = None,
) -> Any:
    """`(values, indices)` sorted along `dim`; equal values in PyTorch's order (see `stable`).

    Args:
        input (Tensor): the tensor.
        dim (int): the dim to sort along (default -1, the last).
        descending (bool): largest first (default False).
        stable (bool, optional): True keeps equal values in their input order; otherwise their
            order is that of PyTorch's CPU kernel (`std::sort`, stable for rows of at most 16).
            Given (True or False), the values' grad_fn is SortBackward1, as in PyTorch.
        out (tuple of Tensor, optional): tensors to write the result into.

    Returns:
        (Tensor, Tensor): a named tuple `(values, indices)`: the sorted values, and the int64
            positions in `input` they came from.

    Examples:
        >>> x = retrograd.tensor([3, 1, 2])
        >>> retrograd.sort(x)
        retrograd.return_types.sort(
        values=tensor([1, 2, 3]),
        indices=tensor([1, 2, 0]))
        >>> x.sort(descending=True).values
        tensor([3, 2, 1])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("sort", input)
    if out is not None:
        return write_out(out, sort, locals(), SAME)
    _orderable("Sort", input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("sort", dim, -1, axis, "axis")
    _check_order_args("sort", input, dim, descending, _SORT_SIGNATURES)
    if _vmap.active:
        r = batched("along", lambda x, d: sort(x, d, descending, stable=stable), input, dim)
        if r is not NOT_BATCHED:
            return r
    xp, a, d = _prepare(input, dim)
    index = _sort_order(xp, input, a, d, descending, stable)
    values = _sort_values if stable is None else _stable_sort_values
    return _pair(return_types.sort, values, input, index, d, input._data.shape)


def argsort(
    input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False, axis: Any = None,
) -> Tensor:
    """The indices (int64) that sort `input` along `dim`.

    Args:
        input (Tensor): the tensor.
        dim (int): the dim to sort along (default -1, the last).
        descending (bool): largest first (default False).
        stable (bool): True keeps equal values in their input order (see `sort`).

    Returns:
        Tensor: int64 positions of `input`'s shape, as in `sort(...).indices`.

    Examples:
        >>> x = retrograd.tensor([[3, 1, 2], [0, 9, 4]])
        >>> retrograd.argsort(x)
        tensor([[1, 2, 0],
                [0, 2, 1]])
        >>> x.argsort(dim=0, descending=True)
        tensor([[0, 1, 1],
                [1, 0, 0]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("argsort", input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("argsort", dim, -1, axis, "axis")
    _check_order_args("argsort", input, dim, descending, _ARGSORT_SIGNATURES)
    _orderable("Sort", input)
    if _vmap.active:
        r = batched("along", lambda x, d: argsort(x, d, descending, stable=stable), input, dim)
        if r is not NOT_BATCHED:
            return r
    xp, a, d = _prepare(input, dim)
    return Tensor._make(_sort_order(xp, input, a, d, descending, stable).reshape(input._data.shape))


def msort(input: Tensor, *, out: Any = None) -> Tensor:
    """`sort(input, dim=0).values`.

    Args:
        input (Tensor): the tensor to sort along its first dim.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the sorted values, same shape (no indices).

    Examples:
        >>> retrograd.msort(retrograd.tensor([[3, 1], [1, 2], [2, 0]]))
        tensor([[1, 0],
                [2, 1],
                [3, 2]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("msort", input)
    if out is not None:
        return write_out(out, msort, locals(), SAME)
    return sort(input, 0).values


def topk(
    input: Tensor,
    k: int,
    dim: int = -1,
    largest: bool = True,
    sorted: bool = True,
    *,
    out: Any = None,
    axis: Any = None,
) -> Any:
    """The `k` largest (or smallest) values along `dim` and their indices, best first.

    Args:
        input (Tensor): the tensor.
        k (int): how many to take, at most the size of `dim`.
        dim (int): the dim to search along (default -1, the last).
        largest (bool): the largest (default) or the smallest values.
        sorted (bool): return them in order (default True).
        out (tuple of Tensor, optional): tensors to write the result into.

    Returns:
        (Tensor, Tensor): a named tuple `(values, indices)`, with `dim` of length `k`.

    Examples:
        >>> x = retrograd.tensor([1.0, 5.0, 3.0, 4.0])
        >>> values, indices = retrograd.topk(x, 2)
        >>> values, indices
        (tensor([5., 4.]), tensor([1, 3]))
        >>> x.topk(1, largest=False).values
        tensor([1.])
    """
    if out is not None:
        return write_out(out, topk, locals(), SAME)
    _orderable("topk", input)
    k = int_arg("topk", "k", 2, k)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("topk", dim, -1, axis, "axis")
    dim = int_arg("topk", "dim", 3, dim)  # a bool is not a dim (topk(x, 1, True) is a mistake)
    largest, sorted = bool_arg("topk", "largest", 4, largest), bool_arg("topk", "sorted", 5, sorted)
    if _vmap.active:
        r = batched("along", lambda x, d: topk(x, k, d, largest, sorted), input, dim)
        if r is not NOT_BATCHED:
            return r
    xp, a, d = _prepare(input, dim)
    if not 0 <= k <= a.shape[d]:
        raise RuntimeError("selected index k out of range")
    _no_bool_kernel("topk", input)
    index = xp.take(_stable_order(xp, a, d, largest), xp.arange(k), axis=d)
    if xp is np and k > 0:
        index = _by_rows(lambda rows, idx: replay_topk(rows, k, largest, sorted, idx), a, index, d)
    shape = input._data.shape[:d] + (k,) + input._data.shape[d + 1 :] if input._data.ndim else ()
    return _pair(return_types.topk, _topk_values, input, index, d, shape)


def _by_rows(replay: Any, a: Any, index: Any, d: int) -> Any:
    """`replay(rows, index_rows)` with `d` moved last and the other dims flattened into rows."""
    rows = np.moveaxis(a, d, -1)
    moved = np.moveaxis(index, d, -1)
    n = math.prod(rows.shape[:-1])  # not -1: a reshape cannot infer it when the rows are empty
    fixed = replay(rows.reshape(n, rows.shape[-1]), moved.reshape(n, moved.shape[-1]))
    return np.moveaxis(fixed.reshape(moved.shape), -1, d)


def _check_reducible(name: str, a: Any, d: int) -> None:
    if a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _pick(xp: Any, order: Any, position: Any, d: int) -> Any:
    """The entries of `order` at `position` (an int or an array with size 1 along `d`)."""
    if not isinstance(position, int):
        return xp.take_along_axis(order, position, axis=d)
    return xp.take(order, xp.asarray([position]), axis=d)


def kthvalue(
    input: Tensor,
    k: int,
    dim: int = -1,
    keepdim: bool = False,
    *,
    out: Any = None,
    keepdims: bool | None = None,
    axis: Any = None,
) -> Any:
    """The `k`-th smallest value along `dim` (k counts from 1) and its index.

    Args:
        input (Tensor): the tensor to search.
        k (int): which smallest value, from 1 to the size of `dim`.
        dim (int): the dim to search along (default -1).
        keepdim (bool): keep `dim` with size 1 (default False).
        out (tuple of Tensor, optional): `(values, indices)` tensors to write into.
        keepdims (bool, optional): NumPy's name for `keepdim`.
        axis (int, optional): NumPy's name for `dim`.

    Returns:
        (Tensor, Tensor): a named tuple `(values, indices)`; the indices are int64.

    Examples:
        >>> x = retrograd.tensor([[5.0, 1.0, 3.0], [2.0, 6.0, 4.0]])
        >>> retrograd.kthvalue(x, 2)
        retrograd.return_types.kthvalue(
        values=tensor([3., 4.]),
        indices=tensor([2, 2]))
        >>> x.kthvalue(1, dim=0).values
        tensor([2., 1., 3.])
    """
    if out is not None:
        return write_out(out, kthvalue, locals(), same("output values must be of same type as input"))
    _orderable("kthvalue", input)
    k = int_arg("kthvalue", "k", 2, k)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("kthvalue", dim, -1, axis, "axis")
    dim = int_arg("kthvalue", "dim", 3, dim)
    if keepdims is not None:
        keepdim = numpy_alias("kthvalue", keepdim, False, keepdims, "keepdims")
    if _vmap.active:
        r = batched("along", lambda x, d: kthvalue(x, k, d, keepdim), input, dim)
        if r is not NOT_BATCHED:
            return r
    xp, a, d = _prepare(input, dim)
    shape = reduced_shape(input._data.shape, (d,) if input._data.ndim else (), keepdim)
    _check_reducible("kthvalue", a, d)
    if not 1 <= k <= a.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input._data.ndim:  # a 0-d input is copied before the kernel's dtype dispatch
        _no_bool_kernel("kthvalue_cpu", input)
    index = _pick(xp, _stable_order(xp, a, d, False), k - 1, d)
    if xp is np:
        index = _by_rows(lambda rows, idx: replay_kthvalue(rows, k, idx[:, 0])[:, None], a, index, d)
    return _pair(return_types.kthvalue, _kthvalue_values, input, index, d, shape)


def _median_index(xp: Any, a: Any, d: int, ignore_nan: bool) -> Any:
    """Index of the lower median along `d`: NaN wins unless ignored (then only NaNs count as absent)."""
    order = _stable_order(xp, a, d, False)
    if a.dtype.kind != "f":
        return _pick(xp, order, (a.shape[d] - 1) // 2, d)
    valid = (a == a).sum(axis=d, keepdims=True)  # NaNs sort last: the first `valid` are numbers
    if ignore_nan:
        position = xp.where(valid > 0, (valid - 1) // 2, 0)
    else:
        position = xp.where(valid < a.shape[d], valid, (a.shape[d] - 1) // 2)  # first NaN, if any
    return _pick(xp, order, position, d)


def _full_median(xp: Any, a: Any, ignore_nan: bool) -> Any:
    flat = xp.sort(a.reshape(-1))  # NaNs sort last
    n = flat.size
    if a.dtype.kind == "f":
        n = int((flat == flat).sum())
        if n == 0 or (n < flat.size and not ignore_nan):
            return xp.asarray(xp.nan, dtype=a.dtype)
    elif n == 0:  # PyTorch's NaN cast to the dtype: an integer's smallest value, a bool's True
        return xp.asarray(xp.iinfo(a.dtype).min if a.dtype.kind in "iu" else True, dtype=a.dtype)
    return flat[(n - 1) // 2].copy()


_median_all = Primitive(
    "median", lambda xp, a: _full_median(xp, a, False), [lambda g, a, out: evenly(g, a, out)],
    node_name="MedianBackward0",
)
_nanmedian_all = Primitive(
    "nanmedian", lambda xp, a: _full_median(xp, a, True), [lambda g, a, out: evenly(g, a, out)],
    node_name="NanmedianBackward0",
)


def _median(name: str, input: Tensor, dim: int | None, keepdim: bool) -> Any:
    _orderable("median", input)
    ignore_nan = name == "nanmedian"
    if dim is None:
        # an empty input's NaN result is made before the kernel's dtype dispatch
        if isinstance(input, Tensor) and input._data.size:
            _no_bool_kernel("median_cpu", input)
        return (_nanmedian_all if ignore_nan else _median_all)(input)
    if _vmap.active:
        r = batched("along", lambda x, d: _median(name, x, d, keepdim), input, dim)
        if r is not NOT_BATCHED:
            return r
    xp, a, d = _prepare(input, dim)
    _check_reducible(name, a, d)
    _no_bool_kernel("median_out", input)
    shape = reduced_shape(input._data.shape, (d,) if input._data.ndim else (), keepdim)
    index = _median_index(xp, a, d, ignore_nan)
    prim = _nanmedian_values if ignore_nan else _median_values
    return _pair(getattr(return_types, name), prim, input, index, d, shape)


def median(
    input: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """The lower of the two middle values (NaN if any); with `dim`, `(values, indices)`.

    Args:
        input (Tensor): the tensor to reduce.
        dim (int, optional): the dim to reduce; None reduces all elements to a 0-d tensor.
        keepdim (bool): keep `dim` with size 1 (default False; only with `dim`).
        out (tuple of Tensor, optional): `(values, indices)` tensors to write into (only with `dim`).
        axis (int, optional): NumPy's name for `dim`.
        keepdims (bool, optional): NumPy's name for `keepdim`.

    Returns:
        Tensor or (Tensor, Tensor): the median without `dim`; a named tuple `(values, indices)`
            with it.

    Examples:
        >>> x = retrograd.tensor([[1.0, 4.0, 2.0, 3.0], [0.0, 5.0, 9.0, 7.0]])
        >>> retrograd.median(x)
        tensor(3.)
        >>> retrograd.median(x, dim=1)
        retrograd.return_types.median(
        values=tensor([2., 5.]),
        indices=tensor([2, 1]))
    """
    keepdim_arg("median", keepdim)
    if out is not None:
        return write_out(
            out,
            median,
            locals(),
            MEDIAN,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("median", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("median", keepdim, False, keepdims, "keepdims")
    return _median("median", input, dim, keepdim)


def nanmedian(
    input: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """`median` ignoring NaN (NaN only where every value is NaN).

    Args:
        input (Tensor): the tensor to reduce.
        dim (int, optional): the dim to reduce; None reduces all elements to a 0-d tensor.
        keepdim (bool): keep `dim` with size 1 (default False; only with `dim`).
        out (tuple of Tensor, optional): `(values, indices)` tensors to write into (only with `dim`).
        axis (int, optional): NumPy's name for `dim`.
        keepdims (bool, optional): NumPy's name for `keepdim`.

    Returns:
        Tensor or (Tensor, Tensor): the median without `dim`; a named tuple `(values, indices)`
            with it.

    Examples:
        >>> x = retrograd.tensor([1.0, float("nan"), 3.0, 2.0])
        >>> retrograd.median(x), retrograd.nanmedian(x)
        (tensor(nan), tensor(2.))
    """
    keepdim_arg("nanmedian", keepdim)
    if out is not None:
        return write_out(
            out,
            nanmedian,
            locals(),
            MEDIAN,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("nanmedian", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("nanmedian", keepdim, False, keepdims, "keepdims")
    return _median("nanmedian", input, dim, keepdim)


def _mode_index(xp: Any, a: Any, d: int) -> Any:
    """Index of the most frequent value along `d`: the smallest such value, at its last occurrence."""
    order = _stable_order(xp, a, d, False)
    s = xp.moveaxis(xp.take_along_axis(a, order, axis=d), d, -1)
    n = s.shape[-1]
    starts = xp.ones(s.shape, dtype=bool)
    starts[..., 1:] = s[..., 1:] != s[..., :-1]  # where a run of equal values begins
    ends = xp.ones(s.shape, dtype=bool)
    ends[..., :-1] = starts[..., 1:]
    position = xp.arange(n)
    first = accumulate(xp, "maximum", xp.where(starts, position, 0), -1)
    last = xp.flip(accumulate(xp, "minimum", xp.flip(xp.where(ends, position, n), -1), -1), -1)
    best = xp.argmax(last - first, axis=-1)[..., None]  # longest run; the first one is the smallest value
    run_end = xp.take_along_axis(last, best, axis=-1)
    # stable order: the last entry of a run is the value's last occurrence in the input
    return xp.take_along_axis(order, xp.moveaxis(run_end, -1, d), axis=d)


def mode(
    input: Tensor,
    dim: int = -1,
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """The most frequent value along `dim` (the smallest on a tie) and an index of it (PyTorch's CPU choice).

    Args:
        input (Tensor): the tensor to search.
        dim (int): the dim to search along (default -1).
        keepdim (bool): keep `dim` with size 1 (default False).
        out (tuple of Tensor, optional): `(values, indices)` tensors to write into.
        axis (int, optional): NumPy's name for `dim`.
        keepdims (bool, optional): NumPy's name for `keepdim`.

    Returns:
        (Tensor, Tensor): a named tuple `(values, indices)`; the indices are int64.

    Examples:
        >>> retrograd.mode(retrograd.tensor([[1, 2, 2, 3], [4, 4, 5, 5]]))
        retrograd.return_types.mode(
        values=tensor([2, 4]),
        indices=tensor([2, 1]))
    """
    keepdim_arg("mode", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("mode", input)
    if out is not None:
        return write_out(out, mode, locals(), same("expected scalar type '{src}' but got '{dst}' for values output"))
    _orderable("mode", input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("mode", dim, -1, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("mode", keepdim, False, keepdims, "keepdims")
    if _vmap.active and (r := batched("along", lambda x, d: mode(x, d, keepdim), input, dim)) is not NOT_BATCHED:
        return r
    xp, a, d = _prepare(input, dim)
    _check_reducible("mode", a, d)
    shape = reduced_shape(input._data.shape, (d,) if input._data.ndim else (), keepdim)
    index = _mode_index(xp, a, d)
    if xp is np:  # PyTorch's CPU kernel sorts unstably: replay it where that decides the index
        index = _by_rows(lambda rows, idx: replay_mode(rows, idx[:, 0])[:, None], a, index, d)
    return _pair(return_types.mode, _mode_values, input, index, d, shape)

