"""What only Tensor methods spell (no `torch.<name>` function): sum_to_size, fill_diagonal_'s
values, and the Python-callable maps apply_/map_/map2_. Not in `ops.__all__`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import inplace as _inplace
from ..tensor import Tensor
from .copying import fill
from .kernels.guards import size_keyword


def sum_to_size(input: Tensor, *sizes: Any, size: Any = None) -> Tensor:
    """`input` summed over the dims where `size` has 1 (or lacks a dim), leaving shape `size`."""
    size = size_keyword(sizes, size, "sum_to_size")
    target = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    shape = tuple(input.shape)
    lead = len(shape) - len(target)
    if lead < 0 or any(t != 1 and t != s for t, s in zip(target, shape[lead:])):
        raise RuntimeError(f"size {{{list(target)}}} is not expandable to size {{{list(shape)}}}.")
    result = input.sum(tuple(range(lead))) if lead else input
    ones = tuple(d for d, (t, s) in enumerate(zip(target, shape[lead:])) if t == 1 and s != 1)
    return result.sum(ones, keepdim=True) if ones else result


def fill_diagonal(input: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """A copy of `input` with `fill_value` on its main diagonal (the values `fill_diagonal_` writes)."""
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, bool)
    if len(shape) > 2:
        mask[(np.arange(shape[0]),) * len(shape)] = True
    else:
        rows, cols = shape
        step = cols + 1 if wrap else rows
        for start in range(0, rows if wrap else 1, step):
            k = np.arange(min(cols, rows - start))
            mask[start + k, k] = True
    return input.masked_fill(Tensor._make(mask).to(input.device), fill_value)  # the mask goes where input is


def map_elements(target: Tensor, name: str, function: Any, others: tuple) -> Tensor:
    """Write `function(x, *others' elements)` into each element x of `target` (apply_/map_/map2_)."""
    if target.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")
    for label, other in zip(("other", "other2"), others):
        if other.dtype != target.dtype:
            raise TypeError(f"{name}: expected {target.type()} for '{label}' (got {other.type()})")
    arrays = [np.broadcast_to(o._data, target._data.shape) for o in others]
    values = np.array(
        [function(*items) for items in zip(target._data.ravel().tolist(), *(a.ravel().tolist() for a in arrays))],
        dtype=object,
    )
    result = values.astype(target._data.dtype).reshape(target._data.shape)
    return _inplace.apply(target, fill, result)
