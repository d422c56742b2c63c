"""Reductions: sum, mean, and the statistics built on them.

A reduction's derivative spreads the gradient back over the reduced dims:
`expand_reduced` re-inserts them (when `keepdim` was False) and broadcasts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..autograd.primitive import Primitive
from ..tensor import Tensor
from ._util import wrap_dims

__all__ = ["sum", "mean", "expand_reduced"]


def expand_reduced(g: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Broadcast a reduced gradient back to the input's `shape`."""
    if not keepdim and dims:
        kept = list(g._data.shape)
        for d in dims:
            kept.insert(d, 1)
        g = g.reshape(kept)
    return g.expand(shape)


def _count(shape: tuple, dims: tuple) -> int:
    n = 1
    for d in dims:
        n *= shape[d]
    return n


_sum_all = Primitive(
    "sum", lambda xp, a, dims, keepdim, dt: a.sum(dtype=dt),
    [lambda g, a_shape: g.expand(a_shape)],  # every element contributes once
    node_name="SumBackward0",
)
_sum = Primitive(
    "sum", lambda xp, a, dims, keepdim, dt: a.sum(axis=dims, keepdims=keepdim, dtype=dt),
    [lambda g, a_shape, dims, keepdim: expand_reduced(g, a_shape, dims, keepdim)],
    node_name="SumBackward1",
)
_mean_all = Primitive(
    "mean", lambda xp, a, dims, keepdim: a.mean(dtype=a.dtype),
    [lambda g, a_shape: (g / max(_count(a_shape, tuple(range(len(a_shape)))), 1)).expand(a_shape)],
    node_name="MeanBackward0",
)
_mean = Primitive(
    "mean", lambda xp, a, dims, keepdim: a.mean(axis=dims, keepdims=keepdim, dtype=a.dtype),
    [lambda g, a_shape, dims, keepdim: expand_reduced(g / max(_count(a_shape, dims), 1), a_shape, dims, keepdim)],
    node_name="MeanBackward1",
)


def _sum_dtype(input: Tensor, dtype: _dt.dtype | None) -> Any:
    if dtype is not None:
        return dtype.np
    kind = input._data.dtype.kind
    return np.dtype(np.int64) if kind in "biu" else input._data.dtype


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None, out: Any = None) -> Tensor:
    """Sum of all elements, or over `dim` (an int or a tuple). Integers sum as int64."""
    dt = _sum_dtype(input, dtype)
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0 and input._data.ndim == 0):
        return _sum_all(input, dims=None, keepdim=False, dt=dt)
    dims = wrap_dims(dim, input._data.ndim) if dim != () and dim != [] else tuple(range(input._data.ndim))
    return _sum(input, dims=dims, keepdim=keepdim, dt=dt)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dt.dtype | None = None, out: Any = None) -> Tensor:
    """Mean of all elements, or over `dim`. Needs a floating dtype (or `dtype=`)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {_KIND[input.dtype.name]}"
        )
    if dim is None:
        return _mean_all(input, dims=None, keepdim=False)
    dims = wrap_dims(dim, input._data.ndim) if dim != () and dim != [] else tuple(range(input._data.ndim))
    return _mean(input, dims=dims, keepdim=keepdim)


_KIND = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
