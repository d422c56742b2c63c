"""The "meta" device: tensors with a shape and a dtype but no data.

PyTorch users put a model on "meta" to build it without memory (`with torch.device("meta"):`,
then `module.to_empty(device="cpu")` and a state dict), to run it for output shapes only, or to
keep a skeleton whose parameters `torch.func.functional_call` replaces.

A meta array is a NumPy array over memory that is reserved but never committed: an anonymous
mapping that the kernel backs with its shared page of zeros until someone writes, and nothing
does, because every write to a meta array is dropped. So it costs no memory whatever its shape,
yet it has real strides and views, and every NumPy routine (strided tricks included) reads it
safely. Results are made without computing where the shape and dtype are known beforehand
(elementwise ufuncs, matmul); other routines compute on the zeros, and their result is turned
back into a meta array at once. The values are meaningless, so reading them (`item`, `tolist`,
`bool`) and the ops whose result's shape depends on them (`nonzero`, boolean masks, `unique`)
raise as PyTorch's meta tensors do.
"""

from __future__ import annotations

import math
import mmap
import sys
import types
from typing import Any

import numpy

NO_DATA = "Cannot copy out of meta tensor; no data!"
NO_ITEM = "Tensor.item() cannot be called on meta tensors"

# NumPy functions whose result's shape (or whose Python answer) depends on the values, by the
# name of the PyTorch operator that calls them
_DATA_DEPENDENT = {
    "nonzero": "nonzero", "flatnonzero": "nonzero", "argwhere": "nonzero", "count_nonzero": "count_nonzero",
    "extract": "masked_select", "compress": "masked_select", "unique": "_unique2", "unique_all": "_unique2",
    "unique_counts": "_unique2", "unique_inverse": "_unique2", "unique_values": "_unique2", "bincount": "bincount",
    "array_equal": "equal", "array_equiv": "equal", "allclose": "allclose", "isin": "isin", "in1d": "isin",
}  # fmt: skip


# NumPy functions that write into their first argument (dropped when it is a meta array)
_WRITERS = frozenset({"copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis"})

# Linux's MAP_NORESERVE (Python's mmap module does not name it): the mapping's size is not
# counted against the machine's memory, so any shape can be reserved
_NORESERVE = 0x4000 if sys.platform.startswith("linux") else 0


def unmet(name: str) -> NotImplementedError:
    """PyTorch's error for operator `name` on meta tensors, when its result depends on the values."""
    return NotImplementedError(
        f"aten::{name}: attempted to run this operator with Meta tensors, but the size of its result "
        "depends on the values, which meta tensors do not have"
    )


