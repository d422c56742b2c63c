"""Shared memory for `share_memory_()`, and its passage to other processes.

`shared_copy` moves an array into memory mapped MAP_SHARED: a process forked afterwards
writes into the same pages (Hogwild-style training). On Linux that memory is a memory file
(memfd), so a process started with "spawn", or one that receives the tensor through a
`torch.multiprocessing` queue, can map it too: `SharedArray` pickles such an array as the file
(a descriptor passed the way `multiprocessing` passes them) and where the array lies in it, as
PyTorch's "file_descriptor" sharing strategy does. Each shared storage holds its memory file
open while it lives (and before Python 3.13 its mapping holds a duplicate); past half the
process's descriptor limit, `share_memory_()` falls back to memory that only forked processes share.
"""

from __future__ import annotations

import mmap
import os
import sys
import weakref
from typing import Any

import numpy as np

from ._storage import address, root_array, shared_mapping


class SharedMapping(mmap.mmap):
    """Memory mapped MAP_SHARED for `share_memory_()`; `fd` is the memory file behind it, None
    where the platform has no memory files (then only processes forked afterwards share it)."""

    fd: int | None = None


_mapped: dict[tuple[int, int], weakref.ref] = {}  # a memory file's (device, inode) -> this process's mapping


def _file_id(fd: int) -> tuple[int, int]:
    stat = os.fstat(fd)
    return stat.st_dev, stat.st_ino


def _keep_fd(mapping: SharedMapping, fd: int) -> SharedMapping:
    """Make `fd` the mapping's memory file (closed with the mapping), and the mapping the one this
    process has of that file, so that memory sent here twice (or sent back) is one storage."""
    mapping.fd = fd
    key = _file_id(fd)
    weakref.finalize(mapping, _forget, key, fd)
    _mapped[key] = weakref.ref(mapping)
    return mapping


def _forget(key: tuple[int, int], fd: int) -> None:
    os.close(fd)
    known = _mapped.get(key)
    if known is not None and known() is None:
        del _mapped[key]


def _new_mapping(nbytes: int) -> SharedMapping:
    size = max(nbytes, 1)
    mapping = _memory_file_mapping(size) if hasattr(os, "memfd_create") and _descriptors_to_spare() else None
    # without memory files (macOS), or short of descriptors: an anonymous mapping, which only
    # processes forked afterwards share
    return mapping if mapping is not None else SharedMapping(-1, size)


def _descriptors_to_spare() -> bool:
    """Whether one more memory file keeps shared storages within half the process's descriptor
    limit (the other half stays for the program's files, sockets and pipes)."""
    import resource

    soft_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    per_storage = 1 if _UNTRACKED else 2
    return soft_limit == resource.RLIM_INFINITY or per_storage * (len(_mapped) + 1) <= soft_limit // 2


def _memory_file_mapping(size: int) -> SharedMapping | None:
    try:
        fd = os.memfd_create("retrograd-shared", os.MFD_CLOEXEC)
    except OSError:
        return None
    try:
        os.ftruncate(fd, size)
        mapping = SharedMapping(fd, size, **_UNTRACKED)
    except OSError:
        os.close(fd)
        return None
    return _keep_fd(mapping, fd)


# Python 3.13+ can map a file without keeping a duplicate of its descriptor: one descriptor per
# shared storage (as PyTorch), where older versions hold two.
_UNTRACKED = {"trackfd": False} if sys.version_info >= (3, 13) else {}


def shared_copy(a: np.ndarray) -> np.ndarray:
    """`a` copied into shared memory, as `share_memory_()` moves a tensor's data there.

    Args:
        a (ndarray): the array (on the host).

    Returns:
        ndarray: a copy of `a` (same dtype and shape) whose memory other processes can share.

    Examples:
        >>> import numpy as np
        >>> from retrograd._storage import in_shared_memory
        >>> in_shared_memory(shared_copy(np.arange(3.0)))
        True
    """
    mapping = _new_mapping(a.nbytes)
    copy = np.frombuffer(mapping, dtype=a.dtype, count=a.size).reshape(a.shape)
    copy[...] = a
    return copy


