"""The Tensor class as the engine sees it, registered once by `retrograd.tensor` at import time.

The engine sits below `tensor.py`: it records and runs graphs of tensors but never imports
the module that defines them. `tensor.py` calls `register(Tensor)` as it loads, and the
engine builds the few tensors it needs itself (seed gradients, zeros for unused outputs)
from backend arrays through `make`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import backend
from ..dtypes import dtype as _dtype

# `Tensor` is a variable here, not the class's import, so annotations below say Any.
Tensor: Any = type(None)  # replaced by the real class in register()
make: Callable[..., Any] = None  # type: ignore[assignment]  # Tensor._make


def register(cls: type) -> None:
    """Called by `retrograd.tensor` with the Tensor class, once, before any tensor exists."""
    global Tensor, make
    Tensor = cls
    make = cls._make  # type: ignore[attr-defined]


def zeros_like(t: Any, requires_grad: bool = False) -> Any:
    """A tensor of zeros with `t`'s shape, dtype and device."""
    return make(backend.namespace(t._data).zeros_like(t._data), requires_grad)


def ones_like(t: Any) -> Any:
    """A tensor of ones with `t`'s shape, dtype and device."""
    return make(backend.namespace(t._data).ones_like(t._data))


def zeros(shape: tuple, dtype: _dtype) -> Any:
    """A CPU tensor of zeros."""
    return make(backend.CPU.xp.zeros(shape, dtype=dtype.np))


def from_value(value: Any, like: Any) -> Any:
    """A tensor holding `value` (a number, list or array) with `like`'s dtype and device."""
    return make(backend.namespace(like._data).asarray(value, dtype=like._data.dtype))
