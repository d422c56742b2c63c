"""Tensors over memory that already exists: `from_numpy`, `frombuffer`, `from_dlpack` (and its
inverse for legacy consumers, `to_dlpack`).

Each shares its source's memory (writes show on both sides), after the checks PyTorch makes
before it shares an array (`from_data.check_shareable`, which `as_tensor` makes too).
"""

from __future__ import annotations

import ctypes
import warnings
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..backend import NO_CUDA, cuda_backend
from ..tensor import Tensor
from .from_data import check_shareable

__all__ = ["from_numpy", "frombuffer", "from_dlpack", "to_dlpack"]


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (changes show in both).

    Args:
        array (ndarray): a NumPy array of a supported dtype, of any shape.

    Returns:
        Tensor: a tensor of the same shape and dtype that shares `array`'s memory.

    Examples:
        >>> import numpy as np
        >>> retrograd.from_numpy(np.arange(3))
        tensor([0, 1, 2])
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_c_type_name(array)})")
    check_shareable(array)
    if not array.dtype.isnative:  # a big-endian array on this machine: sharing it would read garbage
        raise ValueError(
            "given numpy array has byte order different from the native byte order. Conversion between "
            "byte orders is currently not supported."
        )
    _dt.from_numpy(array.dtype)
    # a new array object over the same memory: reshaping or retyping the caller's array in place
    # (`a.shape = ...`, `a.dtype = ...`) must not change the tensor, as in PyTorch
    return Tensor._make(array.view())


def _c_type_name(x: Any) -> str:
    """The type's name as PyTorch's C code prints it: NumPy's types with their module (`numpy.float64`)."""
    kind = type(x)
    return f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__


def frombuffer(
    buffer: Any, *, dtype: _dt.dtype, count: int = -1, offset: int = 0, requires_grad: bool = False
) -> Tensor:
    """A 1-d tensor over the bytes of a Python buffer (`bytes`, `bytearray`, `memoryview`, ...), sharing them.

    Args:
        buffer (object): anything with the buffer protocol.
        dtype (dtype): how the bytes are read.
        count (int): how many elements to read (default -1: all after `offset`).
        offset (int): how many bytes to skip first (default 0).
        requires_grad (bool): whether autograd records operations on the result (default False).

    Returns:
        Tensor: `count` elements; writes to a writable buffer show in the tensor and back.

    Examples:
        >>> data = bytearray(b"\\x01\\x00\\x02\\x00")
        >>> t = retrograd.frombuffer(data, dtype=retrograd.int16)
        >>> t
        tensor([1, 2], dtype=retrograd.int16)
        >>> t[0] = 7
        >>> data[0]
        7
    """
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    length, size = view.nbytes, dtype.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(
            f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({length} bytes) minus 1"
        )
    if count < 0:
        if (length - offset) % size:
            raise ValueError(
                f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be a multiple of "
                f"element size ({size})"
            )
        count = (length - offset) // size
    elif count * size > length - offset:
        raise ValueError(
            f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not be greater "
            f"than actual buffer length ({length} bytes)"
        )
    if view.readonly:
        warnings.warn(
            "The given buffer is not writable, and PyTorch does not support non-writable tensors. This means you "
            "can write to the underlying (supposedly non-writable) buffer using the tensor. You may want to copy "
            "the buffer to protect its data or make it writable before converting it to a tensor. This type of "
            "warning will be suppressed for the rest of this program.",
            UserWarning,
            stacklevel=2,
        )
    array = np.frombuffer(view.cast("B"), dtype=dtype.np, count=count, offset=offset)
    t = Tensor._make(array)
    if requires_grad:
        t._set_requires_grad()
    return t


def from_dlpack(obj: Any) -> Tensor:
    """A tensor sharing memory with any DLPack producer (NumPy, PyTorch, JAX, CuPy), on its device,
    or with a legacy DLPack capsule (what `to_dlpack` returns; each capsule is read once)."""
    if _is_capsule(obj, b"dltensor"):
        obj = _LegacyCapsule(obj)
    elif not hasattr(obj, "__dlpack__"):  # a used capsule, or anything else
        raise RuntimeError(
            "from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed only once, "
            "so you might have already constructed a tensor from it once."
        )
    kind = obj.__dlpack_device__()[0] if hasattr(obj, "__dlpack_device__") else 1
    if kind in (2, 13):  # kDLCUDA, kDLCUDAManaged: zero-copy into the CUDA backend's array
        cuda = cuda_backend()
        if cuda is None:
            raise AssertionError(NO_CUDA)
        return Tensor._make(cuda.xp.from_dlpack(obj))
    array = np.from_dlpack(obj)
    if isinstance(obj, _LegacyCapsule) and not array.flags.writeable:
        array = np.asarray(_WritableView(array))
    return Tensor._make(array)


def to_dlpack(tensor: Tensor) -> Any:
    """A DLPack capsule (named "dltensor") sharing `tensor`'s memory, for `from_dlpack` in any library.

    The legacy interface: passing the tensor itself to a consumer's `from_dlpack` does the same.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"_to_dlpack(): argument 'data' (position 1) must be Tensor, not {type(tensor).__name__}")
    return tensor._data.__dlpack__()


_capsule_is_valid = ctypes.pythonapi.PyCapsule_IsValid
_capsule_is_valid.restype = ctypes.c_int
_capsule_is_valid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _is_capsule(obj: Any, name: bytes) -> bool:
    return type(obj).__name__ == "PyCapsule" and bool(_capsule_is_valid(obj, name))


class _LegacyCapsule:
    """A "dltensor" capsule dressed as a DLPack producer, so NumPy and CuPy can read it."""

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self._capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        # DLManagedTensor starts with DLTensor {void* data; DLDevice {int32 device_type, device_id}; ...}
        address = _capsule_pointer(self._capsule, b"dltensor") + ctypes.sizeof(ctypes.c_void_p)
        device = (ctypes.c_int32 * 2).from_address(address)
        return int(device[0]), int(device[1])


class _WritableView:
    """NumPy marks arrays read from a legacy capsule read-only (the capsule has no flag to say);
    PyTorch lets one write through them, so this exposes the same memory as writable."""

    def __init__(self, array: np.ndarray) -> None:
        self._array = array  # keeps the capsule's memory alive
        interface = dict(array.__array_interface__)
        interface["data"] = (interface["data"][0], False)
        self.__array_interface__ = interface