class SharedArray:
    """An array in shared memory as `torch.multiprocessing` pickles it (see the module): unpickled
    in another process, it is an array over the same memory, so writes on either side show on
    the other.

    Args:
        array (ndarray): an array in shared memory that has a memory file.
        fd (int): the memory file's descriptor (`SharedMapping.fd`).
        nbytes (int): the memory file's size.

    Returns:
        (SharedArray): the handle, for a tensor's reduction to pickle in place of its data.

    Examples:
        >>> import numpy as np
        >>> SharedArray.of(np.arange(3.0)) is None  # not in shared memory
        True
    """

    __slots__ = ("array", "fd", "nbytes")

    def __init__(self, array: np.ndarray, fd: int, nbytes: int) -> None:
        self.array, self.fd, self.nbytes = array, fd, nbytes

    @staticmethod
    def of(a: Any) -> SharedArray | None:
        """The handle of `a`, or None when `a` is not in memory another process can map."""
        mapping = shared_mapping(a)
        if not isinstance(mapping, SharedMapping) or mapping.fd is None:
            return None
        return SharedArray(a, mapping.fd, len(mapping))

    def __reduce__(self) -> tuple:
        from multiprocessing.reduction import DupFd  # to the spawned child, else through a socket

        a = self.array
        offset = address(a) - address(root_array(a))  # the root array starts where the mapping does
        return _attach, (DupFd(self.fd), self.nbytes, a.dtype, a.shape, a.strides, offset)


def _attach(fd_handle: Any, nbytes: int, dtype: np.dtype, shape: tuple, strides: tuple, offset: int) -> np.ndarray:
    """The array a `SharedArray` stands for, over this process's mapping of its memory file."""
    fd = fd_handle.detach()
    known = _mapped.get(_file_id(fd))
    mapping = known() if known is not None else None
    if mapping is None:
        mapping = _keep_fd(SharedMapping(fd, nbytes), fd)
    else:
        os.close(fd)
    return np.ndarray(shape, dtype, buffer=np.frombuffer(mapping, np.uint8), offset=offset, strides=strides)


_NON_LEAF = (
    "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does not support "
    "crossing process boundaries.  If you just want to transfer the data, call detach() on the tensor "
    "before serializing (e.g., putting it on the queue)."
)


def reduce_tensor(t: Any) -> Any:
    """How `multiprocessing` pickles a tensor (a process's arguments under "spawn", a queue's items):
    one in shared memory travels as its memory (`SharedArray`), any other by value.

    Args:
        t (Tensor): the tensor (or Parameter, or another subclass registered by `share_with_processes`).

    Returns:
        tuple: the reduction (`__reduce__`'s form).

    Raises:
        RuntimeError: for a tensor that requires grad and is not a leaf, as PyTorch.
    """
    if t._requires_grad and t.grad_fn is not None:
        raise RuntimeError(_NON_LEAF)
    handle = SharedArray.of(t._data)
    if handle is None:
        return t.__reduce_ex__(2)
    return _rebuild_shared, (type(t), handle, t._requires_grad), t.__dict__ or None


def _rebuild_shared(cls: type, data: np.ndarray, requires_grad: bool) -> Any:
    return cls._make(data, requires_grad)  # type: ignore[attr-defined]  # a Tensor class


def share_with_processes(cls: type) -> None:
    """Pickle tensors of class `cls` with `reduce_tensor` when `multiprocessing` sends them to another
    process (PyTorch's reductions, which `import torch.multiprocessing` registers; a tensor moved to
    shared memory registers its class too).

    Args:
        cls (type): Tensor or a subclass (the pickler looks reducers up by exact class).

    Returns:
        None

    Examples:
        >>> share_with_processes(retrograd.Tensor)
    """
    from multiprocessing.reduction import ForkingPickler

    ForkingPickler.register(cls, reduce_tensor)