class MetaArray(numpy.ndarray):
    """A data-less array: NumPy's machinery for shapes, dtypes and views, over memory never written."""

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        if out is not None and any(type(o) is MetaArray for o in out):  # a write into meta: dropped
            return out[0] if len(out) == 1 else out
        if method == "at" and type(inputs[0]) is MetaArray:
            return None
        if method == "__call__" and not kwargs:  # no need to compute: the shape and dtype are known
            if ufunc.signature is None:
                return _elementwise_result(ufunc, inputs)
            if ufunc is numpy.matmul and _inner_sizes_match(*inputs):
                return _meta_result(ufunc(*(_without_inner(x, i) for i, x in enumerate(inputs))))
        return _meta_result(getattr(ufunc, method)(*_plain(inputs), **_plain(kwargs)))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        name = func.__name__
        if name in _DATA_DEPENDENT:
            raise unmet(_DATA_DEPENDENT[name])
        if name in _WRITERS:
            target = args[0] if args else next(iter(kwargs.values()))
            return None if type(target) is MetaArray else func(*_plain(args), **_plain(kwargs))
        return _views_kept(func(*_plain(args), **_plain(kwargs)), _metas_in(args))

    def __setitem__(self, key: Any, value: Any) -> None:
        return None  # a meta array keeps no values

    def fill(self, value: Any) -> None:
        return None

    # --- no memory behind copies and conversions ---
    def astype(self, dtype: Any, *args: Any, **kwargs: Any) -> MetaArray:  # type: ignore[override]
        return empty(self.shape, dtype)

    def copy(self, order: Any = "C") -> MetaArray:  # type: ignore[override]
        return empty(self.shape, self.dtype)

    def __copy__(self) -> MetaArray:
        return empty(self.shape, self.dtype)

    def __deepcopy__(self, memo: Any) -> MetaArray:
        return empty(self.shape, self.dtype)

    def __reduce__(self) -> Any:
        return (empty, (self.shape, self.dtype))

    def __getitem__(self, key: Any) -> Any:
        if _holds_mask(key):
            raise unmet("index")
        got = numpy.ndarray.__getitem__(self, _plain(key))
        if isinstance(got, numpy.ndarray) and got.base is None:  # advanced indexing copied: drop it
            return empty(got.shape, got.dtype)
        return got if type(got) is MetaArray else _meta_result(got)

    # --- the values do not exist ---
    def item(self, *args: Any) -> Any:
        raise RuntimeError(NO_ITEM)

    def tolist(self) -> Any:
        raise NotImplementedError(NO_DATA)

    def tobytes(self, order: Any = "C") -> bytes:
        raise NotImplementedError(NO_DATA)

    def __bool__(self) -> bool:
        # False, not an error: retrograd's own checks of values (`if (index >= n).any(): raise`)
        # pass, as PyTorch's meta kernels skip them; `Tensor.__bool__` refuses for the user
        return False

    def __float__(self) -> float:
        raise RuntimeError(NO_ITEM)

    def __int__(self) -> int:
        raise RuntimeError(NO_ITEM)

    def __index__(self) -> int:
        raise RuntimeError(NO_ITEM)

    def __complex__(self) -> complex:
        raise RuntimeError(NO_ITEM)


def empty(shape: Any, dtype: Any) -> MetaArray:
    """A meta array of `shape` and `dtype`: reserved address space only, no memory."""
    shape, dtype = tuple(shape), numpy.dtype(dtype)
    count = math.prod(shape)
    space = mmap.mmap(-1, max(count * dtype.itemsize, 1), flags=mmap.MAP_PRIVATE | _NORESERVE)
    return numpy.frombuffer(space, dtype, count).reshape(shape).view(MetaArray)


def like(array: Any) -> MetaArray:
    """A meta array with `array`'s shape and dtype (its data is not read)."""
    return empty(array.shape, array.dtype)


def _plain(value: Any) -> Any:
    """NumPy's own view of meta arrays (in lists, tuples and dicts too), for NumPy to compute on."""
    if isinstance(value, MetaArray):
        return value.view(numpy.ndarray)
    t = type(value)
    if t is tuple or t is list:
        return t(_plain(v) for v in value)
    if t is dict:
        return {k: _plain(v) for k, v in value.items()}
    return value


