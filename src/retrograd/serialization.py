"""`save` and `load`, compatible with `torch.save` and `torch.load`.

`save` writes PyTorch's zip checkpoint format (see `_torch_save`), so `torch.load(f,
weights_only=True)` reads the state dicts and checkpoints retrograd saves; it pickles
whatever `torch.save` would (whole modules and optimizers, NumPy arrays, any picklable
object). Paths ending in `.safetensors` get the safetensors format instead: the tensors as
entries, the nesting around them as JSON in the metadata. Saving to a path is atomic: the
checkpoint is written to a temporary file in the same folder, then renamed over the target,
so a failed save never destroys the file that was there.

`load` recognises the format by its first bytes, not the extension: PyTorch zip
checkpoints (from `torch.save` or `save`), retrograd's safetensors files and flat ones from
elsewhere. As in PyTorch >= 2.6, `weights_only=True` is the default: the pickle is read by an
interpreter that rebuilds only tensors, dtypes and plain containers (plus what
`add_safe_globals` allows) and checks every declared size before reading or allocating; any
malformed or refused file raises `CheckpointError` naming it. `weights_only=False` unpickles
anything, for files you trust. Tensors live on the CPU; bfloat16 tensors (no retrograd dtype)
load as float32, exactly.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import secrets
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from ._torch_pickle import read_torch_zip
from ._torch_save import MAX_SAVE_DEPTH, _recursion_room, write_torch_zip
from ._weights_only import CheckpointError
from .backend import as_device
from .backend import device as _device
from .dtypes import ALL as _ALL_DTYPES
from .dtypes import dtype as _dtype
from .nn.parameter import Parameter
from .tensor import Size, Tensor

__all__ = ["CheckpointError", "add_safe_globals", "clear_safe_globals", "get_safe_globals", "load",
           "safe_globals", "save"]

_STRUCTURE = "retrograd.structure"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# torch.save's format before PyTorch 1.6 starts with a pickled magic number
_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."
# safetensors dtype codes -> NumPy; "BF16" is widened to float32
_SAFETENSORS_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
    "I8": "i1", "U8": "u1", "BOOL": "?",
}
_DTYPES_BY_NAME = {d.name: d for d in _ALL_DTYPES}
FileLike = str | os.PathLike | IO[bytes]


# --- save ------------------------------------------------------------------------------------

class _Encoder:
    """Turns nested containers into JSON-ready nodes, collecting tensors into `arrays`.

    Scalars stay JSON scalars; everything else is a one-key tagged object, e.g.
    `{"tuple": [...]}`, `{"odict": [[key, value], ...]}`, `{"tensor": name}`.
    """

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._names: dict[int, str] = {}
        self._open: set[int] = set()

    def encode(self, obj: Any, path: tuple[str, ...] = ()) -> Any:
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, Tensor):
            return self._tensor(obj, path)
        if isinstance(obj, _dtype):
            return {"dtype": obj.name}
        if isinstance(obj, bytes):
            return {"bytes": obj.hex()}
        if isinstance(obj, (list, tuple, dict)):
            if id(obj) in self._open:
                raise ValueError(f"retrograd.save: the object at '{'.'.join(path)}' contains itself")
            self._open.add(id(obj))
            node = self._container(obj, path)
            self._open.discard(id(obj))
            return node
        where = f" at '{'.'.join(path)}'" if path else ""
        raise TypeError(
            f"retrograd.save can't save an object of type {type(obj).__name__}{where}: only tensors, "
            "numbers, strings, bytes, None, dtypes and dicts/lists/tuples of them"
        )

    def _container(self, obj: list | tuple | dict, path: tuple[str, ...]) -> dict[str, Any]:
        if isinstance(obj, dict):
            tag = "odict" if isinstance(obj, OrderedDict) else "dict"
            return {tag: [[self._key(k, path), self.encode(v, path + (str(k),))] for k, v in obj.items()]}
        items = [self.encode(v, path + (str(i),)) for i, v in enumerate(obj)]
        tag = "size" if isinstance(obj, Size) else "tuple" if isinstance(obj, tuple) else "list"
        return {tag: items}

    def _key(self, key: Any, path: tuple[str, ...]) -> Any:
        if isinstance(key, Tensor):
            raise TypeError(f"retrograd.save: tensors can't be dict keys (at '{'.'.join(path)}')")
        return self.encode(key, path)

    def _tensor(self, t: Tensor, path: tuple[str, ...]) -> dict[str, Any]:
        name = self._names.get(id(t))
        if name is None:  # the same tensor twice is stored once and loads as one object
            name = self._fresh_name(".".join(path) or "tensor")
            self._names[id(t)] = name
            array = t.detach().numpy()
            # safetensors stores C order; (np.ascontiguousarray would turn 0-d into 1-d)
            self.arrays[name] = array if array.flags.c_contiguous else array.copy(order="C")
        node: dict[str, Any] = {"tensor": name}
        if t.requires_grad:
            node["requires_grad"] = True
        if isinstance(t, Parameter):
            node["parameter"] = True
        return node

    def _fresh_name(self, base: str) -> str:
        name, n = base, 0
        while name in self.arrays or name == "__metadata__":
            n += 1
            name = f"{base}#{n}"
        return name


def _safetensors_bytes(obj: Any) -> bytes:
    """`obj` in the safetensors format: tensors as entries, the rest as JSON metadata."""
    from safetensors.numpy import save as _safetensors_save

    encoder = _Encoder()
    with _recursion_room(MAX_SAVE_DEPTH):  # the encoder and json recurse once a level
        structure = json.dumps(encoder.encode(obj))
    return _safetensors_save(encoder.arrays, metadata={"format": "pt", _STRUCTURE: structure})


def _write_atomically(path: str | os.PathLike, write: Callable[[IO[bytes]], None]) -> None:
    """Run `write` on a new file next to `path`, then rename it over `path`: a failure leaves
    whatever was at `path` untouched. A symlink's target is replaced; an existing file's
    permissions are kept."""
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise IsADirectoryError(21, "Is a directory", os.fspath(path))
    temporary = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _archive_name(path: str | os.PathLike) -> str:
    """The folder inside the zip: the file's name without its extension, as torch.save does."""
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    return stem if stem and stem.isprintable() and "/" not in stem and "\\" not in stem else "archive"


