"""Small helpers shared by the op families: operand conversion and dim handling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...dtypes import dtype
from ...tensor import Tensor, _wrap_dim


def constant(value: Any, dt: dtype) -> Tensor:
    """A Python number (or array-like) as a tensor of `dt` that needs no gradient."""
    try:
        return Tensor._make(np.asarray(value, dtype=dt.np))
    except OverflowError:  # e.g. -1 for uint8: wraps around, as in PyTorch
        return Tensor._make(np.asarray(value).astype(dt.np))


def as_tensor_of(x: Any, dt: dtype) -> Tensor:
    """`x` as a tensor of dtype `dt` (tensors are cast, recording the cast if needed)."""
    if isinstance(x, Tensor):
        return x if x._data.dtype == dt.np else x.to(dt)
    return constant(x, dt)


def promote(*xs: Any) -> tuple[Tensor, ...]:
    """Tensors and scalars converted to PyTorch's common dtype of all of them."""
    dt = _dt.result_type(*xs)
    return tuple(as_tensor_of(x, dt) for x in xs)


def promote_float(x: Tensor) -> Tensor:
    """Integer and bool tensors become the default float dtype (for exp, sin, mean, ...); complex stay."""
    if x._data.dtype.kind in "fc":
        return x
    return x.to(_dt.get_default_dtype())


def tensor_of(x: Any) -> Tensor:
    """A tensor for `x`: itself if it is one, else a constant inferred like `retrograd.tensor`."""
    if isinstance(x, Tensor):
        return x
    from ..creation import tensor

    return tensor(x)


def wrap_dim(dim: int, ndim: int) -> int:
    return _wrap_dim(dim, ndim)


def wrap_dims(dim: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    """Normalise `dim` (None = all dims) to a sorted tuple of non-negative ints."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(int(dim), ndim),)
    dims = tuple(_wrap_dim(int(d), ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return tuple(sorted(dims))


def shape_arg(size: tuple) -> tuple[int, ...]:
    """Accept `f(2, 3)`, `f((2, 3))`, `f([2, 3])` and `f(retrograd.Size(...))`."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)
