"""Storage: the flat memory behind tensors, as far as NumPy arrays let retrograd see it.

A tensor's array is a view of a root array (the one that owns the buffer). `untyped_storage()`
is that root's bytes; `storage_offset()` is the tensor's first element counted from the root's
start. Tensors that share memory share a storage (same `data_ptr()`), as in PyTorch.
"""

from __future__ import annotations

import mmap
import os
import sys
from typing import Any

import numpy as np

from ._display_name import package_name, public_class
from .backend import device as _device


def root_array(a: np.ndarray) -> np.ndarray:
    """The array that owns `a`'s memory (following `.base` through views)."""
    while True:
        base: Any = a.base  # NumPy types it ndarray | None; as_strided leaves its own holder there
        if isinstance(base, np.ndarray):
            a = base
        elif _is_stride_trick(base):  # np.lib.stride_tricks.as_strided's holder of the strided array's source
            a = base.base
        else:
            return a


def _is_stride_trick(holder: Any) -> bool:
    """Whether `holder` (an array's `.base`) is NumPy's `as_strided` stand-in, which keeps the
    viewed array as its own `.base`: diagonals and unfold views are made that way, and their
    storage is that array's."""
    return hasattr(holder, "__array_interface__") and isinstance(getattr(holder, "base", None), np.ndarray)


def on_host(a: Any) -> bool:
    """Whether `a` is a NumPy array (host memory), not another backend's."""
    return isinstance(a, np.ndarray)


def in_shared_memory(a: Any) -> bool:
    """Whether `a` lives in memory that processes forked later share (`share_memory_`)."""
    return shared_mapping(a) is not None


def shared_mapping(a: Any) -> mmap.mmap | None:
    """The shared memory mapping `a` is a view of (see `_shared_memory`), or None."""
    if not isinstance(a, np.ndarray):
        return None
    owner = root_array(a).base
    if isinstance(owner, memoryview):  # np.frombuffer's view of the mapping
        owner = owner.obj
    return owner if isinstance(owner, mmap.mmap) else None


def address(a: np.ndarray) -> int:
    """The address of `a`'s first element."""
    return int(a.__array_interface__["data"][0])


