"""Ops that repeat or reorder elements: repeat, tile, repeat_interleave, flip, rot90, roll, unfold.

Reorderings (flip, rot90, roll) are permutations, so each one's derivative is
the inverse permutation of g. Repetitions sum g over the copies. `unfold` is a
strided view of overlapping windows; its derivative adds every window's
gradient back where the window came from.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..._layouts import contiguous_format
from ...backend import meta
from ...backend.compat import as_strided
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..indexing.masking import select_along
from ..kernels.arg_types import int_arg, ints_arg, invalid_combination, is_int
from ..kernels.guards import size_keyword
from ..kernels.operands import numpy_alias, shape_arg, wrap_dim, wrap_dims

__all__ = [
    "repeat", "tile", "repeat_interleave", "flip", "fliplr", "flipud", "rot90", "roll", "unfold",
]


def _repeat_grad(g: Tensor, a_shape: tuple, reps: tuple) -> Tensor:
    # the output is a (r0, s0, r1, s1, ...) grid of copies: sum over the r axes
    if not reps:
        return g
    padded = (1,) * (len(reps) - len(a_shape)) + tuple(a_shape)
    grid = [x for pair in zip(reps, padded) for x in pair]
    return g.reshape(grid).sum(tuple(range(0, 2 * len(reps), 2))).reshape(a_shape)


_repeat = Primitive("repeat", lambda xp, a, reps: xp.tile(a, reps), [_repeat_grad])
_flip: Primitive = Primitive(
    "flip", lambda xp, a, dims: xp.flip(a, dims).copy(),
    [lambda g, dims: _flip(g, dims=dims)],  # flipping twice is the identity
)
_rot90: Primitive = Primitive(
    "rot90", lambda xp, a, k, dims: xp.rot90(a, k, axes=dims).copy(),
    [lambda g, k, dims: _rot90(g, k=-k, dims=dims)],  # rotate back
)
_roll: Primitive = Primitive(
    "roll", lambda xp, a, shifts, dims: xp.roll(a, shifts, axis=dims),
    [lambda g, shifts, dims: _roll(g, shifts=tuple(-s for s in shifts), dims=dims)],  # roll back
)


def repeat(input: Tensor, *counts: Any, repeats: Any = None) -> Tensor:
    """`input` copied `repeats[i]` times along each dim (extra leading repeats add dims).

    Args:
        input (Tensor): the tensor to tile.
        *counts (int or sequence of int): how many copies along each dim; at least `input.dim()`
            of them.
        repeats (sequence of int, optional): the same by keyword instead (`repeat(repeats=(1, 2))`).

    Returns:
        Tensor: a new tensor of shape `input.shape[i] * repeats[i]` per dim (a copy, unlike `expand`).

    Examples:
        >>> x = retrograd.tensor([1, 2])
        >>> x.repeat(2)
        tensor([1, 2, 1, 2])
        >>> x.repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    counts = size_keyword(counts, repeats, "repeat", name="repeats")
    if not counts:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = shape_arg(counts)
    shape = input._data.shape
    if len(reps) < len(shape):
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    padded = (1,) * (len(reps) - len(shape)) + shape
    out_shape = [r * s for r, s in zip(reps, padded)]
    negative = [r for r in reps if r < 0]
    if negative:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out_shape)}: {out_shape}")
    return _repeat(input, reps=reps)


def tile(input: Tensor, dims: Any, *more: int) -> Tensor:
    """Repeat `input` the given number of times along each dim (NumPy's `tile`).

    When `dims` has fewer entries than `input` has dims, ones are prepended to it; when it has
    more, `input` gets leading dims of size 1.

    Args:
        input (Tensor): the tensor to repeat.
        dims (int or sequence of int): the repetitions per dim (or the first of several ints).
        *more (int): further repetitions when given as separate ints.

    Returns:
        Tensor: a new tensor.

    Examples:
        >>> retrograd.tile(retrograd.tensor([1, 2]), (2,))
        tensor([1, 2, 1, 2])
        >>> retrograd.tile(retrograd.tensor([1, 2]), (2, 1))
        tensor([[1, 2],
                [1, 2]])
    """
    reps = shape_arg((dims,) + more)
    reps = (1,) * (input._data.ndim - len(reps)) + reps
    return repeat(input, reps)


def _interleave_int(input: Tensor, r: int, d: int, output_size: int | None) -> Tensor:
    """Each slice along `d` repeated `r` times in a row: unsqueeze, expand, copy, view."""
    if r < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = input._data.shape
    wide = input.unsqueeze(d + 1).expand(shape[: d + 1] + (r,) + shape[d + 1 :])
    return wide.clone(memory_format=contiguous_format).view(shape[:d] + (shape[d] * r,) + shape[d + 1 :])


def _counts(repeats: Tensor) -> np.ndarray:
    """The counts of an integer tensor (PyTorch's kernel checks the dtype after the shapes)."""
    r = repeats._data
    if r.dtype.kind not in "iu":
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{repeats.dtype.kind_name}\'')
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    return r.astype(np.int64, copy=False)


