"""tril_indices and triu_indices: the coordinates of a matrix's lower or upper triangle."""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...backend import as_device
from ...tensor import Tensor
from ..kernels.arg_types import int_arg

__all__ = ["tril_indices", "triu_indices"]


def _coordinates(name: str, row: int, col: int, offset: int, dtype: Any, lower: bool) -> Tensor:
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
    return Tensor._make(np.stack([rows[keep], cols[keep]]).astype(dt.np).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    """The (2, N) row and column indices of the lower triangle of a row × col matrix, row by row.

    `offset` moves the diagonal that bounds it (positive: above the main diagonal). dtype is
    int64 (default) or int32."""
    as_device(device)
    return _coordinates("tril_indices", row, col, offset, dtype, True)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None) -> Tensor:
    """The (2, N) row and column indices of the upper triangle of a row × col matrix, row by row."""
    as_device(device)
    return _coordinates("triu_indices", row, col, offset, dtype, False)
