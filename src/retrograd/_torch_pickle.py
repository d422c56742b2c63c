"""Reading PyTorch's zip checkpoints (what `torch.save` writes) without PyTorch and without
running any code named in the file.

A `.pt` file is a zip archive `<name>/data.pkl` (a pickle of the saved object) with one
entry `<name>/data/<key>` of raw bytes per tensor storage. The pickle names the functions
that rebuild its objects (`torch._utils._rebuild_tensor_v2`, `collections.OrderedDict`, ...).
`SafeUnpickler.find_class` admits only the few names a state dict needs and answers each
with retrograd's own implementation; any other name raises `pickle.UnpicklingError`
before anything is imported or called.
"""

from __future__ import annotations

import collections
import io
import pickle
import warnings
import zipfile
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from . import dtypes as _dt
from .nn.parameter import Parameter
from .tensor import Size, Tensor

__all__ = ["RefusedPickle", "SafeUnpickler", "read_torch_zip"]

# storage class in the pickle -> little-endian dtype of its bytes ("bf16" is widened to float32)
_STORAGES = {d.kind_name + "Storage": d.np.newbyteorder("<").str for d in _dt.ALL}
_STORAGES.update(BFloat16Storage="bf16", UntypedStorage="u1")
_NO_EQUIVALENT = ("ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage",
                  "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage")
_DTYPES = {d.name: d for d in _dt.ALL}
_DTYPES.update(half=_dt.float16, double=_dt.float64, long=_dt.int64, short=_dt.int16)
_DTYPES["int"] = _dt.int32
_DTYPES["float"] = _dt.float32


class RefusedPickle(pickle.UnpicklingError):
    """The checkpoint asks for something retrograd will not do (import or call a global that
    is not on the allow-list, set attributes on a shared object, ...)."""


class _Marker:
    """Stands for a name the pickle may mention but must never call (e.g. `torch.Tensor`)."""

    def __init__(self, name: str, dtype: str | None = None) -> None:
        self.name = name
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"<{self.name}>"


class _Storage:
    """One storage of the archive: a flat array that the tensors built on it view."""

    def __init__(self, array: np.ndarray, key: str) -> None:
        self.array = array
        self.key = key


def _int_tuple(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple) or not all(type(v) is int for v in value):
        raise pickle.UnpicklingError(f"tensor {what} must be a tuple of ints, got {value!r}")
    return value


def _view(storage: Any, offset: Any, size: Any, stride: Any) -> np.ndarray:
    """The strided view `size`/`stride` at `offset` of a storage, checked to stay inside it."""
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError(f"expected a tensor storage, got {type(storage).__name__}")
    size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    flat = storage.array
    if type(offset) is not int or len(size) != len(stride) or min(size + stride + (offset,), default=0) < 0:
        raise pickle.UnpicklingError(f"invalid tensor layout: offset {offset!r}, size {size}, stride {stride}")
    # Bounds check before as_strided: a lying header must not read memory outside the storage.
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
    if last >= flat.size:
        raise pickle.UnpicklingError(
            f"tensor of size {size}, stride {stride}, offset {offset} does not fit in storage "
            f"'{storage.key}' of {flat.size} elements"
        )
    item = flat.itemsize
    return np.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * item for s in stride))


def _rebuild_tensor_v2(storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any = False,
                       backward_hooks: Any = None, metadata: Any = None) -> Tensor:
    """`torch._utils._rebuild_tensor_v2`: a tensor viewing `storage` (hooks and metadata ignored)."""
    t = Tensor._make(_view(storage, storage_offset, size, stride))
    if requires_grad is True:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage: Any, storage_offset: Any, size: Any, stride: Any) -> Tensor:
    """`torch._utils._rebuild_tensor` (files from old PyTorch versions)."""
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any = None, state: Any = None) -> Parameter:
    """`torch._utils._rebuild_parameter(_with_state)`: a Parameter sharing `data`'s memory."""
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"a parameter needs a tensor, got {type(data).__name__}")
    return Parameter(data, requires_grad is True)


