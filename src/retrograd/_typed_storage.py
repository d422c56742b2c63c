"""`Tensor.storage()`: the tensor's memory read as elements of its dtype (PyTorch's TypedStorage).

PyTorch deprecates TypedStorage but keeps `tensor.storage()`, which lectures and tutorials use to
show that a view shares its base's memory (`x.view(2, 9).storage()` lists the same 18 numbers as
`x.storage()`). The elements are the root array's bytes (`UntypedStorage`) read as the dtype; the
first use warns once per process, as PyTorch does.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ._display_name import package_name
from ._storage import UntypedStorage
from ._user_frames import user_stacklevel

__all__ = ["TypedStorage", "is_storage", "warn_removal"]

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
