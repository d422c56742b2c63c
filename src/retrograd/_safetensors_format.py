"""The safetensors side of `load`: tensors as safetensors entries, the nesting around them
(dicts, OrderedDicts, lists, tuples, numbers, strings, None, bytes, dtypes) as JSON in the
metadata. A flat file from elsewhere (`safetensors`' `save_file`) loads as a dict by name.

`save` writes PyTorch's zip format whatever the file's name, as `torch.save`; older retrograd
versions wrote `.safetensors` paths with `safetensors_bytes`, which is kept so that the files
they wrote stay readable and testable.
"""

from __future__ import annotations

import json
import warnings
from collections import OrderedDict
from typing import Any

import numpy as np

from . import dtypes as _dtypes
from ._torch_save import MAX_SAVE_DEPTH, recursion_room
from ._weights_only import CheckpointError
from .dtypes import ALL as _ALL_DTYPES
from .dtypes import BFLOAT16_NP, HAS_BFLOAT16
from .dtypes import dtype as _dtype
from .nn.parameter import Parameter
from .tensor import Size, Tensor

__all__ = ["read_safetensors", "safetensors_bytes"]

_STRUCTURE = "retrograd.structure"
# safetensors dtype codes -> NumPy; "BF16" is bfloat16, or widened to float32 without ml_dtypes
_SAFETENSORS_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
    "I8": "i1", "U8": "u1", "BOOL": "?", "U16": "<u2", "U32": "<u4", "U64": "<u8",
}
_DTYPES_BY_NAME = {d.name: d for d in (*_ALL_DTYPES, *_dtypes.WIDE_UNSIGNED)}


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
            # bfloat16 arrays (ml_dtypes) are stored as BF16; .numpy() refuses them as PyTorch does
            array = t._data if t._data.dtype is BFLOAT16_NP else t.detach().numpy()
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


def safetensors_bytes(obj: Any) -> bytes:
    """`obj` in the safetensors format: tensors as entries, the rest as JSON metadata."""
    from safetensors.numpy import save as _safetensors_save

    encoder = _Encoder()
    with recursion_room(MAX_SAVE_DEPTH):  # the encoder and json recurse once a level
        structure = json.dumps(encoder.encode(obj))
    return _safetensors_save(encoder.arrays, metadata={"format": "pt", _STRUCTURE: structure})


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
        if info["dtype"] == "BF16" and HAS_BFLOAT16:
            _dtypes.load_bfloat16()  # the first bfloat16 array of the process: give the dtype its storage
            array = array.view(_dtypes.BFLOAT16_NP)
        elif info["dtype"] == "BF16":
            array, widened = (array.astype(np.uint32) << 16).view(np.float32), True
        arrays[name] = array.reshape(tuple(info["shape"]))
    return arrays, widened


_MAX_HEADER = 100_000_000  # bytes of JSON header the safetensors library accepts


def read_safetensors(data: bytes, source: str) -> Any:
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
        warnings.warn(f"{source}: bfloat16 tensors need the ml_dtypes package; they were loaded as float32 "
                      "(the values are unchanged)", UserWarning, stacklevel=4)
    metadata = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    if _STRUCTURE not in metadata:
        return {name: Tensor._make(arrays[name]) for name in sorted(arrays)}
    try:
        with recursion_room(MAX_SAVE_DEPTH):  # json and the decoder recurse once a level
            return _Decoder(arrays).decode(json.loads(metadata[_STRUCTURE]))
    except RecursionError:
        raise CheckpointError(f"{source}: the retrograd structure in the safetensors metadata is nested "
                              f"more than {MAX_SAVE_DEPTH} levels deep") from None
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise CheckpointError(f"{source}: corrupt retrograd structure in the safetensors metadata ({e!r})") from None
