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
from .shape.views import alias


def _options(dt: dtype) -> str:
    """How PyTorch's legacy constructors print the tensor options they expected or got."""
    return (f"TensorOptions(dtype={dt.c10_name}, device=cpu, layout=Strided, requires_grad=false (default), "
            "pinned_memory=false (default), memory_format=(nullopt))")  # fmt: skip


def legacy_new(legacy_dtype: dtype | None, args: tuple, device: Any = None, cls: type | None = None) -> Tensor:
    """PyTorch's legacy constructors, `torch.Tensor(...)` (dtype None) and `torch.FloatTensor(...)`.

    No arguments: an empty tensor; integers or a `Size`: an uninitialised tensor of that
    size; a sequence or array: its values converted to the dtype (the default dtype for
    `Tensor`); a tensor: an alias of it (of any dtype for `Tensor`, as PyTorch allows), a view
    in its graph. `cls`, a subclass of Tensor, is the class of the result (`MyTensor(t)`).
    """
    out = _legacy_values(legacy_dtype, args, device)
    return out if cls is None or cls is Tensor else _of_class(out, cls)


def _legacy_values(legacy_dtype: dtype | None, args: tuple, device: Any) -> Tensor:
    as_device(device)
    dtype = legacy_dtype if legacy_dtype is not None else _dt.get_default_dtype()
    if not args:
        return empty(0, dtype=dtype)
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if legacy_dtype is not None and first.dtype != legacy_dtype:
            raise TypeError(f"expected {_options(legacy_dtype)} (got {_options(first.dtype)})")
        return alias(first)  # shares memory and stays in the graph: PyTorch's AliasBackward0
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


def _check_subclass(cls: Any) -> None:
    """PyTorch's errors for a `cls` that is not a Tensor subclass."""
    if not isinstance(cls, type):
        raise TypeError(f"cls must be a type (got {type(cls).__name__})")
    if not issubclass(cls, Tensor):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not "
                        "possible. Make sure your class inherits from Tensor.")


def _of_class(t: Tensor, cls: Any) -> Tensor:
    """`t`, a tensor no one else holds yet, made an instance of the Tensor subclass `cls`."""
    _check_subclass(cls)
    t.__class__ = cls  # the same slots: a subclass adds at most attributes in the tensor's __dict__
    return t


def as_subclass(t: Tensor, cls: type) -> Tensor:
    """`t.as_subclass(cls)`: an alias of `t` whose class is `cls`, a subclass of Tensor.

    It shares `t`'s memory and stays in its graph (a view, PyTorch's AliasBackward0). Its methods
    and the public functions called on it go through `cls.__torch_function__` (`_torch_function.py`).
    """
    _check_subclass(cls)  # before the alias is recorded
    return _of_class(alias(t), cls)


def make_subclass(cls: type, data: Tensor, require_grad: bool = False) -> Tensor:
    """`Tensor._make_subclass(cls, data, require_grad)`: `data`'s memory as a detached `cls` leaf."""
    _check_subclass(cls)
    if require_grad and not (data.is_floating_point() or data.is_complex()):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    # requires_grad is set while the tensor is still plain: PyTorch calls no `__torch_function__` here
    # (a subclass's, run from its `__new__`, would meet an instance without its attributes yet)
    return _of_class(data.detach().requires_grad_(require_grad), cls)
