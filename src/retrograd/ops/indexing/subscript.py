"""Subscripts: `t[index]`, `t[index] = value` and index_put.

`t[index]` follows PyTorch step by step. Basic indices are applied first, left
to right, each as a view primitive (ints: select, slices: slice, None and
bools: unsqueeze), so the result shares memory and the version counter with
`t` and in-place changes to it reach `t` through `engine.inplace`. What is
left, integer and boolean index tensors, is then applied in one copy
(`IndexBackward0`), with NumPy's placement rule for the result's dims.

`t[index] = value` writes through the same view: `copy_` into it for basic
indexing, `index_put_` on it for advanced indexing.

The gather/scatter family lives in `gather_scatter.py`, the index_*/masked_* family
in `masking.py`, nonzero and argwhere (the indices a mask stands for) in `nonzeros.py`.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import user_stacklevel
from ...engine import inplace as _inplace
from ...engine.primitive import type_name
from ...engine.vmap_hook import NOT_BATCHED, any_batched, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..copying import copy
from ..from_data import tensor
from ..kernels.guards import check_scalar_fits, foreign_sequence, overflow_error
from ..kernels.operands import constant
from ..ranges import arange
from ..shape.broadcasting import expand
from ..shape.slicing import take_view
from ..shape.views import alias, reshape, unsqueeze
from . import keyed as _keyed
from .keyed import check_bounds, indexed_shape

__all__ = ["getitem", "setitem", "index_put"]


def _select_key(dim: int, index: int) -> tuple:
    return (slice(None),) * dim + (index, Ellipsis)  # the Ellipsis keeps a 0-d result a view


def _slice_key(dim: int, start: int, stop: int, step: int) -> tuple:
    return (slice(None),) * dim + (slice(start, stop, step),)


# Basic indexing: views (the select/slice primitives of `shape.slicing`); t[...] is an alias.


def getitem(t: Tensor, index: Any) -> Tensor:
    """`t[index]`: a view for ints, slices, None and Ellipsis; a copy for index tensors and masks."""
    if type(index) is int and t._data.ndim:  # the common `t[i]`, without parsing
        return _select_dim(t, 0, index, 0)
    if _vmap.active and (r := batched("getitem", getitem, t, index)) is not NOT_BATCHED:
        return r
    out, advanced = _apply_basic(t, index)
    if advanced:
        return _keyed.index(out, key=_advanced_key(out._data.shape, advanced))
    return alias(t) if out is t else out


def setitem(t: Tensor, index: Any, value: Any) -> None:
    """`t[index] = value`, in place and differentiable w.r.t. both `t` and `value`."""
    if index is False:  # PyTorch writes nothing and leaves the version alone
        return
    if _vmap.active:  # refused before a batched mask is read: a tensor key makes it index_put_
        keyed = any(isinstance(k, Tensor) for k in (index if isinstance(index, tuple) else (index,)))
        _vmap.check_write(t, "_put_at" if keyed else "copy", (index, value), {})  # type: ignore[misc]
    v = _value_tensor(value, t)
    if _vmap.active and _batched_key(index):
        _inplace.apply(t, _put_flat, _positions(t, index), v)
        return
    if v._data.ndim == 0 and _lone_byte_mask(index):
        _refuse_byte_mask_fill(t, index)
    view, advanced = _apply_basic(t, index)
    if not advanced:
        if v._data.shape != view._data.shape:
            v = expand(v, view._data.shape)
        _inplace.apply(view, copy, v)
        return
    if isinstance(value, Tensor):
        v = _put_value(t, advanced, v)
    _inplace.apply(view, _put_at, _advanced_key(view._data.shape, advanced), v)


def _batched_key(index: Any) -> bool:
    """Whether an index tensor in `index` is batched by an open vmap (its positions differ per example)."""
    items = index if isinstance(index, tuple) else (index,)
    return any_batched(*(k for k in items if isinstance(k, Tensor)))


def _positions(t: Tensor, index: Any) -> Tensor:
    """Where `t[index]` reads, as flat offsets into `t`: the subscript applied to an arange of them.

    The vmap rules of getitem batch it; `_put_flat` then writes with one batched index_put.
    """
    return getitem(reshape(arange(t.numel(), device=t.device), tuple(t._data.shape)), index)


def _put_flat(t: Tensor, positions: Tensor, v: Tensor) -> Tensor:
    """`t` with `v` (broadcast to `positions`' shape) written at the flat `positions`."""
    flat = index_put(reshape(t, (-1,)), (reshape(positions, (-1,)),), reshape(expand(v, positions.shape), (-1,)))
    return reshape(flat, tuple(t._data.shape))


def _byte_mask(x: Any) -> bool:
    """Whether an index item is a uint8 tensor or NumPy array (PyTorch makes a tensor of the array)."""
    return (isinstance(x, Tensor) and x._data.dtype == np.uint8) or (isinstance(x, np.ndarray) and x.dtype == np.uint8)


def _lone_byte_mask(index: Any) -> bool:
    """Whether a uint8 tensor or array is the one advanced index among `index`'s items."""
    items = index if isinstance(index, tuple) else (index,)
    masks = [x for x in items if _byte_mask(x)]
    others = [x for x in items if isinstance(x, (list, np.ndarray)) or (isinstance(x, Tensor) and x._data.ndim)]
    return len(masks) == 1 and len(others) == 1


def _refuse_byte_mask_fill(t: Tensor, index: Any) -> None:
    """PyTorch's errors for one number written under a uint8 mask: it fills through masked_fill_, which
    checks the mask's shape, then refuses a mask that is not bool (with no deprecation warning first)."""
    items = index if isinstance(index, tuple) else (index,)
    as_bool = tuple(x.astype(np.bool_) if isinstance(x, np.ndarray) and _byte_mask(x)
                    else x.to(_dt.bool_) if _byte_mask(x) else x for x in items)
    view, advanced = _apply_basic(t, as_bool)
    _advanced_key(view._data.shape, advanced)
    raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of `input` with `values` written (or added) at `input[indices]`.

    Args:
        input (Tensor): the tensor to write into.
        indices (tuple of Tensor): index tensors (int64, or bool masks), one per leading dim, as in
            `input[indices]`.
        values (Tensor): values that broadcast to the indexed shape, `input`'s dtype.
        accumulate (bool): add into the positions instead of overwriting; repeated positions then
            add up (default False).

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.zeros(2, 2)
        >>> retrograd.index_put(x, (retrograd.tensor([0, 1]), retrograd.tensor([1, 0])), retrograd.tensor(5.0))
        tensor([[0., 5.],
                [5., 0.]])
        >>> retrograd.index_put(x, (retrograd.tensor([0, 0]),), retrograd.ones(2), accumulate=True)
        tensor([[2., 2.],
                [0., 0.]])
    """
    if not isinstance(indices, (tuple, list)):
        raise TypeError(
            f"index_put(): argument 'indices' (position 2) must be tuple of Tensors, not {type_name(indices)}"
        )
    if _vmap.active and (
        r := batched("index_put", index_put, input, tuple(indices), values, accumulate)
    ) is not NOT_BATCHED:
        return r
    advanced, dim = [], 0
    for i, idx in enumerate(indices):
        if not isinstance(idx, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(idx).__name__}")
        arr = _from_tensor(idx)
        if arr.ndim == 0:  # True selects everything (no dim used), False nothing of the next dim
            if arr.dtype == np.bool_ and arr:
                continue
            arr = np.zeros(0, np.intp) if arr.dtype == np.bool_ else arr
        advanced.append((dim, arr))
        dim += arr.ndim if arr.dtype == np.bool_ else 1
    if dim > input._data.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input._data.ndim} (got {dim})")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' must be Tensor, not {type(values).__name__}")
    values = _put_value(input, advanced, values)
    return _put_at(input, _advanced_key(input._data.shape, advanced), values, accumulate)


# --- parsing an index ---------------------------------------------------------------------


def _apply_basic(t: Tensor, index: Any) -> tuple[Tensor, list]:
    """Apply the basic part of `index` as views; return the view and the advanced part.

    The advanced part is a list of (dim, array) pairs: integer arrays index one
    dim of the view, boolean masks index `mask.ndim` dims from `dim` on.
    """
    single = not isinstance(index, tuple) and not (isinstance(index, (list, str)) and _list_as_tuple(index))
    items = [_convert(x) for x in ((index,) if single else index)]
    n = t._data.ndim
    used = 0
    for item in items:
        used += _dims_used(item)
    if used > n:
        _too_many(n, items[0] if single else None)
    out, dim, real, advanced = t, 0, 0, []  # dim: in `out`; real: in `t` (for messages)
    for item in items:
        if item is None:
            out, dim = unsqueeze(out, dim), dim + 1
        elif item is Ellipsis:
            dim, real = dim + n - used, real + n - used
        elif isinstance(item, bool):  # a new dim of size 1, kept (True) or emptied (False)
            out = unsqueeze(out, dim)
            advanced.append((dim, np.arange(int(item), dtype=np.intp)))
            dim += 1
        elif isinstance(item, int):
            out, real = _select_dim(out, dim, item, real), real + 1
        elif isinstance(item, slice):
            out, dim, real = _slice_dim(out, dim, item, skip_full=not single), dim + 1, real + 1
        else:
            k = _dims_used(item)
            advanced.append((dim, item))
            dim, real = dim + k, real + k
    return out, advanced


def _too_many(n: int, single: Any) -> None:
    if n == 0 and isinstance(single, int) and not isinstance(single, bool):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
            "C++ to convert a 0-dim tensor to a number"
        )
    if n == 0 and isinstance(single, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    raise IndexError(f"too many indices for tensor of dimension {n}")


def _list_as_tuple(seq: list | str) -> bool:
    """PyTorch's (deprecated) rule: a list holding sequences, slices, None, ... is a tuple.

    A str is a sequence of sequences to it, so `t["a"]` warns too (then fails on the str).
    """
    if len(seq) >= 32:
        return False
    sequences = (Tensor, list, tuple, str, range, slice, np.ndarray)
    if any(isinstance(x, sequences) or x is None or x is Ellipsis for x in seq):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed "
            "in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be "
            "interpreted as tensor index, x[torch.tensor(seq)], which will result either in an error "
            "or a different result",
            UserWarning, stacklevel=user_stacklevel(),
        )
        return True
    return False


def _convert(x: Any) -> Any:
    """One index item as None, Ellipsis, bool, int, slice or a NumPy array (intp or bool)."""
    kind = type(x)
    if kind is int or kind is slice or x is None or x is Ellipsis:
        return x
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, Tensor):
        arr = _from_tensor(x)
    elif isinstance(x, (list, tuple, range, np.ndarray)) or foreign_sequence(x):
        arr = _sequence_index(x)
    elif isinstance(x, float):
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
            f"indices (got {type(x).__name__})"
        )
    else:  # PyTorch tries to make a tensor of it
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    if arr.ndim == 0:  # 0-d tensors act as Python ints and bools
        return bool(arr) if arr.dtype == np.bool_ else int(arr)
    return arr


def _sequence_index(x: Any) -> np.ndarray:
    """A list, array or pandas Series as an index, as PyTorch reads it: a tensor of its dtype when
    that is bool or uint8 (a mask), else of int64 (`t[np.array([0, 2], np.int8)]`, `t[[0.0, 2.0]]`)."""
    if isinstance(x, np.ndarray) and x.dtype in (np.int64, np.int32, np.bool_):
        return x  # (the common cases, read as they are)
    if isinstance(x, np.ndarray) and x.dtype.kind in "iu" and x.dtype != np.uint8:
        return x.astype(np.int64)
    if foreign_sequence(x):
        _ = [x[i] for i in range(len(x))]  # PyTorch reads its dtype first (a Series' KeyError for a missing label)
    t = tensor(x)
    if t.dtype is _dt.uint8 or t.dtype is _dt.bool_:
        return _from_tensor(t)
    return t.to(_dt.int64)._data


def _from_tensor(x: Tensor) -> np.ndarray:
    data = x._data
    _check_index_kind(data.dtype)
    if data.dtype == np.uint8:
        warnings.warn(
            "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
            UserWarning, stacklevel=user_stacklevel(),  # reading, writing and index_put_ reach it at other depths
        )
        return data.astype(np.bool_)
    return data


def _check_index_kind(dt: np.dtype) -> None:
    if dt not in (np.int64, np.int32, np.uint8, np.bool_):
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _dims_used(item: Any) -> int:
    kind = type(item)
    if kind is int or kind is slice:
        return 1
    if item is None or item is Ellipsis or kind is bool:
        return 0
    return item.ndim if item.dtype == np.bool_ else 1


def _select_dim(t: Tensor, dim: int, index: int, real_dim: int) -> Tensor:
    size = t._data.shape[dim] if dim < t._data.ndim else 0
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {real_dim} with size {size}")
    return take_view(t, _select_key(dim, index % size), select=True)


def _slice_dim(t: Tensor, dim: int, s: slice, skip_full: bool) -> Tensor:
    step = 1 if s.step is None else operator.index(s.step)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step < 0:
        raise ValueError("step must be greater than zero")
    size = t._data.shape[dim]
    start, stop, _ = s.indices(size)
    stop = max(stop, start)
    if skip_full and start == 0 and stop == size and step == 1:  # PyTorch skips `:` inside a tuple
        return t
    return take_view(t, _slice_key(dim, start, stop, step))


def _advanced_key(shape: tuple, advanced: list) -> tuple:
    """The NumPy key for the index arrays, after checking masks, bounds and broadcasting."""
    key: list = [slice(None)] * len(shape)
    last = 0
    ordinal = 0  # which index tensor this is, a mask counting one per dim: what PyTorch's bounds error names
    for dim, arr in advanced:
        if arr.dtype == np.bool_:
            for j, s in enumerate(arr.shape):
                if shape[dim + j] != s:
                    raise IndexError(
                        f"The shape of the mask {list(arr.shape)} at index {j} does not match the shape "
                        f"of the indexed tensor {list(shape)} at index {dim + j}"
                    )
            for j, positions in enumerate(np.nonzero(arr)):
                key[dim + j] = positions
            last = dim + arr.ndim
            ordinal += arr.ndim
        else:
            check_bounds(arr, shape[dim], True, _advanced_bounds_error(ordinal, shape[dim]))
            key[dim] = arr.astype(np.intp)  # a copy: later changes to the index do not leak in
            last = dim + 1
            ordinal += 1
    arrays = [k.shape for k in key if not isinstance(k, slice)]
    try:
        if len(arrays) > 1:
            np.broadcast_shapes(*arrays)
    except ValueError:
        shapes = ", ".join(str(list(s)) for s in arrays)
        raise IndexError(
            f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}"
        ) from None
    return tuple(key[:last])


def _advanced_bounds_error(ordinal: int, size: int) -> Callable[[int], Exception]:
    # PyTorch's "dimension" is the index tensor's place among the index tensors, not the dim it indexes
    return lambda v: IndexError(f"index {v} is out of bounds for dimension {ordinal} with size {size}")


def _value_tensor(value: Any, t: Tensor) -> Tensor:
    """The assigned value as a tensor (numbers take `t`'s dtype), leading 1-dims dropped."""
    if isinstance(value, Tensor):
        v = value
    elif isinstance(value, (bool, int, float, np.number, np.bool_)):
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise ValueError("Overflow when unpacking long long")
        check_scalar_fits(value, t.dtype, half_rounds=True)
        v = constant(value, t.dtype)
    elif isinstance(value, (complex, np.complexfloating)) and t.dtype.is_complex:
        v = constant(value, t.dtype)
    elif isinstance(value, (complex, np.complexfloating)):
        # PyTorch reads it as a double-precision complex: a bool takes its truth, another real dtype
        # its real part when the imaginary one is 0 (else the double conversion's error)
        if t.dtype is _dt.bool_:
            return _value_tensor(bool(value), t)
        if value.imag != 0:
            raise overflow_error(t.dtype if t.dtype._category < 2 or t.dtype is _dt.float32 else _dt.float64)
        return _value_tensor(float(value.real), t)
    else:
        raise TypeError(f"can't assign a {type_name(value)} to a torch.{t.dtype.legacy_name}")
    shape = v._data.shape
    lead = 0
    while lead < len(shape) and shape[lead] == 1:
        lead += 1
    return reshape(v, shape[lead:]) if lead else v


def _put_value(t: Tensor, advanced: list, v: Tensor) -> Tensor:
    """The value for index_put: t's dtype required, except for a 0-d value under one mask.

    (PyTorch fills through masked_fill there, which casts.)
    """
    if len(advanced) == 1 and advanced[0][1].dtype == np.bool_ and v._data.ndim == 0:
        return v.to(t.dtype)
    _keyed.check_same_dtype(t, v, lambda a, b: (
        f"Index put requires the source and destination dtypes match, got {a} for the destination "
        f"and {b} for the source."
    ))
    return v


def _put_at(t: Tensor, key: tuple, v: Tensor, accumulate: bool = False) -> Tensor:
    """`t` with `v` written (or added) at `key`: the out-of-place half of `index_put_`."""
    target = indexed_shape(t._data.shape, key)
    vshape = v._data.shape
    if not _expandable(vshape, target):
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to indexing "
            f"result of shape {list(target)}"
        )
    return _keyed.index_put(t, v, key=key, accumulate=bool(accumulate))


def _expandable(shape: tuple, target: tuple) -> bool:
    """Whether `shape` expands to `target` (no new dims on the right, sizes 1 or equal)."""
    if len(shape) > len(target):
        return False
    return all(s in (1, d) for s, d in zip(reversed(shape), reversed(target)))
