"""PyTorch's legacy constructors: `torch.Tensor(...)` and `torch.FloatTensor(...)` (not public ops)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..backend import as_device
from ..dtypes import dtype
from ..tensor import Size, Tensor
from .creation import empty
from .from_data import tensor


def _options(dt: dtype) -> str:
    """How PyTorch's legacy constructors print the tensor options they expected or got."""
    return (f"TensorOptions(dtype={dt.c10_name}, device=cpu, layout=Strided, requires_grad=false (default), "
            "pinned_memory=false (default), memory_format=(nullopt))")  # fmt: skip


def legacy_new(legacy_dtype: dtype | None, args: tuple, device: Any = None) -> Tensor:
    """PyTorch's legacy constructors, `torch.Tensor(...)` (dtype None) and `torch.FloatTensor(...)`.

    No arguments: an empty tensor; integers or a `Size`: an uninitialised tensor of that
    size; a sequence or array: its values converted to the dtype (the default dtype for
    `Tensor`); a tensor: an alias of it (of any dtype for `Tensor`, as PyTorch allows).
    """
    as_device(device)
    dtype = legacy_dtype if legacy_dtype is not None else _dt.get_default_dtype()
    if not args:
        return empty(0, dtype=dtype)
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if legacy_dtype is not None and first.dtype != legacy_dtype:
            raise TypeError(f"expected {_options(legacy_dtype)} (got {_options(first.dtype)})")
        return Tensor._make(first._data)  # shares memory, like PyTorch's alias
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args) or (
        len(args) == 1 and isinstance(first, Size)
    ):
        sizes = tuple(int(a) for a in (first if isinstance(first, Size) else args))
        negative = [s for s in sizes if s < 0]
        if negative:
            raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {list(sizes)}")
        return empty(sizes, dtype=dtype)
    if len(args) == 1 and isinstance(first, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(first).__name__}'")
    # PySequence_Check, PyTorch's test: indexable and not a dict (lists, tuples, arrays)
    if len(args) == 1 and hasattr(type(first), "__getitem__") and not isinstance(first, dict):
        return tensor(first, dtype=dtype)
    raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