def save(obj: Any, f: FileLike, pickle_module: Any = pickle, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Save `obj` (a state dict, a whole module or optimizer, any picklable object) to `f`, a
    path or a binary file object, in PyTorch's checkpoint format (`torch.load` reads it).

    Paths ending in `.safetensors` are written in the safetensors format (tensors and nested
    containers of them only). Writing to a path is atomic. Objects of retrograd's own classes
    (a whole `nn.Module`) are pickled as such: loading them needs `weights_only=False`.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("retrograd.save pickles with the standard pickle module only")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("retrograd.save does not write PyTorch's legacy (pre-1.6) format")
    is_path = isinstance(f, (str, os.PathLike))
    if is_path and os.fspath(f).endswith(".safetensors"):
        blob = _safetensors_bytes(obj)
        _write_atomically(f, lambda out: out.write(blob))  # type: ignore[arg-type]
        return

    def write(out: IO[bytes], name: str) -> None:
        write_torch_zip(obj, out, name, pickle_protocol, not _disable_byteorder_record)

    if is_path:
        _write_atomically(f, lambda out: write(out, _archive_name(f)))  # type: ignore[arg-type]
        return
    buffer = io.BytesIO()  # all or nothing: f is written only once the checkpoint is complete
    write(buffer, "archive")
    f.write(buffer.getbuffer())  # type: ignore[union-attr]


# --- safe globals ----------------------------------------------------------------------------

_SAFE_GLOBALS: list[Any] = []


def _check_safe_global(entry: Any) -> None:
    if isinstance(entry, tuple):
        if len(entry) != 2:
            raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple "
                             f"of length: {len(entry)}")
        if type(entry[1]) is not str:
            raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                            f"{type(entry[1])}")
    elif not hasattr(entry, "__module__") or not hasattr(entry, "__qualname__"):
        raise TypeError(f"a safe global must be a class or function (or a (global, 'module.name') tuple), "
                        f"got {entry!r}")


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow weights-only loads to use these classes or functions, named in checkpoints by
    `module.qualname`, or by the name given in a `(global, "module.name")` tuple."""
    for entry in safe_globals:
        _check_safe_global(entry)
        if entry not in _SAFE_GLOBALS:
            _SAFE_GLOBALS.append(entry)


def get_safe_globals() -> list[Any]:
    """The globals added with `add_safe_globals`."""
    return list(_SAFE_GLOBALS)


def clear_safe_globals() -> None:
    """Forget every global added with `add_safe_globals`."""
    _SAFE_GLOBALS.clear()


class safe_globals:  # noqa: N801  (PyTorch's name)
    """A context manager that allows these globals for weights-only loads inside it."""

    def __init__(self, safe_globals: list[Any]) -> None:
        self.safe_globals = safe_globals

    def __enter__(self) -> None:
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc: object) -> None:
        for entry in self.safe_globals:
            if entry in _SAFE_GLOBALS:
                _SAFE_GLOBALS.remove(entry)


def _user_globals() -> dict[str, Any]:
    named: dict[str, Any] = {}
    for entry in _SAFE_GLOBALS:
        if isinstance(entry, tuple):
            named[entry[1]] = entry[0]
        else:
            named[f"{entry.__module__}.{entry.__qualname__}"] = entry
    return named


# --- load ------------------------------------------------------------------------------------

class _Decoder:
    """The inverse of `_Encoder`: JSON nodes back to containers, tensors from `arrays`."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self._tensors: dict[str, Tensor] = {}

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict):
            raise ValueError(f"unexpected node {node!r}")
        if "tensor" in node:
            return self._tensor(node)
        (tag, value), = node.items()
        if tag in ("dict", "odict"):
            pairs = [(self.decode(k), self.decode(v)) for k, v in value]
            return OrderedDict(pairs) if tag == "odict" else dict(pairs)
        if tag in ("list", "tuple", "size"):
            items = [self.decode(v) for v in value]
            return items if tag == "list" else tuple(items) if tag == "tuple" else Size(items)
        if tag == "dtype":
            return _DTYPES_BY_NAME[value]
        if tag == "bytes":
            return bytes.fromhex(value)
        raise ValueError(f"unknown node type {tag!r}")

    def _tensor(self, node: dict[str, Any]) -> Tensor:
        name = node["tensor"]
        if name not in self._tensors:
            t = Tensor._make(self.arrays[name])
            requires_grad = node.get("requires_grad", False) is True
            if node.get("parameter"):
                t = Parameter(t, requires_grad)
            elif requires_grad:
                t.requires_grad_(True)
            self._tensors[name] = t
        return self._tensors[name]


