"""`Tensor.storage()`: the tensor's memory read as elements of its dtype (PyTorch's TypedStorage).

PyTorch deprecates TypedStorage but keeps `tensor.storage()`, which lectures and tutorials use to
show that a view shares its base's memory (`x.view(2, 9).storage()` lists the same 18 numbers as
`x.storage()`). The elements are the root array's bytes (`UntypedStorage`) read as the dtype; the
first use warns once per process, as PyTorch does.

The legacy storage classes (`FloatStorage`, `LongStorage`, ...) are TypedStorage by dtype: code
from PyTorch's early days makes storages with them (`FloatStorage(3)`, `ByteStorage.from_buffer`)
and tests storages against them (`isinstance(t.storage(), FloatStorage)`). As in PyTorch, calling
one makes a TypedStorage of its dtype, and a TypedStorage is an instance of its dtype's class.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import dtypes as _dt
from ._display_name import package_name, public_class
from ._storage import UntypedStorage
from ._user_frames import user_stacklevel

__all__ = [
    "LEGACY_DTYPES", "TypedStorage", "is_storage", "legacy_class", "warn_removal", "Storage", "DoubleStorage",
    "FloatStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage",
    "ByteStorage", "BoolStorage", "ComplexFloatStorage", "ComplexDoubleStorage",
]

_REMOVAL = (
    "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
    "storage class. This should only matter to you if you are using storages directly.  To access "
    "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()"
)
_warned = False


def warn_removal() -> None:
    """PyTorch's deprecation warning, on the first use in the process only."""
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(_REMOVAL, UserWarning, stacklevel=user_stacklevel())


