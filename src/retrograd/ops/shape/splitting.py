"""Splitting into several views along one dim: split, chunk, unbind, tensor_split, hsplit/vsplit/dsplit.

Multi-piece results (split, unbind) are one node with one output per piece, so a backward
through all the pieces joins their gradients once (with `cat`/`stack`) instead of summing
one padded copy per piece. tensor_split's pieces are plain slices (`slicing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ...engine.primitive import Primitive, not_a_tensor
from ...engine.views import link_view
from ...tensor import Tensor
from ..kernels.arg_types import int_arg, ints_arg, invalid_combination, is_int
from ..kernels.operands import numpy_alias, wrap_dim
from .slicing import _dim_key, _index, _slice, _slicer, _take, cat, stack

__all__ = ["split", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind"]

# How one piece of split/unbind is re-derived from its base. Distinct objects so that the
# in-place machinery can tell views that came out of a multi-output op (PyTorch refuses
# in-place changes to those while grad is recorded).
_split_piece = _slicer("split_piece", "SliceBackward0")
_unbind_piece = _slicer("unbind_piece", "SelectBackward0")
MULTI_OUTPUT_VIEW_STEPS = (_split_piece, _unbind_piece)
_split_piece.multi_output_view = _unbind_piece.multi_output_view = True


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


_SPLIT_SIGNATURES = ("Tensor input, int split_size, int dim = 0", "Tensor input, tuple of ints split_size, int dim = 0")


def _split_argument(tensor: Tensor, sections: Any, dim: Any) -> Any:
    """`split_size_or_sections` as PyTorch's `Tensor.split` reads it: a one-element tensor as its
    int; anything but an int as sizes (`x.split(counts)` with a tensor of counts is refused)."""
    if isinstance(sections, Tensor) and sections._data.size == 1:
        return int(sections)
    if isinstance(sections, bool):
        raise invalid_combination("split", (tensor, sections, dim), _SPLIT_SIGNATURES)
    if isinstance(sections, int):
        return sections
    return ints_arg("split_with_sizes", "split_sizes", 2, sections)


def split(tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Views of `split_size`-long pieces along `dim` (the last may be shorter), or of the given sizes.

    Args:
        tensor (Tensor): the tensor to split (at least 1-d).
        split_size_or_sections (int or sequence of int): the length of every piece, or a list
            of lengths that sum to the dim's size.
        dim (int): the dim to split (default 0).

    Returns:
        tuple of Tensor: the pieces, as views of `tensor`.

    Examples:
        >>> x = retrograd.arange(5)
        >>> retrograd.split(x, 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> x.split([1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    sections = _split_argument(tensor, split_size_or_sections, dim)
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor._data.ndim)
    size = tensor._data.shape[d]
    if isinstance(sections, (list, tuple)):
        sizes = [_index(s) for s in sections]
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
    step = _index(sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and size != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    n = max(-(-size // step), 1) if step else 1
    sizes = [step] * (n - 1) + [size - step * (n - 1)]
    return _split_views(tensor, _pieces_of(d, sizes), d, "SplitBackward0")


def chunk(input: Tensor, chunks: int, dim: int = 0, *, axis: Any = None) -> tuple[Tensor, ...]:
    """At most `chunks` views of equal length ceil(N / chunks) along `dim` (the last may be shorter).

    Args:
        input (Tensor): the tensor to split (at least 1-d).
        chunks (int): how many pieces to aim for; fewer come back when the sizes do not allow it.
        dim (int): the dim to split (default 0).

    Returns:
        tuple of Tensor: the pieces, as views of `input`.

    Examples:
        >>> x = retrograd.arange(6)
        >>> retrograd.chunk(x, 3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4, 5]))
        >>> x.chunk(4)
        (tensor([0, 1]), tensor([2, 3]), tensor([4, 5]))
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("chunk", dim, 0, axis, "axis")
    if type(chunks) is not int:
        chunks = int_arg("chunk", "chunks", 2, chunks)
    if type(dim) is not int:
        dim = int_arg("chunk", "dim", 3, dim)
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
    """Split `input` into all its slices along `dim`, removing that dim.

    Args:
        input (Tensor): the tensor to split.
        dim (int): the dim to remove (default 0).
        axis (int, optional): NumPy's name for `dim`.

    Returns:
        tuple of Tensor: `input.shape[dim]` views.

    Examples:
        >>> retrograd.unbind(retrograd.tensor([[1, 2], [3, 4]]))
        (tensor([1, 2]), tensor([3, 4]))
        >>> retrograd.tensor([[1, 2], [3, 4]]).unbind(1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("unbind", input)
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


_TENSOR_SPLIT_SIGNATURES = (
    "Tensor input, tuple of ints indices, int dim = 0",
    "Tensor input, Tensor tensor_indices_or_sections, int dim = 0",
    "Tensor input, int sections, int dim = 0",
)


def tensor_split(input: Tensor, indices_or_sections: Any = None, dim: int = 0, *, sections: Any = None,
                 indices: Any = None, tensor_indices_or_sections: Any = None,
                 axis: Any = None) -> tuple[Tensor, ...]:  # fmt: skip
    """Split `input` along `dim` into a number of near-equal pieces, or at given indices.

    With an int `n`, the first `size % n` pieces are one longer; unlike `split`, the int counts pieces.

    Args:
        input (Tensor): the tensor to split.
        indices_or_sections (int, sequence of int or Tensor): the number of pieces, or the indices
            to split before (a 0-d or 1-D int64 tensor works too).
        dim (int): the dim to split along (default 0).
        sections, indices, tensor_indices_or_sections: PyTorch's keyword names of the same argument,
            one per overload (`torch.tensor_split(x, indices=(-1,), dim=-3)`, as torchvision writes it).
        axis (int, optional): NumPy's name for `dim`.

    Returns:
        tuple of Tensor: views of `input`.

    Examples:
        >>> x = retrograd.arange(7)
        >>> retrograd.tensor_split(x, 3)
        (tensor([0, 1, 2]), tensor([3, 4]), tensor([5, 6]))
        >>> retrograd.tensor_split(x, [1, 5])
        (tensor([0]), tensor([1, 2, 3, 4]), tensor([5, 6]))
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("tensor_split", dim, 0, axis, "axis")
    given = {name: value for name, value in (("indices", indices), ("sections", sections),
             ("tensor_indices_or_sections", tensor_indices_or_sections)) if value is not None}  # fmt: skip
    # not a tensor, or none of the split arguments, or two: no overload matches
    if not isinstance(input, Tensor) or len(given) + (indices_or_sections is not None) != 1:
        raise invalid_combination("tensor_split", (input,), _TENSOR_SPLIT_SIGNATURES, given)
    if input._data.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = wrap_dim(dim, input._data.ndim)
    spec = indices_or_sections if indices_or_sections is not None else next(iter(given.values()))
    if isinstance(spec, Tensor):
        spec = _tensor_spec(spec)
    bounds: list[int | None]
    if isinstance(spec, (list, tuple)):
        bounds = [0, *(_index(i) for i in spec), None]
    else:
        bounds = list(_section_bounds(input._data.shape[d], _index(spec)))
    return tuple(_slice(input, key=_dim_key(d, slice(lo, hi))) for lo, hi in zip(bounds[:-1], bounds[1:]))


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
    if not (is_int(spec) or isinstance(spec, (list, tuple)) and all(is_int(i) for i in spec)):
        signatures = ("Tensor input, int sections", "Tensor input, tuple of ints indices")
        raise invalid_combination(name, (input, spec), signatures)
    n = input._data.ndim
    if n < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor with {n} dimensions!"
        )
    if not isinstance(spec, (list, tuple)):
        size, sections = input._data.shape[dim], _index(spec)
        if sections == 0 or size % sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                f"{size} is not divisible by the split_size {sections}!"
            )
    return tensor_split(input, spec, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 1 (dim 0 for 1-D inputs), NumPy's `hsplit`.

    An int must divide that dim's size evenly.

    Args:
        input (Tensor): a tensor with at least 1 dim.
        indices_or_sections (int or sequence of int): the number of equal pieces, or split indices.

    Returns:
        tuple of Tensor: views of `input`.

    Examples:
        >>> retrograd.hsplit(retrograd.arange(8).reshape(2, 4), 2)
        (tensor([[0, 1],
                [4, 5]]), tensor([[2, 3],
                [6, 7]]))
    """
    return _split_along("hsplit", input, indices_or_sections, 1 if input._data.ndim > 1 else 0, 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 0 for tensors with at least 2 dims, NumPy's `vsplit`.

    An int must divide that dim's size evenly.

    Args:
        input (Tensor): a tensor with at least 2 dims.
        indices_or_sections (int or sequence of int): the number of equal pieces, or split indices.

    Returns:
        tuple of Tensor: views of `input`.

    Examples:
        >>> retrograd.vsplit(retrograd.arange(6).reshape(3, 2), [1])
        (tensor([[0, 1]]), tensor([[2, 3],
                [4, 5]]))
    """
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """`tensor_split` along dim 2 for tensors with at least 3 dims, NumPy's `dsplit`.

    An int must divide that dim's size evenly.

    Args:
        input (Tensor): a tensor with at least 3 dims.
        indices_or_sections (int or sequence of int): the number of equal pieces, or split indices.

    Returns:
        tuple of Tensor: views of `input`.

    Examples:
        >>> [p.shape for p in retrograd.dsplit(retrograd.zeros(2, 2, 4), 2)]
        [retrograd.Size([2, 2, 2]), retrograd.Size([2, 2, 2])]
    """
    return _split_along("dsplit", input, indices_or_sections, 2, 3)
