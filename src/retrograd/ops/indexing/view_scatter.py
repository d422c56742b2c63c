"""slice_scatter, select_scatter, diagonal_scatter: a copy of input with src written into one view.

Each is the out-of-place twin of writing into a view (`out = input.clone(); out[view] = src`).
Writing and reading the region are adjoint: the gradient for `input` is g with the region
zeroed (the same scatter of zeros into g), the gradient for `src` is g's region.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import int_arg, tensor_arg
from ..kernels.operands import as_tensor_of, wrap_dim
from ..shape.diagonals import _diag_view

__all__ = ["slice_scatter", "select_scatter", "diagonal_scatter"]


class KeyRegion:
    """The region `array[key]` (basic indexing: slices and integers)."""

    __slots__ = ("key",)

    def __init__(self, key: tuple) -> None:
        self.key = key

    def read(self, xp: Any, a: Any) -> Any:
        return xp.asarray(a[self.key])

    def write(self, xp: Any, a: Any, v: Any) -> None:
        a[self.key] = v


class DiagonalRegion:
    """The region `diagonal(array, offset, d1, d2)`."""

    __slots__ = ("offset", "d1", "d2")

    def __init__(self, offset: int, d1: int, d2: int) -> None:
        self.offset, self.d1, self.d2 = offset, d1, d2

    def read(self, xp: Any, a: Any) -> Any:
        return _diag_view(xp, a, self.offset, self.d1, self.d2)

    def write(self, xp: Any, a: Any, v: Any) -> None:
        _diag_view(xp, a, self.offset, self.d1, self.d2)[...] = v


def _scatter_forward(xp: Any, a: Any, v: Any, region: Any) -> Any:
    out = a.copy()
    region.write(xp, out, v)
    return out


def _scattering(name: str, take: Primitive) -> Primitive:
    prim: Primitive = Primitive(
        name,
        _scatter_forward,
        [
            # g with the region zeroed (v's shape only: v itself is not saved, as in PyTorch)
            lambda g, v_shape, region: prim(g, g.new_zeros(v_shape), region=region),
            lambda g, region: take(g, region=region),  # the region of g
        ],
        inputs=("a", "v"),
    )
    return prim


def _taking(name: str) -> Primitive:
    prim: Primitive = Primitive(
        name,
        lambda xp, a, region: region.read(xp, a).copy(),
        [lambda g, a_shape, region: scatter_of[name](g.new_zeros(a_shape), g, region=region)],
    )
    return prim


# the region read as a copy (PyTorch's slice_copy, ...), the views' ops being in `shape`
_slice = _taking("slice_copy")
_select = _taking("select_copy")
_diagonal = _taking("diagonal_copy")
_slice_scatter = _scattering("slice_scatter", _slice)
_select_scatter = _scattering("select_scatter", _select)
_diagonal_scatter = _scattering("diagonal_scatter", _diagonal)
scatter_of = {"slice_copy": _slice_scatter, "select_copy": _select_scatter, "diagonal_copy": _diagonal_scatter}


def _run(prim: Primitive, input: Tensor, src: Tensor, region: Any) -> Tensor:
    wanted = region.read(np, np.broadcast_to(np.zeros(()), tuple(input.shape))).shape  # the shape only
    if tuple(src._data.shape) != wanted:
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src._data.shape)}, slice size = {list(wanted)}"
        )
    return prim(input, as_tensor_of(src, input.dtype), region=region)


def _tensors(fn: str, input: Any, src: Any) -> None:
    tensor_arg(fn, "input", 1, input)
    tensor_arg(fn, "src", 2, src)


def slice_scatter(
    input: Tensor, src: Tensor, dim: int = 0, start: int | None = None, end: int | None = None, step: int = 1
) -> Tensor:
    """A copy of input with `src` written into `input[..., start:end:step, ...]` along `dim`.

    Args:
        input (Tensor): the tensor to copy.
        src (Tensor): the values, of the slice's shape and `input`'s dtype.
        dim (int): the dim to slice (default 0).
        start (int, optional): the first index (default the beginning).
        end (int, optional): the index to stop before (default the end).
        step (int): the stride of the slice (default 1).

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.zeros(2, 4)
        >>> retrograd.slice_scatter(x, retrograd.ones(2, 2), dim=1, start=0, step=2)
        tensor([[1., 0., 1., 0.],
                [1., 0., 1., 0.]])
    """
    _tensors("slice_scatter", input, src)
    dim, step = int_arg("slice_scatter", "dim", 3, dim), int_arg("slice_scatter", "step", 6, step)
    start = None if start is None else int_arg("slice_scatter", "start", 4, start)
    end = None if end is None else int_arg("slice_scatter", "end", 5, end)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = wrap_dim(dim, max(input._data.ndim, 1))
    key = (slice(None),) * d + (slice(start, end, step),)
    return _run(_slice_scatter, input, src, KeyRegion(key))


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of input with `src` written into `input.select(dim, index)`.

    Args:
        input (Tensor): the tensor to copy.
        src (Tensor): the values, of `input`'s shape without `dim`, and `input`'s dtype.
        dim (int): the dim to index.
        index (int): the position in `dim`.

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> retrograd.select_scatter(retrograd.zeros(2, 2), retrograd.tensor([1.0, 2.0]), 0, 1)
        tensor([[0., 0.],
                [1., 2.]])
    """
    _tensors("select_scatter", input, src)
    dim, index = int_arg("select_scatter", "dim", 3, dim), int_arg("select_scatter", "index", 4, index)
    n = input._data.ndim
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, n)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input._data.shape)} at dimension {dim}"
        )
    key = (slice(None),) * d + (index % size,)
    return _run(_select_scatter, input, src, KeyRegion(key))


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A copy of input with `src` written onto `input.diagonal(offset, dim1, dim2)`.

    Args:
        input (Tensor): the tensor to copy (at least 2-D).
        src (Tensor): the values, of the diagonal's shape and `input`'s dtype.
        offset (int): which diagonal (default 0, the main one).
        dim1 (int): the first dim of the plane (default 0).
        dim2 (int): the second dim of the plane (default 1).

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> retrograd.diagonal_scatter(retrograd.zeros(3, 3), retrograd.ones(2), 1)
        tensor([[0., 1., 0.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    _tensors("diagonal_scatter", input, src)
    offset = int_arg("diagonal_scatter", "offset", 3, offset)
    dim1, dim2 = int_arg("diagonal_scatter", "dim1", 4, dim1), int_arg("diagonal_scatter", "dim2", 5, dim2)
    n = input._data.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _run(_diagonal_scatter, input, src, DiagonalRegion(offset, d1, d2))