def _meta_result(value: Any) -> Any:
    """NumPy's results as meta arrays (memory NumPy allocated for them is freed at once)."""
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        return empty(value.shape, value.dtype)
    t = type(value)
    if t is tuple or t is list:
        return t(_meta_result(v) for v in value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # named tuples (np.linalg results)
        return t(*(_meta_result(v) for v in value))
    return value


def _metas_in(args: tuple) -> list[MetaArray]:
    """The meta arrays among a function's arguments (and in its list and tuple arguments)."""
    found: list[MetaArray] = []
    for a in args:
        inner = a if type(a) is tuple or type(a) is list else (a,)
        found.extend(x for x in inner if type(x) is MetaArray)
    return found


def _views_kept(value: Any, metas: list[MetaArray]) -> Any:
    """`_meta_result`, except that views of the meta inputs (what `broadcast_to` and `as_strided`
    make) stay views of the same memory, so their strides are the ones PyTorch reports."""
    if isinstance(value, numpy.ndarray) and value.base is not None:
        if any(numpy.may_share_memory(value, m) for m in metas):
            return value.view(MetaArray)
    t = type(value)
    if t is tuple or t is list:
        return t(_views_kept(v, metas) for v in value)
    return _meta_result(value)


def _elementwise_result(ufunc: Any, inputs: tuple) -> Any:
    """An elementwise ufunc's meta results: the broadcast shape, and the dtypes the ufunc gives for
    one element of each input (no array of the result's size is ever made)."""
    arrays = [x for x in inputs if isinstance(x, numpy.ndarray)]
    shape = numpy.broadcast_shapes(*(a.shape for a in arrays))
    one = ufunc(*(_first(x) if isinstance(x, numpy.ndarray) else x for x in inputs))
    if ufunc.nout == 1:
        return empty(shape, one.dtype)
    return tuple(empty(shape, r.dtype) for r in one)


def _first(a: numpy.ndarray) -> numpy.ndarray:
    """At most one element of `a` (none if it is empty), as a plain NumPy array."""
    return a.view(numpy.ndarray)[tuple(slice(0, 1) for _ in a.shape)].reshape(-1)


def _inner_sizes_match(a: Any, b: Any) -> bool:
    return a.ndim > 0 and b.ndim > 0 and a.shape[-1] == b.shape[-2 if b.ndim > 1 else -1]


def _without_inner(x: Any, position: int) -> numpy.ndarray:
    """A matmul operand with the summed dimension made empty: the product costs no arithmetic."""
    axis = x.ndim - 1 if position == 0 or x.ndim == 1 else x.ndim - 2
    shape = x.shape[:axis] + (0,) + x.shape[axis + 1 :]
    return numpy.lib.stride_tricks.as_strided(numpy.zeros(1, x.dtype), shape, (0,) * len(shape))


def _holds_mask(key: Any) -> bool:
    """Whether an index has a boolean array in it (its result's length depends on the values)."""
    keys = key if type(key) is tuple else (key,)
    return any(isinstance(k, numpy.ndarray) and k.dtype == bool and k.ndim > 0 for k in keys)


def _made(fn: Any) -> Any:
    """A NumPy function that makes an array, making a meta array instead."""

    def make(*args: Any, **kwargs: Any) -> Any:
        return _meta_result(fn(*_plain(args), **_plain(kwargs)))

    make.__name__ = fn.__name__
    return make


def _adopted(a: Any, dtype: Any = None, **kwargs: Any) -> MetaArray:
    """`asarray` on the meta device: what an op made from meta arrays, as a meta array. A view
    (as `as_strided` makes of a meta array) stays a view of the same memory; anything else is
    replaced by a new meta array of its shape and dtype."""
    if type(a) is MetaArray and (dtype is None or a.dtype == dtype):
        return a
    if isinstance(a, numpy.ndarray) and a.base is not None and (dtype is None or a.dtype == dtype):
        return a.view(MetaArray)
    return _meta_result(numpy.asarray(_plain(a), dtype))


def _sized(shape: Any, dtype: Any = float, order: Any = "C", **kwargs: Any) -> MetaArray:
    """zeros/ones/empty: no memory is ever allocated (the values have nowhere to go)."""
    return empty((shape,) if isinstance(shape, int) else shape, dtype)


def _full(shape: Any, fill_value: Any, dtype: Any = None, order: Any = "C", **kwargs: Any) -> MetaArray:
    return _sized(shape, numpy.asarray(fill_value).dtype if dtype is None else dtype)


# The array module of the meta device: NumPy, whose array makers make meta arrays. (Functions
# given meta arrays already come back here through `MetaArray.__array_function__`.)
xp = types.ModuleType(__name__ + ".xp", "NumPy for the meta device: arrays made here have no data.")
xp.ndarray = MetaArray  # type: ignore[attr-defined]
xp.zeros = xp.ones = xp.empty = _sized  # type: ignore[attr-defined]
xp.full = _full  # type: ignore[attr-defined]
for _name in ("array", "asanyarray", "ascontiguousarray", "arange", "eye", "identity", "linspace",
              "logspace", "tri", "frombuffer", "fromiter", "indices"):  # fmt: skip
    setattr(xp, _name, _made(getattr(numpy, _name)))
xp.asarray = _adopted  # type: ignore[attr-defined]
xp.__getattr__ = lambda name: getattr(numpy, name)  # type: ignore[method-assign]  # the rest is NumPy's
