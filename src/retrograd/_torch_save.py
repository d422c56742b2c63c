# mypy: disable-error-code="attr-defined,assignment,misc,arg-type"
# (pickle's Python pickler and unpickler classes are untyped)
"""Writing PyTorch's zip checkpoint format, so that `torch.load(f, weights_only=True)` reads
what `retrograd.save` wrote.

The archive holds `<name>/data.pkl`, a protocol-2 pickle of the object in which tensors are
`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`
(parameters wrap that in `torch._utils._rebuild_parameter`), each storage a persistent id
`('storage', torch.FloatStorage, key, 'cpu', numel)` whose bytes are the member
`<name>/data/<key>`, 64-byte aligned; plus the `byteorder`, `version`, `.format_version` and
`.storage_alignment` records that `torch.save` writes. Tensors that share memory (views of
one another) share one storage, as in PyTorch.

Pickling uses the pure-Python pickler, which lets PyTorch's names (`torch._utils...`,
`torch.float32`) be written without importing PyTorch.
"""

from __future__ import annotations

import collections
import copyreg
import io
import pickle
import struct
import sys
import types
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import numpy as np

from . import _layouts
from ._storage import contiguous_strides, root_array
from ._typed_storage import LEGACY_DTYPES
from .backend import CPU, is_cuda_array, meta, to_device
from .backend import device as _device
from .backend.sparse import SparseCOO
from .backend.sparse_compressed import SparseCompressed
from .dtypes import dtype as _dtype
from .nn.parameter import Parameter
from .tensor import Size, Tensor

__all__ = ["MAX_SAVE_DEPTH", "Storages", "TorchPickler", "recursion_room", "torch_spelling", "write_torch_zip"]

MAX_SAVE_DEPTH = 1000  # nesting levels save handles (torch.save: about 500)
_ALIGNMENT = 64
# each dtype's legacy storage class by the array dtype's name ("float32": "FloatStorage")
_STORAGE_CLASSES = {d.np.name: d.kind_name + "Storage" for d in LEGACY_DTYPES}
# dtypes without a storage class of their own: bytes in an untyped storage, rebuilt by
# `_rebuild_tensor_v3` with the dtype
_UNTYPED = ("uint16", "uint32", "uint64")


class _TorchName:
    """A global the pickle names by `module.name` (written without importing it)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any) -> Any:  # the pickler insists that a reduce function is callable
        raise TypeError(f"{self.module}.{self.name} is only a name written into a checkpoint")


# Modules that re-export what private modules beside them define, as PyTorch's own file does.
_FACES = ("retrograd.optim.lr_scheduler",)


def torch_spelling(obj: Any) -> tuple[str, str] | None:
    """PyTorch's `(module, name)` for retrograd's class or function `obj`, a name PyTorch imports.

    The shortest enclosing package that exports it (`retrograd.nn.modules.conv.Conv2d` is
    `torch.nn.Conv2d`), else a module that re-exports it (`torch.optim.lr_scheduler.StepLR`),
    else its own module, under `torch`. None for objects outside retrograd and ones no module has.
    """
    module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(name, str) or module.split(".")[0] != "retrograd":
        return None
    parts = module.split(".")
    parents = [".".join(parts[:end]) for end in range(1, len(parts))]
    for candidate in [*parents, *_FACES, module]:
        if getattr(sys.modules.get(candidate), name, None) is obj:
            return "torch" + candidate[len("retrograd") :], name
    return None


_REBUILD_TENSOR = _TorchName("torch._utils", "_rebuild_tensor_v2")
_REBUILD_UNTYPED = _TorchName("torch._utils", "_rebuild_tensor_v3")
_UNTYPED_STORAGE = _TorchName("torch.storage", "UntypedStorage")
_REBUILD_PARAMETER = _TorchName("torch._utils", "_rebuild_parameter")
_REBUILD_META = _TorchName("torch._utils", "_rebuild_meta_tensor_no_storage")
_REBUILD_SPARSE = _TorchName("torch._utils", "_rebuild_sparse_tensor")
_REBUILD_FROM_TYPE = _TorchName("torch._tensor", "_rebuild_from_type_v2")  # a subclass, or Python attributes
_GET_LAYOUT = _TorchName("torch.serialization", "_get_layout")  # PyTorch pickles a layout as this call of its name
_TORCH_SIZE = _TorchName("torch", "Size")
_TORCH_TENSOR = _TorchName("torch", "Tensor")
_TORCH_DEVICE = _TorchName("torch", "device")


class _StorageRecord:
    """One storage: the flat array of elements written as `data/<key>`."""

    __slots__ = ("key", "flat", "storage_class")

    def __init__(self, key: str, flat: np.ndarray) -> None:
        self.key, self.flat = key, flat
        if flat.dtype.name in _UNTYPED:  # counted and written as bytes
            self.flat = flat.view(np.uint8)
            self.storage_class = _UNTYPED_STORAGE
        else:
            self.storage_class = _TorchName("torch", _STORAGE_CLASSES[flat.dtype.name])


class Storages:
    """Finds the storage behind each tensor's array: the memory block of its outermost NumPy
    base, so views of one array share a storage; anything else gets a fresh contiguous copy."""

    def __init__(self) -> None:
        self.records: list[_StorageRecord] = []
        self._by_block: dict[tuple[int, str], _StorageRecord] = {}
        self._keep: list[np.ndarray] = []  # the blocks, alive until saved (ids stay unique)

    def locate(self, array: np.ndarray) -> tuple[_StorageRecord, int, tuple[int, ...]]:
        """(storage, element offset, element strides) of `array`."""
        found = self._in_base(array)
        if found is None:
            copy = array.astype(array.dtype.newbyteorder("="), order="C", copy=True)
            strides = tuple(s // copy.itemsize for s in copy.strides) if copy.size else contiguous_strides(copy.shape)
            found = self._record(copy, copy), 0, strides
        return found

    def _in_base(self, array: np.ndarray) -> tuple[_StorageRecord, int, tuple[int, ...]] | None:
        root = root_array(array)
        item = array.itemsize
        if not (array.dtype.isnative and array.size and (root.flags.c_contiguous or root.flags.f_contiguous)):
            return None
        if root.nbytes % item or any(s < 0 or s % item for s in array.strides):
            return None
        start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        extent = sum((n - 1) * s for n, s in zip(array.shape, array.strides)) + item
        if start < 0 or start % item or start + extent > root.nbytes:
            return None
        return self._record(root, array), start // item, tuple(s // item for s in array.strides)

    def _record(self, root: np.ndarray, array: np.ndarray) -> _StorageRecord:
        key = (id(root), array.dtype.str)
        record = self._by_block.get(key)
        if record is None:
            flat = root.reshape(-1, order="A").view(np.uint8).view(array.dtype)
            record = self._by_block[key] = _StorageRecord(str(len(self.records)), flat)
            self.records.append(record)
            self._keep.append(root)
        return record


class _StorageRef:
    """What a tensor's storage argument pickles as: a persistent id."""

    __slots__ = ("record",)

    def __init__(self, record: _StorageRecord) -> None:
        self.record = record


