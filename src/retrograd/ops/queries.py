"""Questions about tensors and dtypes, with no gradient: is_signed, is_same_size, can_cast,
typename, get_device, detach and unravel_index (flat indices to coordinates)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor

__all__ = ["can_cast", "detach", "get_device", "is_same_size", "is_signed", "typename", "unravel_index"]


def is_signed(input: Tensor) -> bool:
    """Whether `input`'s dtype holds negative numbers (not bool or uint8)."""
    return input.dtype.is_signed


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether the two tensors have the same shape."""
    return tuple(input.shape) == tuple(other.shape)


def can_cast(from_: _dt.dtype, to: _dt.dtype) -> bool:
    """Whether PyTorch's casting rules allow `from_` to `to` (no float to integer, no complex to real, ...)."""
    return _dt.can_cast(from_, to)


def get_device(input: Tensor) -> int:
    """The CUDA device index of `input`, or -1 on the CPU."""
    return input.get_device()


def detach(input: Tensor) -> Tensor:
    """`input.detach()`: the same data, cut from the graph."""
    return input.detach()


def typename(obj: Any) -> str:
    """A readable type name: a tensor's legacy type ("torch.FloatTensor"), else module.qualname."""
    if isinstance(obj, Tensor):
        return obj.type()
    if hasattr(obj, "__module__"):
        module = obj.__module__ + "."
        qualname = str(getattr(obj, "__qualname__", None) or getattr(obj, "__name__", ""))
    elif hasattr(obj, "__qualname__") or hasattr(obj, "__name__"):
        module, qualname = "", str(getattr(obj, "__qualname__", None) or obj.__name__)
    else:
        module, qualname = type(obj).__module__ + ".", type(obj).__qualname__
    return qualname if module in ("", "builtins.") else module + qualname


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates in a tensor of `shape` of each flat index (out-of-range indices wrap, as PyTorch's)."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a tensor, but got {type(indices).__name__}")
    if indices.dtype.np.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype!r}")
    dims = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(d < 0 for d in dims):
        raise ValueError(f"'shape' cannot have negative values, but got {dims}")
    flat = indices._data.astype(np.int64)
    coords, stride = [], 1
    for d in reversed(dims):
        coords.append((flat // stride) % d if d else flat * 0)
        stride *= d
    return tuple(Tensor._make(np.ascontiguousarray(c)) for c in reversed(coords))
