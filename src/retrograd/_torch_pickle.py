"""Reading PyTorch's zip checkpoints (what `torch.save` and `retrograd.save` write) without
PyTorch.

A checkpoint is a zip archive `<name>/data.pkl` (a pickle of the saved object) with one
entry `<name>/data/<key>` of raw bytes per tensor storage. The pickle names the functions
that rebuild its objects (`torch._utils._rebuild_tensor_v2`, `collections.OrderedDict`, ...);
each such name is answered with retrograd's own implementation.

A weights-only load (the default) reads the pickle with `_weights_only.WeightsOnlyUnpickler`,
which resolves only the names below (plus the user's `add_safe_globals`). Every size the file
declares is checked before anything is read or allocated: zip members against the file's
size, storages against their elements, tensor views against their storage. Anything wrong
raises `CheckpointError` naming the file.
"""

from __future__ import annotations

import collections
import importlib
import io
import pickle
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Any

import numpy as np

from . import _layouts
from . import dtypes as _dt
from ._weights_only import WEIGHTS_ONLY_FAILED, CheckpointError, Refusal, WeightsOnlyUnpickler, never_build
from .backend import device as _device
from .nn.parameter import Parameter
from .ops.layout_factories import empty_strided
from .ops.sparse.compressed import sparse_compressed_tensor
from .ops.sparse.layout import sparse_coo_tensor
from .tensor import Size, Tensor

__all__ = ["CheckpointError", "StorageType", "StoredArray", "checkpoint_errors", "placing", "raw_dtype",
           "read_data_pickle", "read_torch_zip", "retrograd_stand_in", "storage_array", "unpickle", "warn_widened"]

# storage class in the pickle -> little-endian dtype of its bytes ("bf16": bfloat16, or float32
# without ml_dtypes)
_STORAGES = {d.kind_name + "Storage": d.np.newbyteorder("<").str for d in _dt.ALL if d is not _dt.bfloat16}
_STORAGES.update(BFloat16Storage="bf16", UntypedStorage="u1")
_NO_EQUIVALENT = ("QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage",
                  "ComplexHalfStorage", "complex32")
# Compressed members may inflate to at most this many times the file's size, all together
# (torch.save stores members uncompressed).
_MAX_INFLATION = 4
_INFLATION_SLACK = 1 << 20
never_build(Tensor)
never_build(Parameter)


class StorageType:
    """Stands for a storage class named in the pickle (`torch.FloatStorage`)."""

    def __init__(self, name: str, code: str) -> None:
        self.name, self.code = name, code

    def __repr__(self) -> str:
        return f"<torch.{self.name}>"


class StoredArray:
    """One storage of the archive: a flat array that the tensors built on it view."""

    def __init__(self, array: np.ndarray, key: str, code: str) -> None:
        self.array, self.key, self.code = array, key, code


def _int_tuple(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple) or not all(type(v) is int for v in value):
        raise pickle.UnpicklingError(f"tensor {what} must be a tuple of ints, got {value!r:.200}")
    return value


def _view(storage: Any, offset: Any, size: Any, stride: Any) -> np.ndarray:
    """The strided view `size`/`stride` at `offset` of a storage, checked to stay inside it."""
    if not isinstance(storage, StoredArray):
        raise pickle.UnpicklingError(f"expected a tensor storage, got {type(storage).__name__}")
    size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    flat = storage.array
    if type(offset) is not int or len(size) != len(stride) or min(size + stride + (offset,), default=0) < 0:
        raise pickle.UnpicklingError(f"invalid tensor layout: offset {offset!r}, size {size}, stride {stride}")
    # Bounds check before as_strided: a lying header must not read memory outside the storage.
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
    if last >= flat.size or offset > flat.size:
        raise pickle.UnpicklingError(
            f"tensor of size {size}, stride {stride}, offset {offset} does not fit in storage "
            f"'{storage.key}' of {flat.size} elements"
        )
    item = flat.itemsize
    strides = tuple(s * item for s in stride)
    if isinstance(flat, np.ndarray) and flat.flags.c_contiguous:
        # A view of the storage array itself, so `storage_offset()` and sharing are the saved ones.
        return np.ndarray(size, flat.dtype, buffer=flat.view(np.uint8), offset=offset * item, strides=strides)
    return np.lib.stride_tricks.as_strided(flat[offset:], size, strides)


