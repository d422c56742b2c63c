"""Joining and slicing along one dim: cat/stack and narrow/select.

The two halves are each other's derivatives: the gradient of `cat` hands each
input its slice of g, and the gradient of a slice is g placed into zeros of the
input's shape. Slices are views, as in PyTorch: they share memory and the
version counter with their input, so in-place ops on them reach the input
through `CopySlices` (see `engine.inplace`). Splitting into several views is
`splitting`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import lru_cache, reduce
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._layouts import suggested_format
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import check_elements
from ..kernels.operands import numpy_alias, wrap_dim
from ..kernels.out_arg import CAT, write_out

__all__ = ["cat", "concat", "concatenate", "stack", "narrow", "select"]

_ALL = slice(None)


def _take(xp: Any, a: Any, key: tuple) -> Any:
    # basic indexing: a view (the Ellipsis keeps a full integer index a 0-d view, not a scalar copy)
    return a[key + (Ellipsis,)] if Ellipsis not in key else a[key]


def _place(xp: Any, g: Any, key: tuple, shape: tuple) -> Any:
    out = xp.zeros(shape, dtype=g.dtype)
    out[key] = g
    return out


def _slicer(name: str, node_name: str, placer: Primitive | None = None) -> Primitive:
    # out = a[key]; d/da: g placed at `key` in zeros of a's shape (by `placer`, slice's by default)
    return Primitive(
        name, _take, [lambda g, a_shape, key: (placer or _place_op)(g, key=key, shape=a_shape)],
        node_name=node_name, view=True,
    )


def _placer(node_name: str) -> Primitive:
    # the adjoint of placing is taking; the node is named after the view it is the derivative of
    return Primitive("slice_backward", _place, [lambda g, key: _slice(g, key=key)], node_name=node_name)


_place_op = _placer("SliceBackwardBackward0")
_slice: Primitive = _slicer("slice", "SliceBackward0")
_select = _slicer("select", "SelectBackward0", _placer("SelectBackwardBackward0"))


def take_view(input: Tensor, key: tuple, *, select: bool = False) -> Tensor:
    """`input[key]` for a key of ints and slices, as a differentiable view."""
    return (_select if select else _slice)(input, key=key)


def _dim_key(dim: int, index: int | slice) -> tuple:
    return (_ALL,) * dim + (index,)


# --- joining: cat and stack ------------------------------------------------------------


def _row_major(xp: Any, arrays: Sequence[Any]) -> bool:
    """Whether PyTorch's cat writes its result row-major: unless every input suggests one
    channels-last format (NumPy would instead follow the inputs' stride order, so a joined
    KV cache of transposed heads would not be contiguous)."""
    if xp is not np:
        return False  # (other backends write row-major anyway)
    formats = {suggested_format(a.shape, tuple(s // a.itemsize for s in a.strides)) for a in arrays}
    return formats != {"channels_last"} and formats != {"channels_last_3d"}


def _concat(xp: Any, *arrays: Any, dim: int, dt: Any, keep: tuple, bounds: tuple) -> Any:
    kept = [arrays[i] for i in keep]
    if not _row_major(xp, kept):
        return xp.concatenate(kept, axis=dim, dtype=dt, casting="unsafe")
    shape = list(kept[0].shape)
    shape[dim] = sum(a.shape[dim] for a in kept)
    return xp.concatenate(kept, axis=dim, out=xp.empty(shape, dtype=dt), casting="unsafe")


def _stack(xp: Any, *arrays: Any, dim: int, dt: Any) -> Any:
    if not _row_major(xp, arrays):
        return xp.stack(arrays, axis=dim, dtype=dt, casting="unsafe")
    shape = list(arrays[0].shape)
    shape.insert(dim, len(arrays))
    return xp.stack(arrays, axis=dim, out=xp.empty(shape, dtype=dt), casting="unsafe")


def _cat_rule(i: int) -> Any:
    def rule(g: Tensor, dim: int, bounds: tuple) -> Tensor:
        if bounds[i] is None:  # a skipped legacy empty (0,) input
            return g.new_zeros(0)
        return _slice(g, key=_dim_key(dim, slice(*bounds[i])))

    return rule


def _stack_rule(i: int) -> Any:
    return lambda g, dim: _select(g, key=_dim_key(dim, i))


@lru_cache(maxsize=64)
def _cat_op(n: int) -> Primitive:
    # d/d(input i) = g[..., lo_i:hi_i, ...] along dim
    names = tuple(f"t{i}" for i in range(n))
    return Primitive("cat", _concat, [_cat_rule(i) for i in range(n)], inputs=names, node_name="CatBackward0",
                     linear=True)


@lru_cache(maxsize=64)
def _stack_op(n: int) -> Primitive:
    # d/d(input i) = g selected at index i of dim
    names = tuple(f"t{i}" for i in range(n))
    return Primitive("stack", _stack, [_stack_rule(i) for i in range(n)], inputs=names, node_name="StackBackward0",
                     linear=True)


def tensor_list(name: str, tensors: Any) -> list[Tensor]:
    """The tensors of a list/tuple argument; TypeError as PyTorch's argument parser words it."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    check_elements(tensors)
    return list(tensors)