def _safetensors_arrays(entries: list[tuple[str, dict[str, Any]]], source: str) -> tuple[dict[str, np.ndarray], bool]:
    """NumPy arrays (writable, native byte order) of the deserialized entries; also whether
    any bfloat16 entry was widened to float32."""
    arrays, widened = {}, False
    for name, info in entries:
        code = _SAFETENSORS_DTYPES.get(info["dtype"])
        if code is None:
            raise RuntimeError(f"{source}: tensor '{name}' has dtype {info['dtype']}, which retrograd does not support")
        # data is a fresh bytearray, so the array owns writable memory.
        array = np.frombuffer(info["data"], np.dtype(code)).astype(np.dtype(code).newbyteorder("="), copy=False)
        if info["dtype"] == "BF16":
            array, widened = (array.astype(np.uint32) << 16).view(np.float32), True
        arrays[name] = array.reshape(tuple(info["shape"]))
    return arrays, widened


_MAX_HEADER = 100_000_000  # bytes of JSON header the safetensors library accepts


def _read_safetensors(data: bytes, source: str) -> Any:
    """The object in a safetensors file: retrograd's nesting if recorded, else a dict by name."""
    import safetensors

    header_len = int.from_bytes(data[:8], "little")
    if len(data) < 8 or header_len > min(len(data) - 8, _MAX_HEADER):
        raise CheckpointError(f"{source}: corrupt or truncated safetensors file (a header of {header_len} bytes "
                              f"in a file of {len(data)})")
    try:
        entries = safetensors.deserialize(data)
    except Exception as e:  # SafetensorError: header or sizes don't add up
        raise CheckpointError(f"{source}: corrupt or truncated safetensors file ({e})") from None
    arrays, widened = _safetensors_arrays(entries, source)
    if widened:
        warnings.warn(f"{source}: retrograd has no bfloat16; bfloat16 tensors were loaded as float32 "
                      "(the values are unchanged)", UserWarning, stacklevel=4)
    metadata = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    if _STRUCTURE not in metadata:
        return {name: Tensor._make(arrays[name]) for name in sorted(arrays)}
    try:
        with _recursion_room(MAX_SAVE_DEPTH):  # json and the decoder recurse once a level
            return _Decoder(arrays).decode(json.loads(metadata[_STRUCTURE]))
    except RecursionError:
        raise CheckpointError(f"{source}: the retrograd structure in the safetensors metadata is nested "
                              f"more than {MAX_SAVE_DEPTH} levels deep") from None
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise CheckpointError(f"{source}: corrupt retrograd structure in the safetensors metadata ({e!r})") from None