def storage_offset(a: np.ndarray) -> int:
    """`a`'s first element, counted in elements from the start of its storage."""
    return (address(a) - address(root_array(a))) // a.itemsize if a.size else 0


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """PyTorch's strides of a contiguous tensor, empty ones included (NumPy gives those zeros):
    each dimension steps over the ones after it, a size 0 counting as 1."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _byte_span(a: np.ndarray) -> tuple[int, int]:
    """The addresses of the first and one past the last byte that `a` can reach."""
    low = high = address(a)
    for n, step in zip(a.shape, a.strides):
        reach = (n - 1) * step
        low, high = (low + reach, high) if reach < 0 else (low, high + reach)
    return low, high + a.itemsize


def view_at(root: np.ndarray, a: np.ndarray, byte_offset: int) -> np.ndarray:
    """An array laid out as `a` (dtype, shape, strides) starting `byte_offset` bytes into the
    contiguous `root`, whose view it is (so `storage_offset` and sharing follow)."""
    return np.ndarray(a.shape, a.dtype, buffer=root.reshape(-1).view(np.uint8), offset=byte_offset, strides=a.strides)


_COPIED_STORAGES = "retrograd storages copied by this deepcopy"  # a key of copy.deepcopy's memo


def deepcopy_data(a: Any, memo: dict[Any, Any]) -> Any:
    """`a` copied for `copy.deepcopy`, keeping its place in its storage: the storage is copied
    once per deepcopy (remembered in `memo`, as PyTorch does), so views copied together still
    share memory, with the same `storage_offset()` and strides as their originals.

    Example: `copy.deepcopy([b, b[2:]])` gives two tensors on one new storage, the second at
    offset 2, so that writing the first shows in the second.
    """
    if type(a) is not np.ndarray or a.size == 0:
        return a.copy()  # another device's array, or nothing to share
    root = root_array(a)
    low, high = _byte_span(root)
    a_low, a_high = _byte_span(a)
    if not low <= a_low <= a_high <= high:  # a view that left its root's memory (as_strided)
        return a.copy()
    copies = memo.setdefault(_COPIED_STORAGES, {})
    entry = copies.get(id(root))
    if entry is None:
        raw = np.zeros(high - low, np.uint8)
        np.copyto(view_at(raw, root, address(root) - low), root)
        entry = copies[id(root)] = (root, raw, low)  # holding root keeps its id from being reused
    _, raw, low = entry
    return view_at(raw, a, address(a) - low)


class StorageBase:
    """The base class of storages (PyTorch's `torch._C.StorageBase`), for `isinstance` tests.

    Args:
        (none): it is not made directly; `UntypedStorage` derives from it.

    Returns:
        (StorageBase): the class every `UntypedStorage` is an instance of.

    Examples:
        >>> isinstance(retrograd.ones(2).untyped_storage(), retrograd.StorageBase)
        True
    """

    __slots__ = ()


public_class(StorageBase, "_C")


class UntypedStorage(StorageBase):
    """The bytes behind a tensor: `data_ptr()`, `nbytes()`, `size()`, indexing by byte.

    Args:
        data (int or sequence of ints): a size in bytes (zeroed), or the byte values. (A tensor's
            `untyped_storage()` gives the storage of its memory: writing a byte writes the tensor.)

    Returns:
        (UntypedStorage): the bytes.

    Examples:
        >>> s = retrograd.tensor([1.0]).untyped_storage()
        >>> s.nbytes(), s.element_size(), list(s)
        (4, 1, [0, 0, 128, 63])
        >>> list(retrograd.UntypedStorage(3)), list(retrograd.UntypedStorage([1, 2]))
        ([0, 0, 0], [1, 2])
    """

    __slots__ = ("_array",)

    def __init__(self, data: Any = 0) -> None:
        if type(data) is not np.ndarray:  # the public constructor: a size, or the bytes
            if isinstance(data, int) and data < 0:
                raise RuntimeError(f"Storage size must be non-negative, got {data}")
            data = np.zeros(data, np.uint8) if isinstance(data, int) else np.array(list(data), np.uint8)
        self._array = data  # the root array, viewed as bytes on demand

    def _bytes(self) -> np.ndarray:
        a = self._array
        return a.reshape(-1).view(np.uint8) if a.flags.c_contiguous else np.ascontiguousarray(a).view(np.uint8)

    def data_ptr(self) -> int:
        """The address of the first byte."""
        return address(self._array)

    def nbytes(self) -> int:
        """The storage's size in bytes."""
        return int(self._array.nbytes)

    def size(self) -> int:
        """The storage's size in bytes (an untyped storage counts bytes)."""
        return self.nbytes()

    def __len__(self) -> int:
        return self.nbytes()

    def __sizeof__(self) -> int:
        # the object and its bytes, as PyTorch counts it: `sys.getsizeof(t.untyped_storage())` is how
        # torchinfo sizes a model's input
        return super().__sizeof__() + self.nbytes()

    def element_size(self) -> int:
        """1: an untyped storage is made of bytes."""
        return 1

    @property
    def device(self) -> Any:
        from .backend import as_device

        return as_device("cpu")

    def tolist(self) -> list[int]:
        """The bytes as a list of ints."""
        return self._bytes().tolist()

    def __getitem__(self, index: int | slice) -> Any:
        """A byte as an int; a slice of bytes as a storage sharing this one's memory."""
        if isinstance(index, slice):
            return UntypedStorage(self._bytes()[index])
        return int(self._bytes()[index])

    def untyped(self) -> UntypedStorage:
        """The storage itself (it is untyped already)."""
        return self

    @classmethod
    def from_file(cls, filename: str, shared: bool = False, nbytes: int = 0) -> UntypedStorage:
        """The first `nbytes` bytes of a file, memory-mapped: writes reach the file when `shared`,
        else they stay private to this process (copy on write), as PyTorch maps it."""
        size = os.path.getsize(filename)
        if size < nbytes:
            raise RuntimeError(f"file <{filename}> size <{size}> is smaller than the required mapping size <{nbytes}>")
        if nbytes == 0:
            return cls(np.zeros(0, dtype=np.uint8))
        return cls(np.memmap(filename, dtype=np.uint8, mode="r+" if shared else "c", shape=(nbytes,)))

    def is_shared(self) -> bool:
        """Whether the bytes are in shared memory (after `Tensor.share_memory_()`)."""
        return in_shared_memory(self._array)

    def is_pinned(self, device: Any = "cuda") -> bool:
        """False: there is no accelerator to pin memory for (`device` is checked as a tensor's is).

        Args:
            device (device or str): the accelerator to ask about (default "cuda"); an unknown
                device string raises RuntimeError.

        Returns:
            bool: False.

        Examples:
            >>> retrograd.ones(2).untyped_storage().is_pinned()
            False
        """
        if isinstance(device, int):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        _device(device)  # PyTorch's error for an unknown device string
        return False

    def __repr__(self) -> str:
        body = "\n".join(f" {b}" for b in self.tolist())
        head = f"[{package_name()}.storage.UntypedStorage(device=cpu) of size {self.nbytes()}]"
        return f"{body}\n{head}" if body else head


def uninitialized_value(np_dtype: Any) -> Any:
    """What PyTorch writes into the memory `empty` & co. and `resize_` leave uninitialised: nothing
    (None) unless `use_deterministic_algorithms(True)` (with `fill_uninitialized_memory`), then NaN
    for floating and complex dtypes, the largest value for integers, True for bool."""
    # The flags live in a module loaded on first use: never loaded, deterministic mode was never set.
    flags = sys.modules.get(__name__.rpartition(".")[0] + "._global_flags")
    if flags is None or not flags.fills_uninitialized_memory():
        return None
    kind = np.dtype(np_dtype).kind
    if kind == "b":
        return True
    return np.iinfo(np_dtype).max if kind in "iu" else np.nan


def resize_in_place(t: Any, shape: tuple[int, ...]) -> None:
    """`t.resize_(shape)`: keep the first elements in row-major order; new elements are uninitialised (zeros here)."""
    if t._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    negative = [s for s in shape if s < 0]
    if negative:
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {list(shape)}")
    a = t._data
    n = int(np.prod(shape, dtype=np.int64))
    if n <= a.size and a.flags.c_contiguous:
        t._data = a.reshape(-1)[:n].reshape(shape)  # same memory, as PyTorch keeps its storage
    else:
        grown = np.zeros(n, dtype=a.dtype)
        flat = a.reshape(-1)
        grown[: min(n, flat.size)] = flat[:n]
        fill = uninitialized_value(a.dtype)
        if fill is not None:
            grown[flat.size :] = fill
        t._data = grown.reshape(shape)
    t._version_counter.value += 1