def _repeated(values: np.ndarray, counts: Any, output_size: int | None) -> Any:
    """Each value `counts` times; meta counts have no values, so only `output_size` gives the length."""
    if type(counts) is not meta.MetaArray:
        return np.repeat(values, counts)
    if output_size is None:
        raise RuntimeError("cannot repeat_interleave a meta tensor without output_size")
    return meta.empty((output_size,), values.dtype)


_REPEAT_INTERLEAVE_SIGNATURES = (
    "Tensor input, Tensor repeats, int dim = None, *, int output_size = None",
    "Tensor repeats, *, int output_size = None",
    "Tensor input, int repeats, int dim = None, *, int output_size = None",
)


def repeat_interleave(
    input: Tensor,
    repeats: int | Tensor | None = None,
    dim: int | None = None,
    *,
    output_size: int | None = None,
    axis: Any = None,
) -> Tensor:
    """Repeat each element (or each slice along `dim`) `repeats` times in place, not the whole tensor.

    Called with only a 1-D int tensor, it repeats each index `i` `input[i]` times.

    Args:
        input (Tensor): the tensor to repeat.
        repeats (int or Tensor): a count for all elements, or an int64 tensor of one count per
            element along `dim`.
        dim (int, optional): the dim to repeat along; None flattens `input` first.
        output_size (int, optional): the total length along `dim`, if known.
        axis (int, optional): NumPy's name for `dim`.

    Returns:
        Tensor: a new tensor, longer along `dim` (1-D when `dim` is None).

    Examples:
        >>> retrograd.repeat_interleave(retrograd.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
        >>> x = retrograd.tensor([[1, 2], [3, 4]])
        >>> retrograd.repeat_interleave(x, retrograd.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
        >>> retrograd.repeat_interleave(retrograd.tensor([2, 1]))
        tensor([0, 0, 1])
    """
    if not isinstance(input, Tensor):
        if repeats is None:  # the one-argument form reads its argument as the repeats
            raise not_a_tensor("repeat_interleave", input, "repeats")
        raise invalid_combination("repeat_interleave", (input, repeats), _REPEAT_INTERLEAVE_SIGNATURES)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("repeat_interleave", dim, None, axis, "axis")
    if repeats is not None and not isinstance(repeats, Tensor) and not is_int(repeats):
        raise invalid_combination("repeat_interleave", (input, repeats), _REPEAT_INTERLEAVE_SIGNATURES)
    if repeats is None:  # repeat_interleave(counts): the indices each count expands to
        if input._data.dtype.kind not in "iu":
            _counts(input)  # its dtype error comes first here
        if input._data.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        counts = _counts(input)
        return Tensor._make(_repeated(np.arange(counts.shape[0], dtype=input._data.dtype), counts, output_size))
    if dim is None:
        input, d = input.reshape(-1), 0
    else:
        d = wrap_dim(dim, input._data.ndim)
    if not isinstance(repeats, Tensor):
        return _interleave_int(input, operator.index(repeats), d, output_size)
    if repeats._data.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    size = input._data.shape[d]
    if repeats._data.size != 1 and repeats._data.shape[0] != size:
        raise RuntimeError(
            "repeats must have the same size as input along dim, but got "
            f"repeats.size(0) = {repeats._data.shape[0]} and input.size(0) = {size}"
        )
    counts = _counts(repeats)
    if counts.size == 1:  # one count for every slice
        counts = np.full(size, counts.reshape(()))
    return select_along(input, _repeated(np.arange(size), counts, output_size), d)


def flip(input: Tensor, dims: Any = None, *more: int) -> Tensor:
    """Reverse the order of the elements along the given dims.

    Args:
        input (Tensor): the tensor to flip.
        dims (int or sequence of int): the dims to reverse (or the first of several ints).
        *more (int): further dims when given as separate ints.

    Returns:
        Tensor: a new tensor (a copy, unlike NumPy's view), same shape.

    Examples:
        >>> x = retrograd.tensor([[1, 2], [3, 4]])
        >>> retrograd.flip(x, [0])
        tensor([[3, 4],
                [1, 2]])
        >>> x.flip(0, 1)
        tensor([[4, 3],
                [2, 1]])
    """
    if dims is None:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    order = shape_arg((dims,) + more)
    n = input._data.ndim
    axes = wrap_dims(order, n) if order else ()
    return _flip(input, dims=axes if n else ())