class TorchPickler(pickle._Pickler):  # type: ignore[name-defined,misc]
    """Pickles tensors, parameters, Size, dtypes and devices as `torch.save` does."""

    def __init__(self, file: IO[bytes], protocol: int, storages: Storages, pickle_module: Any = pickle) -> None:
        super().__init__(file, protocol)
        self._storages = storages
        self._temporaries: list[Any] = []  # memoized by id: keep alive until the end
        self._locations: dict[Any, str] = {}  # storage key -> "cuda:N" for data copied from a device
        # Another module's Pickler (cloudpickle's: fastai's `learn.export`) reduces what ours leaves:
        # its reducer and dispatch table come after ours, so the script's functions go by value.
        self._foreign_reduce = None
        if pickle_module is not pickle:
            foreign = pickle_module.Pickler(io.BytesIO(), protocol)
            self._foreign_reduce = getattr(foreign, "reducer_override", None)
            self.dispatch_table = getattr(foreign, "dispatch_table", copyreg.dispatch_table)

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is _StorageRef:
            record = obj.record
            location = self._locations.get(record.key, "cpu")  # device tensors: saved as PyTorch's "cuda:N"
            return ("storage", record.storage_class, record.key, location, record.flat.size)
        return None

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if isinstance(obj, Size):
            return _TORCH_SIZE, (tuple(obj),)
        if isinstance(obj, _device):
            return _TORCH_DEVICE, (obj.type,) if obj.index is None else (obj.type, obj.index)
        if isinstance(obj, _layouts.layout):
            return _GET_LAYOUT, (f"torch.{obj._name}",)
        return NotImplemented if self._foreign_reduce is None else self._foreign_reduce(obj)

    def _reduce_tensor(self, t: Tensor) -> tuple[Any, tuple[Any, ...]]:
        if isinstance(t, Parameter):
            data = Tensor._make(t._data)
            self._temporaries.append(data)
            return _REBUILD_PARAMETER, (data, t.requires_grad, collections.OrderedDict())
        if type(t._data) is SparseCOO:  # its parts, as dense tensors (PyTorch saves no requires_grad)
            data = t._data
            parts = (Tensor._make(data.indices), Tensor._make(data.values), Size(data.shape), data.coalesced)
            self._temporaries.append(parts)
            return _REBUILD_SPARSE, (_layouts.sparse_coo, parts)
        if type(t._data) is SparseCompressed:  # (compressed indices, plain indices, values, size), as PyTorch's
            data = t._data
            indices = (Tensor._make(data.compressed), Tensor._make(data.plain))
            parts = (*indices, Tensor._make(data.values), Size(data.shape))
            self._temporaries.append(parts)
            return _REBUILD_SPARSE, (t.layout, parts)
        if type(t._data) is meta.MetaArray:  # no data to write: PyTorch saves the layout alone
            return _REBUILD_META, (t.dtype, tuple(t.shape), t.stride(), t.requires_grad)
        on_device = is_cuda_array(t._data)
        array = to_device(t._data, CPU) if on_device else np.asarray(t._data)  # saving copies to the host
        if array.dtype.name not in _STORAGE_CLASSES and array.dtype.name not in _UNTYPED:
            raise pickle.PicklingError(f"can't save a tensor of dtype {array.dtype}")
        record, offset, strides = self._storages.locate(array)
        if on_device:
            self._temporaries.append(array)
            self._locations[record.key] = str(t.device) if t.device.index is not None else "cuda:0"
        ref = _StorageRef(record)
        self._temporaries.append(ref)
        args: tuple[Any, ...] = (ref, offset, tuple(array.shape), strides, t.requires_grad, collections.OrderedDict())
        rebuild = _REBUILD_TENSOR
        if record.storage_class is _UNTYPED_STORAGE:
            rebuild, args = _REBUILD_UNTYPED, (*args, t.dtype)
        if type(t) is Tensor and not t.__dict__:
            return rebuild, args
        # as PyTorch: the class (MONAI's MetaTensor) and the attributes travel around the plain rebuild
        new_type = _TORCH_TENSOR if type(t) is Tensor else type(t)
        return _REBUILD_FROM_TYPE, (rebuild, new_type, args, dict(t.__dict__))

    def save_global(self, obj: Any, name: str | None = None) -> None:
        """A class or function: retrograd's own under PyTorch's name (a whole `nn.Module` saved
        loads in PyTorch as its module), any other as `pickle` names it."""
        if isinstance(obj, _dtype):  # the dtypes of classes of their own (bfloat16, uint16): `torch.<name>` too
            self.save_torch_name(obj)
            return
        spelling = torch_spelling(obj) if name is None else None
        if spelling is None:
            super().save_global(obj, name)
        else:
            self.save_torch_name(obj, _TorchName(*spelling))

    def save_torch_name(self, obj: Any, name: _TorchName | None = None) -> None:
        if name is None:
            name = obj if type(obj) is _TorchName else _TorchName("torch", obj.name)
        if self.proto >= 4:
            self.save(name.module)
            self.save(name.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{name.module}\n{name.name}\n".encode())
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)  # type: ignore[attr-defined]
    dispatch[_TorchName] = save_torch_name
    dispatch[_dtype] = save_torch_name
    dispatch[types.FunctionType] = save_global


