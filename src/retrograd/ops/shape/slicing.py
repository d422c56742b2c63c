"""Joining and slicing along one dim: cat/stack and narrow/select/split/unbind.

The two halves are each other's derivatives: the gradient of `cat` hands each
input its slice of g, and the gradient of a slice is g placed into zeros of the
input's shape. Slices are views, as in PyTorch: they share memory and the
version counter with their input, so in-place ops on them reach the input
through `CopySlices` (see `engine.inplace`). Multi-piece results (split,
unbind) are one node with one output per piece, so a backward through all the
pieces joins their gradients once instead of summing one padded copy per piece.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import lru_cache, reduce
from typing import Any

from ... import dtypes as _dt
from ...engine.primitive import Primitive
from ...engine.views import link_view
from ...tensor import Tensor
from ..kernels.operands import numpy_alias, wrap_dim
from ..kernels.out_arg import CAT, write_out

__all__ = [
    "cat", "concat", "concatenate", "stack", "narrow", "select", "split", "chunk",
    "tensor_split", "hsplit", "vsplit", "dsplit", "unbind",
]

_ALL = slice(None)


def _take(xp: Any, a: Any, key: tuple) -> Any:
    # basic indexing: a view (the Ellipsis keeps a full integer index a 0-d view, not a scalar copy)
    return a[key + (Ellipsis,)] if Ellipsis not in key else a[key]


def _place(xp: Any, g: Any, key: tuple, shape: tuple) -> Any:
    out = xp.zeros(shape, dtype=g.dtype)
    out[key] = g
    return out


def _slicer(name: str, node_name: str) -> Primitive:
    # out = a[key]; d/da: g placed at `key` in zeros of a's shape
    return Primitive(
        name, _take, [lambda g, a_shape, key: _place_op(g, key=key, shape=a_shape)],
        node_name=node_name, view=True,
    )


_slice: Primitive = _slicer("slice", "SliceBackward0")
_select = _slicer("select", "SelectBackward0")
# How one piece of split/unbind is re-derived from its base. Distinct objects so that the
# in-place machinery can tell views that came out of a multi-output op (PyTorch refuses
# in-place changes to those while grad is recorded).
_split_piece = _slicer("split_piece", "SliceBackward0")
_unbind_piece = _slicer("unbind_piece", "SelectBackward0")
MULTI_OUTPUT_VIEW_STEPS = (_split_piece, _unbind_piece)
_split_piece.multi_output_view = _unbind_piece.multi_output_view = True
_place_op: Primitive = Primitive(
    "slice_backward", _place, [lambda g, key: _slice(g, key=key)],  # the adjoint of placing is taking
    node_name="SliceBackwardBackward0",
)


def take_view(input: Tensor, key: tuple, *, select: bool = False) -> Tensor:
    """`input[key]` for a key of ints and slices, as a differentiable view."""
    return (_select if select else _slice)(input, key=key)


def _dim_key(dim: int, index: int | slice) -> tuple:
    return (_ALL,) * dim + (index,)


# --- joining: cat and stack ------------------------------------------------------------


def _concat(xp: Any, *arrays: Any, dim: int, dt: Any, keep: tuple, bounds: tuple) -> Any:
    return xp.concatenate([arrays[i] for i in keep], axis=dim, dtype=dt, casting="unsafe")


def _stack(xp: Any, *arrays: Any, dim: int, dt: Any) -> Any:
    return xp.stack(arrays, axis=dim, dtype=dt, casting="unsafe")


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
    return Primitive("cat", _concat, [_cat_rule(i) for i in range(n)], inputs=names, node_name="CatBackward0")


@lru_cache(maxsize=64)
def _stack_op(n: int) -> Primitive:
    # d/d(input i) = g selected at index i of dim
    names = tuple(f"t{i}" for i in range(n))
    return Primitive("stack", _stack, [_stack_rule(i) for i in range(n)], inputs=names, node_name="StackBackward0")


def tensor_list(name: str, tensors: Any) -> list[Tensor]:
    """The tensors of a list/tuple argument; TypeError as PyTorch's argument parser words it."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
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
    """Alias of `cat`."""
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


def concatenate(tensors: Sequence[Tensor], axis: int = 0, out: Any = None) -> Tensor:
    """Alias of `cat` with NumPy's `axis` keyword."""
    if out is not None:
        return write_out(
            out,
            concatenate,
            locals(),
            CAT,
        )
    return cat(tensors, axis)


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None, axis: Any = None) -> Tensor:
    """Join equally shaped tensors along a new dim; dtypes promote."""
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
    """The view `input[..., start:start + length, ...]` along `dim` (start may be negative)."""
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
    """The view at position `index` of `dim`, which is removed: shape (..., N, ...) -> (..., ...)."""
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


# --- splitting into several views ------------------------------------------------------


def _pieces(xp: Any, a: Any, keys: tuple, dim: int) -> Any:
    parts = tuple(_take(xp, a, k) for k in keys)
    return parts if len(parts) > 1 else parts[0]


def _as_tuple(g: Any) -> tuple:
    return g if isinstance(g, tuple) else (g,)


