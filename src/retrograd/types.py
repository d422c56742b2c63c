"""`torch.types`: the type aliases PyTorch's signatures use, for code that annotates with them.

Kept in PyTorch's `Union` spelling.
"""

# ruff: noqa: UP007

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

from .backend import device
from .dtypes import dtype as _dtype
from .tensor import Size, Tensor

__all__ = ["Number", "Device", "_size", "_int", "_float", "_bool", "_complex", "_dtype", "_device", "_TensorOrTensors"]

Number = Union[int, float, bool]
Device = Union[device, str, int, None]
_size = Union[Size, Sequence[int]]
_int = int
_float = float
_bool = bool
_complex = complex
_device = device
_TensorOrTensors = Union[Tensor, Sequence[Tensor]]
