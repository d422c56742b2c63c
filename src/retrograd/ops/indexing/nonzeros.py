"""Where a tensor is non-zero, as indices: nonzero, nonzero_static and argwhere.

The indices a boolean mask stands for (`t[mask]` reads the same elements as
`t[mask.nonzero(as_tuple=True)]`), in row-major order, as int64.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..._user_frames import user_stacklevel
from ...backend import namespace
from ...engine.primitive import not_a_tensor
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.arg_types import int_arg
from ..kernels.out_arg import same, write_out

__all__ = ["nonzero", "nonzero_static", "argwhere"]


def nonzero(input: Tensor, *, out: Any = None, as_tuple: bool = False) -> Any:
    """Indices of the non-zero elements: (N, ndim) int64, or one 1-d tensor per dim.

    Args:
        input (Tensor): the tensor to search.
        out (Tensor, optional): a tensor to write the result into.
        as_tuple (bool): return one 1-D tensor per dim (usable as `input[...]`) instead of one
            matrix (default False).

    Returns:
        Tensor or tuple of Tensor: the coordinates in row-major order.

    Examples:
        >>> x = retrograd.tensor([[0, 1], [2, 0]])
        >>> retrograd.nonzero(x)
        tensor([[0, 1],
                [1, 0]])
        >>> retrograd.nonzero(x, as_tuple=True)
        (tensor([0, 1]), tensor([1, 0]))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("nonzero", input)
    if out is not None:
        return write_out(
            out,
            nonzero,
            locals(),
            same("nonzero: Expected out tensor to have scalar type {src} but got scalar type{dst}"),
        )
    if _vmap.active:  # the number of indices depends on the values: PyTorch's errors
        batched("nonzero_numpy" if as_tuple else "nonzero", nonzero, input)
    data = input._data
    if as_tuple:
        if data.ndim == 0:
            return (Tensor._make(np.zeros(int(bool(data)), np.int64)),)
        return tuple(Tensor._make(x.astype(np.int64)) for x in np.nonzero(data))
    return Tensor._make(np.argwhere(data).astype(np.int64))


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1, out: Any = None) -> Tensor:
    """`nonzero` with a fixed number of rows: the first `size` index rows, padded with `fill_value`.

    Args:
        input (Tensor): the tensor to search.
        size (int): the number of rows of the result (non-negative); extra non-zeros are dropped.
        fill_value (int): the value of the padding rows (default -1, an invalid index).
        out (Tensor, optional): an int64 tensor to write the result into.

    Returns:
        Tensor: `(size, input.ndim)` int64.

    Examples:
        >>> retrograd.nonzero_static(retrograd.tensor([[1, 0], [3, 2]]), size=4)
        tensor([[ 0,  0],
                [ 1,  0],
                [ 1,  1],
                [-1, -1]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("nonzero_static", input)
    size = int_arg("nonzero_static", "size", None, size)
    fill_value = int_arg("nonzero_static", "fill_value", None, fill_value)
    if out is not None:
        return write_out(
            out,
            nonzero_static,
            locals(),
            same("nonzero_static: Expected out tensor to have scalar type {src} but got scalar type{dst}"),
        )
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    if _vmap.active:  # PyTorch's vmap runs it example by example (its slow fallback), with a warning
        r = batched("loop", nonzero_static, input, size=size, fill_value=fill_value)
        if r is not NOT_BATCHED:
            warnings.warn(
                "There is a performance drop because we have not yet implemented the batching rule for "
                "aten::nonzero_static. Please file us an issue on GitHub so that we can prioritize its implementation.",
                UserWarning, stacklevel=user_stacklevel(),
            )
            return r
    xp = namespace(input._data)
    found = xp.argwhere(input._data)[:size]
    result = xp.full((size, input._data.ndim), fill_value, xp.int64)
    result[: len(found)] = found
    return Tensor._make(result)


def argwhere(input: Tensor) -> Tensor:
    """Indices of the non-zero elements, shape (N, ndim) int64 (same as `nonzero`).

    Args:
        input (Tensor): the tensor to search.

    Returns:
        Tensor: one row of coordinates per non-zero element, in row-major order.

    Examples:
        >>> retrograd.argwhere(retrograd.tensor([0.0, 1.5, 0.0, 2.0]))
        tensor([[1],
                [3]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("argwhere", input)
    return nonzero(input)