def _rebuild_tensor_v2(storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any = False,
                       backward_hooks: Any = None, metadata: Any = None) -> Tensor:
    """`torch._utils._rebuild_tensor_v2`: a tensor viewing `storage` (hooks are not restored)."""
    if metadata:
        raise pickle.UnpicklingError(f"tensor metadata {metadata!r:.100} is not supported")
    if type(requires_grad) is not bool:
        raise pickle.UnpicklingError(f"requires_grad must be a bool, got {requires_grad!r:.100}")
    t = Tensor._make(_view(storage, storage_offset, size, stride))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v3(storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any,
                       backward_hooks: Any, dtype: Any, metadata: Any = None) -> Tensor:
    """`torch._utils._rebuild_tensor_v3`: PyTorch's rebuild for the dtypes without a storage class of
    their own (uint16, uint32, uint64): `storage` is untyped bytes, read as `dtype`'s elements."""
    if not isinstance(storage, StoredArray) or not isinstance(dtype, _dt.dtype):
        raise pickle.UnpicklingError(f"expected a storage and a dtype, got {storage!r:.100} and {dtype!r:.100}")
    flat = storage.array
    if flat.nbytes % dtype.itemsize:
        raise pickle.UnpicklingError(f"storage '{storage.key}' of {flat.nbytes} bytes holds no whole {dtype} elements")
    typed = StoredArray(flat.view(np.uint8).view(dtype.np), storage.key, storage.code)
    return _rebuild_tensor_v2(typed, storage_offset, size, stride, requires_grad, backward_hooks, metadata)


def _rebuild_tensor(storage: Any, storage_offset: Any, size: Any, stride: Any) -> Tensor:
    """`torch._utils._rebuild_tensor` (files from old PyTorch versions)."""
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_meta_tensor_no_storage(dtype: Any, size: Any, stride: Any, requires_grad: Any = False) -> Tensor:
    """`torch._utils._rebuild_meta_tensor_no_storage`: a meta tensor of the saved layout (meta
    tensors are saved without a storage, so views saved together no longer share one)."""
    if not isinstance(dtype, _dt.dtype) or type(requires_grad) is not bool:
        raise pickle.UnpicklingError(f"a meta tensor needs a dtype and a bool, got {dtype!r:.100}")
    size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    if len(size) != len(stride) or min(size + stride, default=0) < 0:
        raise pickle.UnpicklingError(f"invalid meta tensor size {size!r:.100} and stride {stride!r:.100}")
    return empty_strided(size, stride, dtype=dtype, device="meta", requires_grad=requires_grad)


def _rebuild_sparse_tensor(layout: Any, data: Any) -> Tensor:
    """`torch._utils._rebuild_sparse_tensor`: a sparse COO tensor from (indices, values, size[, is_coalesced]),
    or a CSR/CSC one from (compressed indices, plain indices, values, size)."""
    if layout in (_layouts.sparse_csr, _layouts.sparse_csc):
        return _rebuild_compressed(layout, data)
    if layout is not _layouts.sparse_coo:
        raise pickle.UnpicklingError(f"rebuilding sparse tensor for layout {layout!r:.100} is not supported")
    if not isinstance(data, tuple) or len(data) not in (3, 4):
        raise pickle.UnpicklingError(f"a sparse COO tensor needs (indices, values, size[, coalesced]): {data!r:.80}")
    indices, values, size = data[:3]
    if not (isinstance(indices, Tensor) and isinstance(values, Tensor)):
        raise pickle.UnpicklingError("a sparse COO tensor's indices and values must be tensors")
    is_coalesced = data[3] if len(data) == 4 else None
    shape = _int_tuple(size, "sparse size")  # (a file's indices are always checked against its size)
    return sparse_coo_tensor(indices, values, shape, is_coalesced=is_coalesced is True, check_invariants=True)


def _rebuild_compressed(layout: Any, data: Any) -> Tensor:
    if not isinstance(data, tuple) or len(data) != 4 or not all(isinstance(p, Tensor) for p in data[:3]):
        raise pickle.UnpicklingError(f"a sparse compressed tensor needs (indices, indices, values, size): {data!r:.80}")
    shape = _int_tuple(data[3], "sparse size")  # (a file's entries are always checked)
    return sparse_compressed_tensor(*data[:3], shape, layout=layout, check_invariants=True)


