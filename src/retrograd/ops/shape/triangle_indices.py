"""tril_indices and triu_indices: the coordinates of a matrix's lower or upper triangle."""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...tensor import Tensor
from ..creation import _factory, target_device
from ..kernels.arg_types import int_arg
from ..kernels.placement import check_layout, check_pin_memory, dtype_arg

__all__ = ["tril_indices", "triu_indices"]


def _coordinates(
    name: str, row: int, col: int, offset: int, lower: bool, dtype: Any, layout: Any, device: Any, pin_memory: bool,
    requires_grad: bool,
) -> Tensor:
    check_layout(layout, name)
    check_pin_memory(pin_memory)
    dtype = dtype_arg(dtype, name)
    dev = target_device(device)
    row, col = int_arg(name, "row", 1, row), int_arg(name, "col", 2, col)
    offset = int_arg(name, "offset", 3, offset)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dt = _dt.int64 if dtype is None else dtype
    if dt not in (_dt.int64, _dt.int32):
        raise NotImplementedError(f"\"{name}\" not implemented for '{dt.kind_name}'")
    rows, cols = np.indices((row, col))
    keep = cols - rows <= offset if lower else cols - rows >= offset
    return _factory(np.stack([rows[keep], cols[keep]]).astype(dt.np).reshape(2, -1), requires_grad, dev)


def tril_indices(
    row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None, layout: Any = None,
    pin_memory: bool = False, requires_grad: bool = False,
) -> Tensor:
    """The coordinates of the lower triangle of a `row` x `col` matrix, as a (2, N) tensor.

    Args:
        row (int): the number of rows.
        col (int): the number of columns.
        offset (int): the diagonal bounding the triangle: 0 the main one, > 0 above, < 0 below
            (default 0).
        dtype (dtype, optional): the index dtype (default int64).
        device (device, optional): where to place the result.
        layout (layout, optional): only `strided`; pin_memory (bool): only False on this CPU build.
        requires_grad (bool): refused for the integer index dtypes (PyTorch's RuntimeError), as True.

    Returns:
        Tensor: row indices in row 0 and column indices in row 1, in row-major order.

    Examples:
        >>> retrograd.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
        >>> retrograd.tril_indices(3, 2, offset=-1)
        tensor([[1, 2, 2],
                [0, 0, 1]])
    """
    return _coordinates("tril_indices", row, col, offset, True, dtype, layout, device, pin_memory, requires_grad)


def triu_indices(
    row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None, layout: Any = None,
    pin_memory: bool = False, requires_grad: bool = False,
) -> Tensor:
    """The coordinates of the upper triangle of a `row` x `col` matrix, as a (2, N) tensor.

    Args:
        row (int): the number of rows.
        col (int): the number of columns.
        offset (int): the diagonal bounding the triangle: 0 the main one, > 0 above, < 0 below
            (default 0).
        dtype (dtype, optional): the index dtype (default int64).
        device (device, optional): where to place the result.
        layout (layout, optional): only `strided`; pin_memory (bool): only False on this CPU build.
        requires_grad (bool): refused for the integer index dtypes (PyTorch's RuntimeError), as True.

    Returns:
        Tensor: row indices in row 0 and column indices in row 1, in row-major order.

    Examples:
        >>> retrograd.triu_indices(3, 3, 1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    return _coordinates("triu_indices", row, col, offset, False, dtype, layout, device, pin_memory, requires_grad)