def _rebuild_from_type_v2(func: Any, new_type: Any, args: Any, state: Any) -> Tensor:
    """`torch._tensor._rebuild_from_type_v2`: only for retrograd's rebuilders; Python attributes
    saved on the tensor (`state`) are dropped."""
    if func not in _REBUILDERS or not isinstance(args, tuple):
        raise pickle.UnpicklingError(f"refused to rebuild a tensor with {func!r}")
    out = func(*args)
    if isinstance(new_type, _Marker) and new_type.name == "torch.nn.parameter.Parameter":
        return _rebuild_parameter(out, out.requires_grad)
    return out


def _encode(text: Any, encoding: str = "utf-8") -> bytes:
    """`_codecs.encode` as protocol-2 pickles use it for bytes objects (latin-1 only)."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("_codecs.encode is only allowed as encode(str, 'latin1')")
    return text.encode("latin-1")


_REBUILDERS = (_rebuild_tensor_v2, _rebuild_tensor, _rebuild_parameter)
_ALLOWED: dict[tuple[str, str], Any] = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "bytearray"): bytearray,
    ("builtins", "complex"): complex,
    ("_codecs", "encode"): _encode,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
    ("torch", "Size"): Size,
    ("torch", "Tensor"): _Marker("torch.Tensor"),
    ("torch.nn.parameter", "Parameter"): _Marker("torch.nn.parameter.Parameter"),
}
_ALLOWED.update({("torch", name): _Marker(f"torch.{name}", code) for name, code in _STORAGES.items()})
_ALLOWED.update({("torch", name): d for name, d in _DTYPES.items()})


def _refusal(source: str, module: str, name: str) -> RefusedPickle:
    full = f"{module}.{name}"
    if module == "torch" and (name in _NO_EQUIVALENT or name in ("bfloat16", "complex64", "complex128")):
        why = "retrograd has no equivalent dtype"
    else:
        why = ("retrograd.load rebuilds only tensors and plain containers (the contents of state dicts) "
               "and never imports or calls anything else a checkpoint names. Save a state dict "
               "(model.state_dict()) rather than whole objects")
    return RefusedPickle(f"{source}: refused to load the global '{full}' named in the checkpoint: {why}.")


# The pure-Python unpickler (`pickle._Unpickler`, what `pickle.Unpickler` is without its C
# accelerator) lets the BUILD opcode be restricted too: with the C one, BUILD could set
# attributes on the shared objects `find_class` returns (dtypes, the Size class).
class SafeUnpickler(pickle._Unpickler):  # type: ignore[name-defined,misc]
    """An unpickler that resolves globals only from a fixed allow-list of retrograd functions,
    sets attributes only on fresh OrderedDicts, and reads tensor storages through
    `storage(storage_marker, key, location, numel)`."""

    def __init__(self, file: IO[bytes], source: str, storage: Callable[[Any, Any, Any, Any], _Storage]) -> None:
        super().__init__(file, encoding="utf-8")
        self._source = source
        self._storage = storage

    def find_class(self, module: str, name: str) -> Any:
        # Protocol-2 pickles spell Python 3's `builtins` the Python 2 way.
        module = "builtins" if module == "__builtin__" else module
        found = _ALLOWED.get((module, name))
        if found is None:
            raise _refusal(self._source, module, name)
        return found

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        _, kind, key, location, numel = pid
        if not isinstance(kind, _Marker) or kind.dtype is None:
            raise pickle.UnpicklingError(f"{kind!r} is not a storage type")
        return self._storage(kind, key, location, numel)

    def _load_build(self) -> None:
        state = self.stack.pop()  # type: ignore[attr-defined, assignment]
        inst = self.stack[-1]  # type: ignore[attr-defined, assignment]
        plain = isinstance(state, dict) and all(isinstance(k, str) for k in state)
        if type(inst) is not collections.OrderedDict or not plain:
            raise RefusedPickle(
                f"{self._source}: refused to set attributes on a {type(inst).__name__} object (pickle BUILD): "
                "only an OrderedDict's own attributes (a state dict's _metadata) may be set"
            )
        inst.__dict__.update(state)

    def _load_ext(self) -> None:
        # copyreg's extension registry maps codes to globals and may answer from a cache
        # without find_class: refuse it (torch.save never uses it).
        raise RefusedPickle(f"{self._source}: refused the pickle EXT opcodes (copyreg extension registry)")

    dispatch = dict(pickle._Unpickler.dispatch)  # type: ignore[attr-defined]
    dispatch[pickle.BUILD[0]] = _load_build  # type: ignore[attr-defined, assignment]
    for _ext in (pickle.EXT1, pickle.EXT2, pickle.EXT4):
        dispatch[_ext[0]] = _load_ext  # type: ignore[attr-defined, assignment]
    del _ext


class _Archive:
    """The storages of one zip checkpoint, read on first use and shared by the tensors on them."""

    def __init__(self, archive: zipfile.ZipFile, prefix: str, source: str,
                 place: Callable[[Tensor, str], Tensor]) -> None:
        self.archive, self.prefix, self.source, self.place = archive, prefix, source, place
        order = f"{prefix}byteorder"
        names = set(archive.namelist())
        self.byteorder = archive.read(order).decode().strip() if order in names else "little"
        if self.byteorder not in ("little", "big"):
            raise RuntimeError(f"{source}: unknown byte order {self.byteorder!r} in the checkpoint")
        self.cache: dict[str, _Storage] = {}
        self.widened = False

    def storage(self, kind: _Marker, key: Any, location: Any, numel: Any) -> _Storage:
        if not isinstance(key, str) or not isinstance(location, str) or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"invalid storage record {(key, location, numel)!r}")
        if key not in self.cache:
            array = self._read(kind.dtype or "u1", key, numel)
            placed = self.place(Tensor._make(array), location)
            self.cache[key] = _Storage(placed._data.reshape(-1), key)
        return self.cache[key]

    def _read(self, code: str, key: str, numel: int) -> np.ndarray:
        entry = f"{self.prefix}data/{key}"
        try:
            raw = self.archive.read(entry)
        except KeyError:
            raise RuntimeError(f"{self.source}: storage '{entry}' is missing from the archive") from None
        wide = code == "bf16"
        dt = np.dtype("<u2" if wide else code)
        if self.byteorder == "big":
            dt = dt.newbyteorder(">")
        if len(raw) < numel * dt.itemsize:
            raise RuntimeError(
                f"{self.source}: storage '{entry}' holds {len(raw)} bytes but {numel} elements of "
                f"{dt.itemsize} bytes were expected (truncated or corrupt file)"
            )
        array = np.frombuffer(raw, dt, count=numel).astype(dt.newbyteorder("="))  # a writable native copy
        if wide:
            # bfloat16 is the top half of a float32: widening is exact.
            self.widened = True
            array = (array.astype(np.uint32) << 16).view(np.float32)
        return array


def _data_pickle(archive: zipfile.ZipFile, source: str) -> str:
    """The path of `<name>/data.pkl`, the pickle at the archive's top folder."""
    top = [name for name in archive.namelist() if name.count("/") == 1]
    if any(name.endswith("/constants.pkl") for name in top):
        raise RuntimeError(f"{source}: this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint")
    for name in top:
        if name.endswith("/data.pkl"):
            return name
    raise RuntimeError(f"{source}: zip archive without data.pkl: not a PyTorch checkpoint")


def read_torch_zip(file: IO[bytes], source: str, place: Callable[[Tensor, str], Tensor]) -> Any:
    """The object saved by `torch.save` in the zip `file`; `place(storage, location)` maps each
    storage to where it should live (see `retrograd.load`'s `map_location`)."""
    try:
        with zipfile.ZipFile(file) as archive:
            pkl = _data_pickle(archive, source)
            store = _Archive(archive, pkl[: -len("data.pkl")], source, place)
            unpickler = SafeUnpickler(io.BytesIO(archive.read(pkl)), source, store.storage)
            obj = unpickler.load()
    except RefusedPickle:
        raise
    except (zipfile.BadZipFile, pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError,
            KeyError, AttributeError, OverflowError, MemoryError) as e:
        raise RuntimeError(f"{source}: corrupt or truncated PyTorch checkpoint ({type(e).__name__}: {e})") from e
    if store.widened:
        warnings.warn(f"{source}: retrograd has no bfloat16; bfloat16 tensors were loaded as float32 "
                      "(the values are unchanged)", UserWarning, stacklevel=4)
    return obj