@lru_cache(maxsize=256)
def _splitter(n: int, node_name: str) -> Primitive:
    # d/da = the pieces' gradients joined again (missing ones arrive as zeros)
    if node_name == "UnbindBackward0":
        rule = lambda g, dim: stack(_as_tuple(g), dim)  # noqa: E731
    else:
        rule = lambda g, dim: cat(_as_tuple(g), dim)  # noqa: E731
    return Primitive("split", _pieces, [rule], n_outputs=n, node_name=node_name)


def _split_views(input: Tensor, keys: list[tuple], dim: int, node_name: str) -> tuple[Tensor, ...]:
    """One node, one output per key; each output a view of `input` replayable on its own."""
    if not keys:
        return ()
    outs = _as_tuple(_splitter(len(keys), node_name)(input, keys=tuple(keys), dim=dim))
    replay = _unbind_piece if node_name == "UnbindBackward0" else _split_piece
    for o, key in zip(outs, keys):
        link_view(o, input, replay, {"key": key})
    return outs


def _dim_of(input: Tensor, dim: int) -> int:
    if input._data.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, input._data.ndim)


def _pieces_of(d: int, sizes: Sequence[int]) -> list[tuple]:
    keys, start = [], 0
    for s in sizes:
        keys.append(_dim_key(d, slice(start, start + s)))
        start += s
    return keys


def split(tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Views of `split_size`-long pieces along `dim` (the last may be shorter), or of the given sizes."""
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor._data.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [_index(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sizes}"
            )
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                f"dimension {d}), but got split_sizes={sizes}"
            )
        return _split_views(tensor, _pieces_of(d, sizes), d, "SplitWithSizesBackward0")
    step = _index(split_size_or_sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and size != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    n = max(-(-size // step), 1) if step else 1
    sizes = [step] * (n - 1) + [size - step * (n - 1)]
    return _split_views(tensor, _pieces_of(d, sizes), d, "SplitBackward0")


def chunk(input: Tensor, chunks: int, dim: int = 0, *, axis: Any = None) -> tuple[Tensor, ...]:
    """At most `chunks` views of equal length ceil(N / chunks) along `dim` (the last may be shorter)."""
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("chunk", dim, 0, axis, "axis")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if size == 0:  # PyTorch returns `chunks` empty pieces here
        return _split_views(input, _pieces_of(d, [0] * chunks), d, "SplitWithSizesBackward0")
    return split(input, -(-size // chunks), d)


def unbind(input: Tensor, dim: int = 0, *, axis: Any = None) -> tuple[Tensor, ...]:
    """Every index of `dim` as a view with that dim removed: (..., N, ...) -> N x (..., ...)."""
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("unbind", dim, 0, axis, "axis")
    d = _dim_of(input, dim)
    keys = [_dim_key(d, i) for i in range(input._data.shape[d])]
    return _split_views(input, keys, d, "UnbindBackward0")


def _section_bounds(size: int, sections: int) -> list[int]:
    if sections <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
    q, r = divmod(size, sections)
    bounds, start = [0], 0
    for i in range(sections):  # the first `r` pieces are one longer (NumPy's array_split)
        start += q + (i < r)
        bounds.append(start)
    return bounds


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0, *, axis: Any = None) -> tuple[Tensor, ...]:
    """Views split into `sections` near-equal pieces, or at the given indices, along `dim`."""
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("tensor_split", dim, 0, axis, "axis")
    if input._data.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = wrap_dim(dim, input._data.ndim)
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        spec = _tensor_spec(spec)
    bounds: list[int | None]
    if isinstance(spec, (list, tuple)):
        bounds = [0, *(_index(i) for i in spec), None]
    else:
        bounds = list(_section_bounds(input._data.shape[d], _index(spec)))
    return tuple(
        _slice(input, key=_dim_key(d, slice(lo, hi))) for lo, hi in zip(bounds[:-1], bounds[1:])
    )


def _tensor_spec(spec: Tensor) -> int | list[int]:
    if spec._data.dtype.name != "int64":
        raise RuntimeError(
            f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got {spec.dtype.kind_name}"
        )
    if spec._data.ndim > 1:
        raise RuntimeError(
            "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional "
            f"tensor, but got a tensor with {spec._data.ndim} dims"
        )
    return spec._data.tolist()


def _split_along(name: str, input: Tensor, spec: Any, dim: int, min_dims: int) -> tuple[Tensor, ...]:
    n = input._data.ndim
    if n < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
            f"with {n} dimensions!"
        )
    if not isinstance(spec, (list, tuple, Tensor)):
        size, sections = input._data.shape[dim], _index(spec)
        if sections == 0 or size % sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                f"{size} is not divisible by the split_size {sections}!"
            )
    return tensor_split(input, spec, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 1 (dim 0 for 1-D input); an int must divide the size."""
    return _split_along("hsplit", input, indices_or_sections, 1 if input._data.ndim > 1 else 0, 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 0 of an at least 2-D tensor; an int must divide the size."""
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 2 of an at least 3-D tensor; an int must divide the size."""
    return _split_along("dsplit", input, indices_or_sections, 2, 3)
