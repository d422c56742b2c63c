"""`save` and `load`: tensors and nested containers of them (state dicts of modules and
optimizers), stored safely.

`save` always writes the safetensors format, whatever the file's extension: the tensors
as safetensors entries and the nesting around them (dicts, OrderedDicts, lists, tuples,
numbers, strings, None) as JSON in the safetensors metadata. A plain state dict keeps
its keys as tensor names, so `safetensors.torch.load_file` reads it in PyTorch.

`load` recognises the format by its first bytes, not the extension, and reads:
retrograd's files; safetensors files from elsewhere (`safetensors.torch.save_file`,
a flat dict of tensors); and PyTorch's zip checkpoints (`torch.save`), through an
unpickler that only rebuilds tensors and plain containers (see `_torch_pickle`).
Nothing in a file is ever executed, whatever `weights_only` says. Tensors always
live on the CPU; bfloat16 tensors (no retrograd dtype) load as float32, exactly.
"""

from __future__ import annotations

import json
import os
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from ._torch_pickle import read_torch_zip
from .backend import as_device
from .backend import device as _device
from .dtypes import ALL as _ALL_DTYPES
from .dtypes import dtype as _dtype
from .nn.parameter import Parameter
from .tensor import Size, Tensor

__all__ = ["save", "load"]

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


def save(obj: Any, f: FileLike, pickle_module: Any = None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Save a tensor or nested containers of tensors (e.g. `model.state_dict()`) to `f`
    (a path or a binary file object) in the safetensors format. The pickle arguments are
    accepted for PyTorch compatibility and ignored: nothing is pickled."""
    from safetensors.numpy import save as _safetensors_save

    encoder = _Encoder()
    structure = encoder.encode(obj)
    metadata = {"format": "pt", _STRUCTURE: json.dumps(structure)}
    blob = _safetensors_save(encoder.arrays, metadata=metadata)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as out:
            out.write(blob)
    else:
        f.write(blob)


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


def _read_safetensors(data: bytes, source: str) -> Any:
    """The object in a safetensors file: retrograd's nesting if recorded, else a dict by name."""
    import safetensors

    try:
        entries = safetensors.deserialize(data)
    except Exception as e:  # SafetensorError: header or sizes don't add up
        raise RuntimeError(f"{source}: corrupt or truncated safetensors file ({e})") from None
    arrays, widened = _safetensors_arrays(entries, source)
    if widened:
        warnings.warn(f"{source}: retrograd has no bfloat16; bfloat16 tensors were loaded as float32 "
                      "(the values are unchanged)", UserWarning, stacklevel=4)
    header_len = int.from_bytes(data[:8], "little")
    metadata = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    if _STRUCTURE not in metadata:
        return {name: Tensor._make(arrays[name]) for name in sorted(arrays)}
    try:
        return _Decoder(arrays).decode(json.loads(metadata[_STRUCTURE]))
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise RuntimeError(f"{source}: corrupt retrograd structure in the safetensors metadata ({e!r})") from None


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
        except (RuntimeError, AssertionError) as e:  # AssertionError: "cuda"
            raise RuntimeError(
                f"{source}: can't place a tensor saved on '{location}' on '{target}': {e} "
                "Use map_location='cpu'."
            ) from None
        return storage

    return place


def _detect(head: bytes, source: str) -> str:
    """'zip' (torch.save) or 'safetensors', from the first bytes of the file."""
    if not head:
        raise RuntimeError(f"{source}: the file is empty")
    if head[:4] in _ZIP_MAGIC:
        return "zip"
    if head[:10] == _LEGACY_MAGIC[:10]:
        raise RuntimeError(
            f"{source}: PyTorch's legacy (pre-1.6) checkpoint format is not supported; "
            "re-save it with torch.save from PyTorch 1.6 or later"
        )
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    raise RuntimeError(
        f"{source}: not a checkpoint retrograd can read (expected a safetensors file or a "
        f"PyTorch zip archive from torch.save; the file starts with {head[:8]!r})"
    )


def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *, weights_only: bool | None = True,
         mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Load what `save` (or `torch.save`, or `safetensors` `save_file`) wrote to `f`.

    Only tensors and plain containers are rebuilt; PyTorch checkpoints naming anything else
    raise `pickle.UnpicklingError` without running it. Parameters load as `nn.Parameter`.
    `map_location` is checked (tensors live on the CPU); `mmap` and pickle arguments are
    accepted and ignored.
    """
    if pickle_module is not None and weights_only is not False:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if isinstance(map_location, (str, _device)) and _device(map_location).type == "cuda":
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but retrograd.cuda.is_available() is False. "
            "If you are running on a CPU-only machine, please use retrograd.load with "
            "map_location=retrograd.device('cpu') to map your storages to the CPU."
        )
    if isinstance(map_location, (str, _device)):
        as_device(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as stream:
            return _load_stream(stream, os.fspath(f), map_location)
    return _load_stream(f, str(getattr(f, "name", "<file object>")), map_location)


def _load_stream(stream: IO[bytes], source: str, map_location: Any) -> Any:
    start = stream.tell()
    head = stream.read(16)
    stream.seek(start)
    place = _placer(map_location, source)
    if _detect(head, source) == "zip":
        return read_torch_zip(stream, source, place)
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