def _get_layout(name: Any) -> _layouts.layout:
    """`torch.serialization._get_layout`: the layout a checkpoint names (`"torch.sparse_coo"`)."""
    known = (_layouts.strided, _layouts.sparse_coo, _layouts.sparse_csr, _layouts.sparse_csc)
    layout = {f"torch.{k._name}": k for k in known}.get(name)
    if layout is None:
        raise pickle.UnpicklingError(
            f"layout {name!r:.100} is not supported (retrograd has strided, sparse_coo, sparse_csr and sparse_csc)"
        )
    return layout


def _rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any = None, state: Any = None) -> Parameter:
    """`torch._utils._rebuild_parameter(_with_state)`: a Parameter sharing `data`'s memory."""
    if type(data) is not Tensor or type(requires_grad) is not bool:
        raise pickle.UnpicklingError(f"a parameter needs a tensor and a bool, got {type(data).__name__}")
    if state:
        raise pickle.UnpicklingError("retrograd can't restore Python attributes saved on a parameter")
    return Parameter(data, requires_grad)


def _rebuild_from_type_v2(func: Any, new_type: Any, args: Any, state: Any) -> Tensor:
    """`torch._tensor._rebuild_from_type_v2`: a tensor of class `new_type` (a Tensor subclass: a
    weights-only load resolves only the classes `add_safe_globals` allows) from retrograd's
    rebuilders, with the Python attributes saved on it (`state`, a dict) in its `__dict__`."""
    if not (func in _REBUILDERS and isinstance(args, tuple) and isinstance(new_type, type)
            and issubclass(new_type, Tensor)):
        raise pickle.UnpicklingError(f"refused to rebuild a tensor with {func!r:.100} as {new_type!r:.100}")
    if state is not None and not (isinstance(state, dict) and all(type(k) is str for k in state)):
        raise pickle.UnpicklingError("a tensor's saved attributes must be a dict with str keys")
    out = func(*args)
    if new_type is Parameter and type(out) is Tensor:
        out = Parameter(out, out.requires_grad)
    elif type(out) is not new_type:  # a subclass, built without its __init__ (as PyTorch's as_subclass)
        out = new_type._make(out._data, out.requires_grad)
    if state:
        out.__dict__.update(state)  # never the tensor's slots
    return out