class TypedStorage:
    """A tensor's whole storage as elements of its dtype: `len`, indexing by element, `tolist()`."""

    __slots__ = ("_untyped", "dtype")

    def __init__(self, untyped: UntypedStorage, dtype: Any) -> None:
        self._untyped = untyped
        self.dtype = dtype  # a retrograd dtype; its `.np` reads the bytes

    def _elements(self) -> np.ndarray:
        return self._untyped._bytes().view(self.dtype.np)

    def _size(self) -> int:
        return self._untyped.nbytes() // self.dtype.itemsize

    def size(self) -> int:
        """The number of elements in the storage (of the whole memory block, not only the tensor's part)."""
        warn_removal()
        return self._size()

    def __len__(self) -> int:
        warn_removal()
        return self._size()

    def element_size(self) -> int:
        """The size of one element in bytes."""
        warn_removal()
        return int(self.dtype.itemsize)

    def nbytes(self) -> int:
        """The storage's size in bytes."""
        warn_removal()
        return self._untyped.nbytes()

    def __sizeof__(self) -> int:
        warn_removal()
        return super().__sizeof__() + self._untyped.nbytes()

    def data_ptr(self) -> int:
        """The address of the first element (shared by a tensor and its views)."""
        warn_removal()
        return self._untyped.data_ptr()

    @property
    def device(self) -> Any:
        warn_removal()
        return self._untyped.device

    def untyped(self) -> UntypedStorage:
        """The same memory as bytes."""
        warn_removal()
        return self._untyped

    def _item(self, index: int) -> Any:
        value = self._elements()[index].item()
        return float(value) if self.dtype.is_floating_point else value  # bfloat16's scalar is not a float

    def __getitem__(self, index: Any) -> Any:
        warn_removal()
        # PyTorch refuses slices: a slice of a typed storage would have to be a storage view
        if isinstance(index, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        if not isinstance(index, int):
            raise RuntimeError(f"can't index a <class '{self._type_name()}'> with {type(index)}")
        n = self._size()
        if not -n <= index < n:
            raise IndexError(f"index {index} out of range for storage of size {n}")
        return self._item(index)

    def __iter__(self) -> Any:
        warn_removal()
        return iter([self._item(i) for i in range(self._size())])

    def tolist(self) -> list[Any]:
        """The elements as a list of Python numbers."""
        warn_removal()
        return [self._item(i) for i in range(self._size())]

    def pickle_storage_type(self) -> str:
        """The name of the legacy class of this storage's dtype (`"FloatStorage"`), as pickles record it."""
        warn_removal()
        return self.dtype.kind_name + "Storage"

    def type(self) -> str:
        """The dotted name of the legacy class of this storage's dtype (`"torch.FloatStorage"`)."""
        warn_removal()
        return f"{package_name()}.{self.dtype.kind_name}Storage"

    def _type_name(self) -> str:
        return f"{package_name()}.storage.TypedStorage"

    def __repr__(self) -> str:
        warn_removal()
        head = f"[{self._type_name()}(dtype={self.dtype}, device={self._untyped.device}) of size {self._size()}]"
        return " " + "\n ".join(str(self._item(i)) for i in range(self._size())) + "\n" + head


def is_storage(obj: Any) -> bool:
    """Whether `obj` is a storage (`tensor.untyped_storage()`, `tensor.storage()`), not a tensor.

    Args:
        obj (Any): any object.

    Returns:
        bool: True for an `UntypedStorage` or a `TypedStorage`.

    Examples:
        >>> t = retrograd.ones(2)
        >>> retrograd.is_storage(t.untyped_storage()), retrograd.is_storage(t)
        (True, False)
    """
    return type(obj) in (UntypedStorage, TypedStorage)


_NEW_USAGE = (
    "<class '{name}'>.__new__ received an invalid combination of arguments. Expected one of:\n"
    " * no arguments\n * (int size)\n * (Sequence data)\n * (*, UntypedStorage wrap_storage)\n{why}"
)


class _LegacyStorageMeta(type):
    """Makes `isinstance(typed_storage, FloatStorage)` ask the storage's dtype."""

    def __instancecheck__(cls, instance: Any) -> bool:
        if type(instance) is TypedStorage and isinstance(cls.__dict__.get("dtype"), _dt.dtype):
            return bool(instance.dtype == cls.__dict__["dtype"])
        return super().__instancecheck__(instance)


class _LegacyStorage(TypedStorage, metaclass=_LegacyStorageMeta):
    """A legacy storage class: calling it makes a TypedStorage of the class's dtype."""

    def __new__(cls, *args: Any, wrap_storage: UntypedStorage | None = None, **kwargs: Any) -> Any:  # type: ignore[misc]
        name = f"{package_name()}.{cls.__name__}"
        dtype = cls.__dict__["dtype"]
        if kwargs:
            why = f"Keyword argument '{next(iter(kwargs))}' cannot be specified"
            raise RuntimeError(_NEW_USAGE.format(name=name, why=why))
        if wrap_storage is not None:
            if args:
                why = "No positional arguments should be given when using 'wrap_storage'"
                raise RuntimeError(_NEW_USAGE.format(name=name, why=why))
            return TypedStorage(wrap_storage, dtype)
        if len(args) > 1:
            raise RuntimeError(_NEW_USAGE.format(name=name, why="Too many positional arguments"))
        data = args[0] if args else 0
        if isinstance(data, int) and not isinstance(data, bool):
            values = np.zeros(data, dtype.np)
        elif isinstance(data, (str, bytes)) or not hasattr(data, "__len__"):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        else:
            values = np.array(list(data), dtype=dtype.np).reshape(-1)
        return TypedStorage(UntypedStorage(values), dtype)

    @classmethod
    def from_buffer(cls, buffer: Any, byte_order: str = "native", count: int = -1, offset: int = 0) -> TypedStorage:
        """A storage holding a copy of the elements in a bytes-like object.

        Args:
            buffer (bytes-like): the raw bytes.
            byte_order (str): "native", "little" or "big" (not needed for one-byte dtypes).
            count (int): how many elements to read (default -1: all that follow `offset`).
            offset (int): the byte to start at.

        Returns:
            TypedStorage: the elements, of the class's dtype.

        Examples:
            >>> retrograd.ByteStorage.from_buffer(b"ab").tolist()  # doctest: +SKIP
            [97, 98]
        """
        dtype = cls.__dict__["dtype"]
        if byte_order not in ("native", "little", "big"):
            raise ValueError(f"byte_order must be 'native', 'little' or 'big', not {byte_order!r}")
        order = {"native": "=", "little": "<", "big": ">"}[byte_order]
        elements = np.frombuffer(buffer, dtype=dtype.np.newbyteorder(order), count=count, offset=offset)
        return TypedStorage(UntypedStorage(elements.astype(dtype.np)), dtype)


public_class(_LegacyStorage, "storage")


def _legacy(dtype: Any) -> Any:
    """The legacy storage class of `dtype`, named `<ScalarType>Storage` (FloatStorage, ComplexFloatStorage)."""
    cls = _LegacyStorageMeta(dtype.kind_name + "Storage", (_LegacyStorage,), {"dtype": dtype, "__slots__": ()})
    public_class(cls, "")
    return cls


DoubleStorage = _legacy(_dt.float64)
FloatStorage = _legacy(_dt.float32)
HalfStorage = _legacy(_dt.float16)
BFloat16Storage = _legacy(_dt.bfloat16)
LongStorage = _legacy(_dt.int64)
IntStorage = _legacy(_dt.int32)
ShortStorage = _legacy(_dt.int16)
CharStorage = _legacy(_dt.int8)
ByteStorage = _legacy(_dt.uint8)
BoolStorage = _legacy(_dt.bool_)
ComplexFloatStorage = _legacy(_dt.complex64)
ComplexDoubleStorage = _legacy(_dt.complex128)
Storage = FloatStorage  # PyTorch's name for the default dtype's class

_LEGACY = {
    cls.dtype: cls
    for cls in (
        DoubleStorage, FloatStorage, HalfStorage, BFloat16Storage, LongStorage, IntStorage, ShortStorage,
        CharStorage, ByteStorage, BoolStorage, ComplexFloatStorage, ComplexDoubleStorage,
    )
}
LEGACY_DTYPES = tuple(_LEGACY)  # the dtypes with a legacy storage class


def legacy_class(dtype: Any) -> type | None:
    """The legacy storage class of `dtype` (`FloatStorage` for float32), or None where it has none."""
    return _LEGACY.get(dtype)