def common_dtype(tensors: Sequence[Tensor]) -> _dt.dtype:
    """The promoted dtype of several tensors, all of equal priority (cat, stack, block_diag)."""
    return reduce(_dt.promote_types, (t.dtype for t in tensors))


def _check_cat(tensors: list[Tensor], keep: list[int], dim: int) -> None:
    ref = tensors[keep[0]]._data.shape
    for i in keep[1:]:
        shape = tensors[i]._data.shape
        if len(shape) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(shape)}")
        for d, (want, got) in enumerate(zip(ref, shape)):
            if d != dim and want != got:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {want} "
                    f"but got size {got} for tensor number {i} in the list."
                )


def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None, axis: Any = None) -> Tensor:
    """Join tensors along an existing dim; dtypes promote (int + float -> float).

    Legacy rule kept from PyTorch: 1-D empty tensors of shape (0,) are skipped.

    Args:
        tensors (sequence of Tensor): tensors of the same shape except in `dim`.
        dim (int): the dim to join along (default 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor whose `dim` is the sum of the inputs' lengths.

    Examples:
        >>> a, b = retrograd.tensor([[1, 2]]), retrograd.tensor([[3, 4]])
        >>> retrograd.cat([a, b])
        tensor([[1, 2],
                [3, 4]])
        >>> retrograd.cat((a, b), dim=1)
        tensor([[1, 2, 3, 4]])
    """
    if out is not None:
        return write_out(
            out,
            cat,
            locals(),
            CAT,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("cat", dim, 0, axis, "axis")
    tensors = tensor_list("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    keep = [i for i, t in enumerate(tensors) if t._data.shape != (0,)] or list(range(len(tensors)))
    d = wrap_dim(dim, tensors[keep[0]]._data.ndim)
    _check_cat(tensors, keep, d)
    bounds: list = [None] * len(tensors)
    start = 0
    for i in keep:
        stop = start + tensors[i]._data.shape[d]
        bounds[i] = (start, stop)
        start = stop
    dt = common_dtype(tensors).np
    return _cat_op(len(tensors))(*tensors, dim=d, dt=dt, keep=tuple(keep), bounds=tuple(bounds))


def concat(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None, axis: Any = None) -> Tensor:
    """Alias of `cat`: join tensors along an existing dim.

    Args:
        tensors (sequence of Tensor): tensors of the same shape except in `dim`; dtypes promote.
        dim (int): the dim to join along (default 0).
        out (Tensor, optional): a tensor to write the result into.
        axis (int, optional): NumPy's name for `dim`.

    Returns:
        Tensor: a new tensor.

    Examples:
        >>> retrograd.concat([retrograd.tensor([1, 2]), retrograd.tensor([3])])
        tensor([1, 2, 3])
    """
    if out is not None:
        return write_out(
            out,
            concat,
            locals(),
            CAT,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("concat", dim, 0, axis, "axis")
    return cat(tensors, dim)


def concatenate(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None, axis: Any = None) -> Tensor:
    """Alias of `cat` (NumPy's name; `axis=` or `dim=`, as PyTorch takes both).

    Args:
        tensors (sequence of Tensor): tensors of the same shape except in `dim`; dtypes promote.
        dim (int): the dim to join along (default 0).
        out (Tensor, optional): a tensor to write the result into.
        axis (int, optional): NumPy's name for `dim`.

    Returns:
        Tensor: a new tensor.

    Examples:
        >>> retrograd.concatenate([retrograd.zeros(2, 1), retrograd.ones(2, 2)], axis=1)
        tensor([[0., 1., 1.],
                [0., 1., 1.]])
    """
    if out is not None:
        return write_out(
            out,
            concatenate,
            locals(),
            CAT,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("concatenate", dim, 0, axis, "axis")
    return cat(tensors, dim)


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None, axis: Any = None) -> Tensor:
    """Join equally shaped tensors along a new dim; dtypes promote.

    Args:
        tensors (sequence of Tensor): tensors, all of the same shape.
        dim (int): where the new dim goes, in `[-ndim - 1, ndim]` (default 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor with one more dim, of length `len(tensors)`.

    Examples:
        >>> a, b = retrograd.tensor([1, 2]), retrograd.tensor([3, 4])
        >>> retrograd.stack([a, b])
        tensor([[1, 2],
                [3, 4]])
        >>> retrograd.stack([a, b], dim=1)
        tensor([[1, 3],
                [2, 4]])
    """
    if out is not None:
        return write_out(
            out,
            stack,
            locals(),
            CAT,
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("stack", dim, 0, axis, "axis")
    tensors = tensor_list("stack", tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != ref:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 and "
                f"{list(t._data.shape)} at entry {i}"
            )
    d = wrap_dim(dim, len(ref) + 1)
    return _stack_op(len(tensors))(*tensors, dim=d, dt=common_dtype(tensors).np)


# --- slicing: narrow, select -----------------------------------------------------------


def _index(x: Any) -> int:
    return operator.index(x)  # ints and one-element integer tensors


def narrow(input: Tensor, dim: int, start: int | Tensor, length: int) -> Tensor:
    """The view `input[..., start:start + length, ...]` along `dim` (start may be negative).

    Args:
        input (Tensor): the tensor to slice (at least 1-D).
        dim (int): the dim to narrow.
        start (int or Tensor): the first index kept (a 0-d int tensor is accepted).
        length (int): how many indices to keep.

    Returns:
        Tensor: a view sharing `input`'s memory.

    Examples:
        >>> x = retrograd.arange(9).reshape(3, 3)
        >>> retrograd.narrow(x, 0, 1, 2)
        tensor([[3, 4, 5],
                [6, 7, 8]])
        >>> x.narrow(1, -1, 1)
        tensor([[2],
                [5],
                [8]])
    """
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    start, length = _index(start), _index(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _slice(input, key=_dim_key(d, slice(start, start + length)))


def select(input: Tensor, dim: int, index: int | Tensor) -> Tensor:
    """The view at position `index` of `dim`, which is removed: shape (..., N, ...) -> (..., ...).

    Args:
        input (Tensor): the tensor to index (at least 1-D).
        dim (int): the dim to index.
        index (int or Tensor): the position in `dim` (negative counts from the end).

    Returns:
        Tensor: a view with one dim fewer (`input[:, index]` for `dim=1`).

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [4, 5, 6]])
        >>> retrograd.select(x, 1, -1)
        tensor([3, 6])
    """
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    index = _index(index)
    if not -shape[d] <= index < shape[d]:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(shape)} at dimension {d}"
        )
    return _select(input, key=_dim_key(d, index % shape[d]))