def _encode(text: Any, encoding: str = "utf-8") -> bytes:
    """`_codecs.encode` as protocol-2 pickles use it for bytes objects."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("_codecs.encode is only allowed as encode(str, 'latin1')")
    return text.encode("latin-1")


def _bytearray(*args: Any) -> bytearray:
    """`bytearray(bytes)` or `bytearray(str, encoding)`, never `bytearray(size)`."""
    if args and not isinstance(args[0], (bytes, bytearray, str)):
        raise pickle.UnpicklingError(f"bytearray is only allowed from bytes, got {type(args[0]).__name__}")
    return bytearray(*args)


def _from_iterable(cls: type) -> Callable[..., Any]:
    def build(items: Any = ()) -> Any:
        if not isinstance(items, (list, tuple, set, dict)):
            raise pickle.UnpicklingError(f"{cls.__name__} is only allowed from a container")
        return cls(items)

    build.__qualname__ = f"_from_iterable({cls.__name__})"
    return build


def _size(items: Any = ()) -> Size:
    return Size(_int_tuple(tuple(items) if isinstance(items, list) else items, "torch.Size"))


def _complex(real: Any = 0, imag: Any = 0) -> complex:
    if not all(isinstance(x, (int, float)) for x in (real, imag)):
        raise pickle.UnpicklingError("complex is only allowed from numbers")
    return complex(real, imag)


def _torch_device(kind: Any, index: Any = None) -> _device:
    if not isinstance(kind, str) or not (index is None or type(index) is int):
        raise pickle.UnpicklingError("torch.device needs a string and an optional int")
    return _device(kind, index)


_REBUILDERS = (
    _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter, _rebuild_meta_tensor_no_storage,
    _rebuild_sparse_tensor,
)
# What torch.save's pickles name -> retrograd's stand-in, for any load.
_TORCH_NAMES: dict[str, Any] = {
    "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
    "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
    "torch._utils._rebuild_tensor": _rebuild_tensor,
    "torch._utils._rebuild_parameter": _rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": _rebuild_parameter,
    "torch._utils._rebuild_meta_tensor_no_storage": _rebuild_meta_tensor_no_storage,
    "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    "torch._utils._rebuild_sparse_tensor": _rebuild_sparse_tensor,
    "torch.serialization._get_layout": _get_layout,
    "torch.Size": _size,
    "torch.Tensor": Tensor,
    "torch.nn.parameter.Parameter": Parameter,
    "torch.device": _torch_device,
}
_TORCH_NAMES.update({f"torch.{name}": StorageType(name, code) for name, code in _STORAGES.items()})
_TORCH_NAMES.update({f"torch.{d.name}": d for d in (*_dt.ALL, *_dt.WIDE_UNSIGNED, *_dt.NAMED_ONLY)})  # in configs
_TORCH_NAMES.update({f"torch.{name}": Refusal("retrograd has no equivalent dtype") for name in _NO_EQUIVALENT})
_TORCH_NAMES["torch.storage.UntypedStorage"] = _TORCH_NAMES["torch.UntypedStorage"]  # _rebuild_tensor_v3's
# Plain Python names, resolved only by weights-only loads (a trusted load imports them).
_BUILTIN_NAMES: dict[str, Any] = {
    "collections.OrderedDict": _from_iterable(collections.OrderedDict),
    "collections.Counter": _from_iterable(collections.Counter),
    "builtins.set": _from_iterable(set),
    "builtins.bytearray": _bytearray,
    "builtins.complex": _complex,
    "_codecs.encode": _encode,
}
_CALLABLES = [*_REBUILDERS, _rebuild_from_type_v2, _get_layout, _size, _torch_device, *_BUILTIN_NAMES.values()]
_CLASSES: list[type] = [Size]


def weights_only_tables(user_globals: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any], list[type]]:
    """The names a weights-only load resolves, the callables it may call, the classes it may build."""
    allowed = {**user_globals, **_TORCH_NAMES, **_BUILTIN_NAMES}
    users = list(user_globals.values())
    return allowed, _CALLABLES + users, _CLASSES + [c for c in users if isinstance(c, type)]


def retrograd_stand_in(module: str, name: str) -> Any:
    """retrograd's object for PyTorch's global `module.name` (the class of a whole module in a
    trusted file): the same path under retrograd, else the nearest enclosing package that has the
    name (`torch.nn.modules.activation.MultiheadAttention` lives elsewhere in retrograd, and
    `retrograd.nn` exports it). None for names outside `torch` and ones retrograd lacks."""
    if module != "torch" and not module.startswith("torch."):
        return None
    parts = ["retrograd", *module.split(".")[1:]]
    for end in range(len(parts), 0, -1):
        try:
            package = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        found = getattr(package, name, None)
        if found is not None:
            return found
    return None


class _TrustedUnpickler(pickle.Unpickler):
    """For `weights_only=False`: PyTorch's rebuild functions are retrograd's, every other name
    is imported as `pickle` would (only for files the user trusts)."""

    def __init__(self, file: IO[bytes], persistent_load: Callable[[Any], Any], **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self._storage = persistent_load

    def find_class(self, module: str, name: str) -> Any:
        full = f"{module}.{name}"
        found = _TORCH_NAMES.get(full)
        if isinstance(found, Refusal):
            raise CheckpointError(f"refused to load the global '{full}' named in the checkpoint: {found.why}")
        if found is None:
            found = retrograd_stand_in(module, name)
        return found if found is not None else super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        return self._storage(pid)


class _Archive:
    """The members of one zip checkpoint, read after checking their declared sizes, and its
    storages, read on first use and shared by the tensors on them."""

    def __init__(self, archive: zipfile.ZipFile, end: int, source: str,
                 place: Callable[[Tensor, str], Tensor]) -> None:
        self.archive, self.end, self.source, self.place = archive, end, source, place
        self.infos = {info.filename: info for info in archive.infolist()}
        self.inflate_left = _MAX_INFLATION * end + _INFLATION_SLACK
        self.prefix = self._data_pickle()[: -len("data.pkl")]
        order = f"{self.prefix}byteorder"
        recorded = self.read(order, limit=16) if order in self.infos else b"little"
        self.byteorder = recorded.decode("ascii", "replace").strip()
        if self.byteorder not in ("little", "big"):
            raise CheckpointError(f"{source}: unknown byte order {self.byteorder!r} in the checkpoint")
        self.cache: dict[str, StoredArray] = {}
        self.widened = False

    def _data_pickle(self) -> str:
        """The path of `<name>/data.pkl`, the pickle at the archive's top folder."""
        top = [name for name in self.infos if name.count("/") == 1]
        if any(name.endswith("/constants.pkl") for name in top):
            raise CheckpointError(f"{self.source}: this is a TorchScript archive (torch.jit.save), not a "
                                  "torch.save checkpoint")
        for name in top:
            if name.endswith("/data.pkl"):
                return name
        raise CheckpointError(f"{self.source}: zip archive without data.pkl: not a PyTorch checkpoint")

    def read(self, name: str, expected: int | None = None, limit: int | None = None, what: str = "") -> bytes:
        """The bytes of member `name`, after checking its declared size against `expected` (in
        words: `what`), the file's size and the inflation allowance, so that a zip bomb is
        refused unread."""
        info = self.infos.get(name)
        if info is None:
            raise CheckpointError(f"{self.source}: {'storage ' if what else ''}'{name}' is missing from the archive")
        size = info.file_size
        if expected is not None and size != expected:
            raise CheckpointError(f"{self.source}: storage '{name}' holds {size} bytes but {what or expected} "
                                  "were expected (truncated or corrupt file)")
        if limit is not None and size > limit:
            raise CheckpointError(f"{self.source}: '{name}' is {size} bytes, more than {limit}")
        if info.flag_bits & 0x1:
            raise CheckpointError(f"{self.source}: '{name}' is encrypted")
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size != size or info.header_offset + size > self.end:
                raise CheckpointError(f"{self.source}: '{name}' claims {size} bytes, more than the file holds "
                                      "(truncated or corrupt file)")
        else:
            self.inflate_left -= size
            if self.inflate_left < 0:
                raise CheckpointError(
                    f"{self.source}: '{name}' inflates to {size} bytes, far more than the {self.end}-byte "
                    "file holds (a zip bomb?); retrograd reads compressed members up to "
                    f"{_MAX_INFLATION} times the file's size"
                )
        with self.archive.open(info) as member:
            data = member.read(size)
        if len(data) != size:
            raise CheckpointError(f"{self.source}: '{name}' is truncated ({len(data)} of {size} bytes)")
        return data

    def storage(self, pid: Any) -> StoredArray:
        """BINPERSID: the storage `('storage', storage type, key, location, numel)`."""
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] in ("storage", b"storage")):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r:.200}")
        _, kind, key, location, numel = pid
        check_storage_record(kind, key, location, numel)
        cached = self.cache.get(key)
        if cached is None:
            array = self._read_storage(kind.code, key, numel)
            placed = self.place(Tensor._make(array), location)
            cached = self.cache[key] = StoredArray(placed._data.reshape(-1), key, kind.code)
        elif cached.code != kind.code or cached.array.size != numel:
            raise pickle.UnpicklingError(f"storage '{key}' is named twice with different types or sizes")
        return cached

    def _read_storage(self, code: str, key: str, numel: int) -> np.ndarray:
        dt = raw_dtype(code, self.byteorder)
        raw = self.read(f"{self.prefix}data/{key}", numel * dt.itemsize,
                        what=f"{numel} elements of {dt.itemsize} bytes")
        array, widened = storage_array(raw, code, self.byteorder)
        self.widened |= widened
        return array


