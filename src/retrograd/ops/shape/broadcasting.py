"""Broadcasting: the shape tensors broadcast to, and `expand`, the view that broadcasts one.

`expand` is a view (`xp.broadcast_to`, with PyTorch's strides): the repeated elements share memory, and its
derivative is the gradient summed back down to the input's shape, which the engine does
for every op (`engine.fit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...backend.compat import as_strided
from ...engine.numpy_errors import broadcast_mismatch
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Size, Tensor
from ..kernels.arg_types import check_elements
from ..kernels.guards import size_keyword
from ..kernels.operands import shape_arg

__all__ = ["expand", "expand_as", "broadcast_to", "broadcast_tensors", "broadcast_shapes"]

def _expanded(xp: Any, a: Any, shape: tuple[int, ...]) -> Any:
    """`a` broadcast to `shape` with PyTorch's strides (see `expanded_strides`), read-only as
    NumPy's broadcast views are."""
    out = xp.broadcast_to(a, shape)
    if 1 not in shape:  # NumPy and PyTorch only differ on dims of size 1
        return out
    strides = expanded_strides(a.shape, a.strides, shape)
    return out if strides == out.strides else as_strided(out, shape, strides, writeable=False)


def expanded_strides(old_shape: tuple[int, ...], old_strides: tuple[int, ...],
                     shape: tuple[int, ...]) -> tuple[int, ...]:
    """The strides PyTorch gives `expand`'s result (in the unit of `old_strides`).

    A repeated dim steps 0. NumPy steps 0 over every dim of size 1 as well; PyTorch keeps an
    existing dim's stride and gives a new leading dim of size 1 the step over the dims after it
    (`arange(6).expand(1, -1).stride()` is `(6, 1)`), which `stride()`, `contiguous()` and
    saved checkpoints show. A 0-dim tensor expands with all strides 0.
    """
    if not old_shape:
        return (0,) * len(shape)
    lead = len(shape) - len(old_shape)
    strides = [0] * len(shape)
    for i in range(len(shape) - 1, -1, -1):
        if i >= lead:
            strides[i] = old_strides[i - lead] if old_shape[i - lead] == shape[i] else 0
        elif shape[i] == 1:
            strides[i] = shape[i + 1] * strides[i + 1]
    return tuple(strides)


_expand = Primitive(
    "expand",
    _expanded,
    [lambda g: g],  # the engine sums the gradient back down to the input's shape
    view=True,
)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape all `shapes` broadcast to (RuntimeError if they cannot).

    Args:
        *shapes (int or sequence of int): the shapes to combine, without building tensors.

    Returns:
        Size: the common broadcast shape.

    Examples:
        >>> retrograd.broadcast_shapes((2, 1), (1, 3))
        retrograd.Size([2, 3])
        >>> retrograd.broadcast_shapes(4, (3, 1))
        retrograd.Size([3, 4])
    """
    tuples = []
    for s in shapes:  # as PyTorch's `_broadcast_shapes`: None is skipped, an int is a 1-d shape
        if isinstance(s, int):
            tuples.append((s,))
        elif isinstance(s, Sequence):
            tuples.append(tuple(s))
        elif s is not None:
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {s}")
    try:
        return Size(np.broadcast_shapes(*tuples))
    except ValueError:
        if any(d < 0 for t in tuples for d in t):
            raise ValueError("Attempting to broadcast a dimension with negative length!") from None
        raise _mismatch(tuples) from None


def _mismatch(shapes: list[tuple]) -> RuntimeError:
    """PyTorch's error for shapes that do not broadcast: the first clash met, each shape's dims from the right."""
    result = [1] * max(len(s) for s in shapes)
    for index, shape in enumerate(shapes):
        for d in range(-1, -len(shape) - 1, -1):
            if shape[d] == 1 or shape[d] == result[d]:
                continue
            if result[d] != 1:
                return RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[d]} at {d}! Mismatching argument at "
                    f"index {index} had {shape}; but expected shape should be broadcastable to {result}"
                )
            result[d] = shape[d]
    return RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape: {tuple(shapes)}")


def expand(input: Tensor, *sizes: Any, size: Any = None) -> Tensor:
    """A broadcast view with the given sizes (-1 keeps a dim).

    Args:
        input (Tensor): the tensor; only its size-1 dims can grow.
        *sizes (int or sequence of int): the new shape; -1 keeps a dim's size, and extra leading
            sizes add dims.
        size (sequence of int, optional): the new shape by keyword instead (`expand(size=(N, -1))`).

    Returns:
        Tensor: a view without copying (the repeated elements share memory).

    Examples:
        >>> x = retrograd.tensor([[1], [2]])
        >>> x.expand(2, 3)
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> x.expand(4, -1, 2).shape
        retrograd.Size([4, 2, 2])
    """
    target = shape_arg(size_keyword(sizes, size, "expand"))
    shape = input._data.shape
    if len(target) < len(shape):
        raise RuntimeError(
            f"expand({_type_name(input)}{{{list(shape)}}}, size={list(target)}): the number of sizes "
            f"provided ({len(target)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(shape)})"
        )
    lead = len(target) - len(shape)
    resolved = list(target)
    for i in reversed(range(len(shape))):  # PyTorch checks from the last dim and names the first misfit
        s, want = shape[i], target[lead + i]
        if want == -1:
            resolved[lead + i] = s
        elif s != want and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(target)}.  Tensor sizes: {list(shape)}"
            )
    return _expand(input, shape=tuple(resolved))


def _type_name(t: Tensor) -> str:
    return f"torch.{t.dtype.legacy_name}"


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """A broadcast view of `input` with `other`'s shape.

    `x.expand_as(y)` is `x.expand(y.shape)`: size-1 dims repeat without copying data.

    Args:
        input (Tensor): the tensor to expand (the tensor the method is called on).
        other (Tensor): the tensor whose shape to take; `input`'s shape must broadcast to it.

    Returns:
        Tensor: a view of shape `other.shape`; gradients are summed back to `input`'s shape.

    Examples:
        >>> col = retrograd.tensor([[1], [2]])
        >>> col.expand_as(retrograd.zeros(2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    if not isinstance(other, Tensor):
        raise not_a_tensor("expand_as", other, "other")  # (a method only: PyTorch counts from `other`)
    return expand(input, other.shape)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """A broadcast view of `input` with the given size (-1 keeps a dim).

    Args:
        input (Tensor): the tensor to broadcast.
        size (sequence of int): the target shape; `input`'s shape must broadcast to it.

    Returns:
        Tensor: a view of shape `size` (broadcast dims repeat the data without copying it).

    Examples:
        >>> retrograd.broadcast_to(retrograd.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
    return expand(input, tuple(size))


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """Expand all tensors to their common broadcast shape.

    Args:
        *tensors (Tensor): the tensors to broadcast together.

    Returns:
        tuple of Tensor: views of the inputs, all of the broadcast shape.

    Examples:
        >>> a, b = retrograd.broadcast_tensors(retrograd.tensor([[1], [2]]), retrograd.tensor([10, 20, 30]))
        >>> a
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> b.shape
        retrograd.Size([2, 3])
    """
    check_elements(tensors)
    shapes = [t.shape for t in tensors]
    try:
        shape = Size(np.broadcast_shapes(*shapes))
    except ValueError:  # PyTorch names the tensors' clash here, not the shapes'
        raise broadcast_mismatch(shapes) or _mismatch([tuple(s) for s in shapes]) from None
    return tuple(t if t.shape == shape else expand(t, shape) for t in tensors)