def fliplr(input: Tensor) -> Tensor:
    """Reverse the columns (dim 1) of a tensor with at least 2 dims.

    Args:
        input (Tensor): a tensor with at least 2 dims.

    Returns:
        Tensor: a copy with dim 1 reversed.

    Examples:
        >>> retrograd.fliplr(retrograd.tensor([[1, 2], [3, 4]]))
        tensor([[2, 1],
                [4, 3]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("fliplr", input)
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _flip(input, dims=(1,))


def flipud(input: Tensor) -> Tensor:
    """Reverse the rows (dim 0) of a tensor with at least 1 dim.

    Args:
        input (Tensor): a tensor with at least 1 dim.

    Returns:
        Tensor: a copy with dim 0 reversed.

    Examples:
        >>> retrograd.flipud(retrograd.tensor([[1, 2], [3, 4]]))
        tensor([[3, 4],
                [1, 2]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("flipud", input)
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _flip(input, dims=(0,))


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees `k` times in the plane `dims`, from the first dim toward the second.

    Args:
        input (Tensor): a tensor with at least 2 dims.
        k (int): the number of quarter turns; negative turns the other way (default 1).
        dims (sequence of int): the two dims of the plane (default (0, 1)).

    Returns:
        Tensor: a new tensor; the two dims swap sizes when `k` is odd.

    Examples:
        >>> x = retrograd.tensor([[1, 2], [3, 4]])
        >>> retrograd.rot90(x)
        tensor([[2, 4],
                [1, 3]])
        >>> retrograd.rot90(x, -1)
        tensor([[3, 1],
                [4, 2]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("rot90", input)
    if type(k) is not int:
        k = int_arg("rot90", "k", 2, k)
    dims = ints_arg("rot90", "dims", 3, dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = wrap_dim(dims[0], n), wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return _rot90(input, k=k % 4, dims=(d0, d1))


def roll(input: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """Shift the elements cyclically along dims: what falls off one end comes back at the other.

    Args:
        input (Tensor): the tensor to roll.
        shifts (int or sequence of int): the shift per dim (positive moves toward higher indices).
        dims (int or sequence of int, optional): the dims to roll, one per shift; None flattens
            `input`, rolls it, and restores the shape.

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [4, 5, 6]])
        >>> retrograd.roll(x, 1)
        tensor([[6, 1, 2],
                [3, 4, 5]])
        >>> retrograd.roll(x, shifts=-1, dims=1)
        tensor([[2, 3, 1],
                [5, 6, 4]])
    """
    shifts = (shifts,) if type(shifts) is int else ints_arg("roll", "shifts", 2, shifts, one=True)
    axes = None if dims is None else (dims,) if type(dims) is int else ints_arg("roll", "dims", 3, dims, one=True)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if axes is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return _roll(input, shifts=shifts, dims=None)
    if len(shifts) != len(axes):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(axes)}")
    n = input._data.ndim
    if n == 0:
        raise IndexError(f"Dimension specified as {axes[0]} but tensor has no dimensions")
    return _roll(input, shifts=shifts, dims=tuple(wrap_dim(d, n) for d in axes))


# --- unfold: a strided view of sliding windows -----------------------------------------


def _windows(xp: Any, a: Any, dim: int, size: int, step: int) -> Any:
    if a.ndim == dim:  # a 0-d tensor (batched by vmap: dim is past its batch dim) is its one window
        return a[..., None][..., :size]
    n = (a.shape[dim] - size) // step + 1
    shape = a.shape[:dim] + (n,) + a.shape[dim + 1 :] + (size,)
    st = a.strides
    strides = st[:dim] + (st[dim] * step,) + st[dim + 1 :] + (st[dim],)
    # overlapping windows stay read-only: writing one element twice is an error, as in PyTorch
    return as_strided(a, shape, strides, writeable=step >= size)


def _windows_sum(xp: Any, g: Any, shape: tuple, dim: int, size: int, step: int) -> Any:
    if len(shape) == dim:  # the windows of a 0-d tensor (or of a batch of them, under vmap)
        return g.sum(axis=-1)
    out = xp.zeros(shape, dtype=g.dtype)
    n = g.shape[dim]
    for j in range(size):  # one strided add per position in the window, not per element
        out[(slice(None),) * dim + (slice(j, j + step * (n - 1) + 1, step),)] += g[..., j]
    return out


_unfold: Primitive = Primitive(
    "unfold", _windows,
    [lambda g, a_shape, dim, size, step: _unfold_backward(g, shape=a_shape, dim=dim, size=size, step=step)],
    view=True,
)
_unfold_backward: Primitive = Primitive(
    "unfold_backward", _windows_sum,
    [lambda g, dim, size, step: _unfold(g, dim=dim, size=size, step=step)],  # its adjoint: the windows again
)


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """A view of all windows of length `size`, `step` apart, along `dimension` (as `Tensor.unfold`).

    Args:
        input (Tensor): the tensor to slide over, shape `(..., N, ...)` with N at `dimension`.
        dimension (int): the dim the windows run along (negative counts from the end).
        size (int): the length of each window, at most N.
        step (int): the distance between the starts of neighbouring windows, > 0.

    Returns:
        Tensor: a view of shape `(..., (N - size) // step + 1, ..., size)`: `dimension` now
            indexes the windows and a new last dim holds each window's elements.

    Examples:
        >>> x = retrograd.arange(6)
        >>> x.unfold(0, 3, 2)
        tensor([[0, 1, 2],
                [2, 3, 4]])
        >>> retrograd.zeros(2, 5).unfold(1, 2, 1).shape
        retrograd.Size([2, 4, 2])
    """
    shape = input._data.shape
    d = wrap_dim(dimension, len(shape))
    longest = shape[d] if shape else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > longest:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {longest} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _unfold(input, dim=d, size=int(size), step=int(step))