def check_storage_record(kind: Any, key: Any, location: Any, numel: Any) -> None:
    """Refuse a storage record (both archive formats name storages so) whose fields are not a
    storage type, a string key and location, and a count (a hostile file's, say)."""
    if not isinstance(kind, StorageType):
        raise pickle.UnpicklingError(f"{kind!r:.100} is not a storage type")
    if not isinstance(key, str) or not isinstance(location, str) or type(numel) is not int or numel < 0:
        raise pickle.UnpicklingError(f"invalid storage record {(key, location, numel)!r:.200}")


def raw_dtype(code: str, byteorder: str = "little") -> np.dtype:
    """The NumPy dtype of a storage's bytes in the file (`code` as in `_STORAGES`)."""
    dt = np.dtype("<u2" if code == "bf16" else code)
    return dt.newbyteorder(">") if byteorder == "big" else dt


def storage_array(raw: bytes | memoryview, code: str, byteorder: str = "little") -> tuple[np.ndarray, bool]:
    """A writable native array of the storage bytes `raw`, and whether bfloat16 was widened to
    float32 (without ml_dtypes)."""
    dt = raw_dtype(code, byteorder)
    array = np.frombuffer(raw, dt).astype(dt.newbyteorder("="))  # a writable native copy
    if code != "bf16":
        return array, False
    if _dt.HAS_BFLOAT16:
        _dt.load_bfloat16()  # the first bfloat16 array of the process: give the dtype its storage
        return array.view(_dt.BFLOAT16_NP), False
    # bfloat16 is the top half of a float32: widening is exact.
    return (array.astype(np.uint32) << 16).view(np.float32), True


