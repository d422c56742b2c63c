"""`torch.Type` and `torch.TensorType`, the TorchScript type objects that library code names.

open_clip's Hugging Face text tower writes `from torch import TensorType` to annotate its
`forward`, so the import must succeed. retrograd compiles nothing, so a type object only has
what such code reads: `TensorType.get()` (the one `Tensor` type), its `kind()` and its printing.
pytorch-forecasting annotates `device: str | torch.DeviceObjType`, evaluated at import.
As in PyTorch, the classes cannot be instantiated directly.
"""

from __future__ import annotations

from typing import Any

from .._display_name import public_class

__all__ = ["DeviceObjType", "TensorType", "Type"]


class Type:
    """The base of TorchScript's type objects; made only through a subclass's `get()`."""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Type:
        raise TypeError(f"torch._C.{cls.__name__}: No constructor defined!")

    def kind(self) -> str:
        """The type's kind, its class name (`"TensorType"`)."""
        return type(self).__name__

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return str(self)


class TensorType(Type):
    """The TorchScript type of a tensor; `TensorType.get()` prints `Tensor`.

    >>> print(retrograd.TensorType.get())
    Tensor
    """

    __slots__ = ()

    @classmethod
    def get(cls) -> TensorType:
        """The type of any tensor."""
        return object.__new__(cls)

    def __str__(self) -> str:
        return "Tensor"


class DeviceObjType(Type):
    """The TorchScript type of a `device`; `DeviceObjType.get()` prints `Device`.

    >>> print(retrograd.DeviceObjType.get())
    Device
    """

    __slots__ = ()

    @classmethod
    def get(cls) -> DeviceObjType:
        """The type of any device."""
        return object.__new__(cls)

    def __str__(self) -> str:
        return "Device"


for _cls in (Type, TensorType, DeviceObjType):  # printed as `torch.TensorType`, as PyTorch names them
    public_class(_cls)