@contextmanager
def recursion_room(levels: int) -> Iterator[None]:
    """Raise the recursion limit for a pickling that nests `levels` deep (the pure-Python pickler
    takes a few frames a level; Python-to-Python calls use no C stack), then restore it."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(old + 6 * levels)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _padded_info(zf: zipfile.ZipFile, name: str, size: int) -> zipfile.ZipInfo:
    """A stored member whose data starts at a multiple of `_ALIGNMENT` bytes (PyTorch memory-maps
    storages): padding goes in an extra field, as torch.save's writer does."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    header = 30 + len(name.encode("utf-8")) + (20 if size * 1.05 > zipfile.ZIP64_LIMIT else 0)
    pad = -(zf.fp.tell() + header + 4) % _ALIGNMENT  # type: ignore[union-attr]
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # id "FB" as in PyTorch
    return info


def write_torch_zip(
    obj: Any,
    file: IO[bytes],
    archive_name: str,
    protocol: int = 2,
    byteorder_record: bool = True,
    pickle_module: Any = pickle,
) -> None:
    """Write `obj` to the binary `file` in PyTorch's zip checkpoint format."""
    storages = Storages()
    buffer = io.BytesIO()
    pickler = TorchPickler(buffer, protocol, storages, pickle_module)
    with recursion_room(MAX_SAVE_DEPTH):
        pickler.dump(obj)
    records = [("data.pkl", buffer.getvalue()), (".format_version", b"1"), (".storage_alignment", b"64")]
    if byteorder_record:
        records.append(("byteorder", sys.byteorder.encode()))
    records += [(f"data/{r.key}", memoryview(r.flat.view(np.uint8))) for r in storages.records]
    records.append(("version", b"3\n"))
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in records:
            zf.writestr(_padded_info(zf, f"{archive_name}/{name}", len(data)), data)