class _PlacementError(Exception):
    """Carries an error raised by `map_location` past the handlers for corrupt files."""


@contextmanager
def checkpoint_errors(source: str) -> Iterator[None]:
    """Turn what a malformed file raises while it is read into `CheckpointError` naming `source`;
    an error of the user's `map_location` (raised as `_PlacementError`) passes through as it was."""
    try:
        yield
    except _PlacementError as e:
        raise e.__cause__ from None  # type: ignore[misc]
    except CheckpointError as e:
        if str(e).startswith((source, WEIGHTS_ONLY_FAILED)):  # named the file, or PyTorch's own words
            raise
        raise CheckpointError(f"{source}: {e}") from None
    except (zipfile.BadZipFile, pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError,
            AttributeError, OverflowError, MemoryError, RecursionError, NotImplementedError, OSError,
            RuntimeError) as e:
        raise CheckpointError(f"{source}: corrupt or truncated PyTorch checkpoint ({type(e).__name__}: {e})") from e


def placing(place: Callable[[Tensor, str], Tensor]) -> Callable[[Tensor, str], Tensor]:
    """`place`, with its errors marked as the user's (see `checkpoint_errors`)."""

    def placed(storage: Tensor, location: str) -> Tensor:
        try:
            return place(storage, location)
        except Exception as e:
            raise _PlacementError from e  # the user's map_location failed, not the file

    return placed


def warn_widened(source: str) -> None:
    """bfloat16 storages were read as float32 (ml_dtypes is missing)."""
    warnings.warn(f"{source}: bfloat16 tensors need the ml_dtypes package; they were loaded as float32 "
                  "(the values are unchanged)", UserWarning, stacklevel=5)


def unpickle(data: bytes | memoryview, source: str, persistent_load: Callable[[Any], Any], *, weights_only: bool,
             user_globals: Mapping[str, Any], encoding: str = "utf-8") -> tuple[Any, int]:
    """The object of the pickle at the start of `data` and the number of bytes it took: read by
    the weights-only interpreter, or by a trusted unpickler with retrograd's stand-ins."""
    if weights_only:
        allowed, callables, classes = weights_only_tables(user_globals)
        reader = WeightsOnlyUnpickler(data, source, allowed, callables, classes, persistent_load, encoding)
        return reader.load(), reader.position
    stream = io.BytesIO(data)
    return _TrustedUnpickler(stream, persistent_load, encoding=encoding).load(), stream.tell()


def read_torch_zip(file: IO[bytes], source: str, place: Callable[[Tensor, str], Tensor], *, weights_only: bool,
                   user_globals: Mapping[str, Any], encoding: str = "utf-8") -> Any:
    """The object saved by `torch.save` in the zip `file`; `place(storage, location)` maps each
    storage to where it should live (see `retrograd.load`'s `map_location`)."""
    start = file.tell()
    end = file.seek(0, io.SEEK_END)
    file.seek(start)
    with checkpoint_errors(source), zipfile.ZipFile(file) as archive:
        store = _Archive(archive, end, source, placing(place))
        data = store.read(f"{store.prefix}data.pkl")
        obj, _ = unpickle(data, source, store.storage, weights_only=weights_only, user_globals=user_globals,
                          encoding=encoding)
    if store.widened:
        warn_widened(source)
    return obj


def read_data_pickle(file: IO[bytes], source: str) -> bytes:
    """The pickle (`data.pkl`) of the zip checkpoint `file`, with its size checked; its storages
    are not read. A TorchScript archive raises `ValueError`, as in PyTorch."""
    start = file.tell()
    end = file.seek(0, io.SEEK_END)
    file.seek(start)
    with zipfile.ZipFile(file) as archive:
        if any(name.count("/") == 1 and name.endswith("/constants.pkl") for name in archive.namelist()):
            raise ValueError(
                "Expected input to be a checkpoint returned by torch.save but got a torchscript checkpoint"
            )
        store = _Archive(archive, end, source, lambda storage, location: storage)
        return store.read(f"{store.prefix}data.pkl")