def _placer(map_location: Any, source: str) -> Callable[[Tensor, str], Tensor]:
    """`place(storage, saved_location)` for `map_location` (None, a device, a dict of
    location renames, or a callable `(storage, location) -> storage or None`)."""

    def place(storage: Tensor, location: str) -> Tensor:
        if callable(map_location):
            moved = map_location(storage, location)
            if moved is not None and not isinstance(moved, Tensor):
                raise RuntimeError(f"map_location returned a {type(moved).__name__}; expected a tensor or None")
            return storage if moved is None else moved
        if map_location is None:
            target = location
        elif isinstance(map_location, dict):
            target = map_location.get(location, location)
        else:
            target = map_location
        try:
            as_device(target)
        except RuntimeError as e:
            raise RuntimeError(
                f"{source}: can't place a tensor saved on '{location}' on '{target}': {e} "
                "Use map_location='cpu'."
            ) from None
        return storage

    return place


def _detect(head: bytes, source: str) -> str:
    """'zip' (torch.save) or 'safetensors', from the first bytes of the file."""
    if not head:
        raise CheckpointError(f"{source}: the file is empty")
    if head[:4] in _ZIP_MAGIC:
        return "zip"
    if head[:10] == _LEGACY_MAGIC[:10]:
        raise CheckpointError(
            f"{source}: PyTorch's legacy (pre-1.6) checkpoint format is not supported; "
            "re-save it with torch.save from PyTorch 1.6 or later"
        )
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    raise CheckpointError(
        f"{source}: not a checkpoint retrograd can read (expected a safetensors file or a "
        f"PyTorch zip archive from torch.save; the file starts with {head[:8]!r})"
    )


def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Load what `save` (or `torch.save`, or `safetensors` `save_file`) wrote to `f`.

    With `weights_only=True` (the default, as in PyTorch >= 2.6) only tensors, dtypes, plain
    containers and the globals allowed with `add_safe_globals` are rebuilt; a file naming
    anything else, or malformed in any way, raises `CheckpointError` (a
    `pickle.UnpicklingError`) naming the file, without running anything. `weights_only=False`
    unpickles any object: only for files you trust. `map_location` is checked (tensors live on
    the CPU); `mmap` is accepted and the file read into memory.
    """
    if weights_only is None:
        weights_only = True
    if pickle_module is not None and weights_only:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("retrograd.load unpickles with the standard pickle module only")
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if pickle_load_args:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(pickle_load_args)}")
    if isinstance(map_location, (str, _device)):
        as_device(map_location)
    options = {"weights_only": weights_only, "encoding": encoding}
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as stream:
            return _load_stream(stream, os.fspath(f), map_location, options)
    return _load_stream(f, str(getattr(f, "name", "<file object>")), map_location, options)


def _load_stream(stream: IO[bytes], source: str, map_location: Any, options: dict[str, Any]) -> Any:
    start = stream.tell()
    head = stream.read(16)
    stream.seek(start)
    place = _placer(map_location, source)
    if _detect(head, source) == "zip":
        return read_torch_zip(stream, source, place, user_globals=_user_globals(), **options)
    obj = _read_safetensors(stream.read(), source)
    if map_location is not None:
        _place_all(obj, place)
    return obj


def _place_all(obj: Any, place: Callable[[Tensor, str], Tensor]) -> None:
    """Run `place` on each tensor of a loaded safetensors object (all saved on the CPU)."""
    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            moved = place(x, "cpu")
            if moved is not x:
                x._data = moved._data
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
