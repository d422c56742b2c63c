"""PyTorch's legacy checkpoint format: what `torch.save(obj, f, _use_new_zipfile_serialization=False)`
writes, and every `torch.save` before PyTorch 1.6 wrote.

The file is pickles one after another, then raw storage bytes:

1. the magic number `0x1950a86a20f9469cfc6c`, the protocol version 1001, and a dict of the
   writer's system (`little_endian`, `type_sizes`);
2. the saved object, each tensor `torch._utils._rebuild_tensor_v2(storage, offset, size,
   stride, ...)` as in a zip checkpoint, each storage a persistent id `('storage',
   torch.FloatStorage, key, location, numel, view_metadata)` (`view_metadata` is None, or
   `(view_key, offset, numel)` for a storage that is a slice of another, in files of old
   PyTorch versions);
3. the list of storage keys; then for each key in that order its element count (int64) and
   its elements, both little-endian.

Tensors are built on their storages before the bytes come, so reading allocates each storage
at its declared size (checked against the bytes the file holds) and fills it in place once
the object is unpickled. PyTorch's older tar-based format (before 0.4) is not read.
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
from collections.abc import Callable, Mapping
from typing import IO, Any

import numpy as np

from ._torch_pickle import (
    CheckpointError,
    StoredArray,
    check_storage_record,
    checkpoint_errors,
    placing,
    raw_dtype,
    storage_array,
    unpickle,
    warn_widened,
)
from ._torch_save import MAX_SAVE_DEPTH, Storages, TorchPickler, recursion_room
from .tensor import Tensor

__all__ = ["LEGACY_MAGIC_NUMBER", "is_legacy_checkpoint", "read_legacy", "write_legacy"]

LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL_VERSION = 1001
# how the magic number's pickle (LONG1 of 10 bytes) looks, whatever the protocol
_MAGIC_PICKLED = b"\x8a\x0a" + LEGACY_MAGIC_NUMBER.to_bytes(10, "little")


def is_legacy_checkpoint(head: bytes) -> bool:
    """Whether a file's first bytes are the pickled magic number of the legacy format."""
    return head[:1] == pickle.PROTO and _MAGIC_PICKLED in head[:32]


class _LegacyStorages:
    """The storages the object's pickle names, allocated at their declared sizes (all together
    at most the bytes the file holds) and filled from the file after the pickle."""

    def __init__(self, place: Callable[[Tensor, str], Tensor], room: int) -> None:
        self.place, self.room = place, room
        self.roots: dict[str, StoredArray] = {}
        self.views: dict[str, StoredArray] = {}
        self.widened = False

    def load(self, pid: Any) -> Any:
        """BINPERSID: a storage, or the class of a whole module (saved with its source, not checked)."""
        kind = pid[0].decode("ascii") if isinstance(pid, tuple) and pid and isinstance(pid[0], bytes) else pid[0]
        if kind == "module" and len(pid) == 4:
            return pid[1]
        if kind != "storage" or len(pid) != 6:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r:.200}")
        _, storage_type, key, location, numel, view = pid
        if isinstance(location, bytes):
            location = location.decode("ascii")
        check_storage_record(storage_type, key, location, numel)
        root = self.roots.get(key)
        if root is None:
            root = self.roots[key] = self._allocate(storage_type.code, key, location, numel)
        elif root.code != storage_type.code or root.array.size != numel:
            raise pickle.UnpicklingError(f"storage '{key}' is named twice with different types or sizes")
        return root if view is None else self._view(root, view)

    def _allocate(self, code: str, key: str, location: str, numel: int) -> StoredArray:
        nbytes = numel * raw_dtype(code).itemsize
        self.room -= nbytes
        if self.room < 0:
            raise CheckpointError(f"storage '{key}' claims {nbytes} bytes, more than the file holds "
                                  "(truncated or corrupt file)")
        array, _ = storage_array(bytes(nbytes), code)
        placed = self.place(Tensor._make(array), location)
        return StoredArray(placed._data.reshape(-1), key, code)

    def _view(self, root: StoredArray, view: Any) -> StoredArray:
        """A storage that is the slice `(view_key, offset, numel)` of `root` (pre-1.0 files)."""
        if not (isinstance(view, tuple) and len(view) == 3 and isinstance(view[0], str)
                and all(type(n) is int and n >= 0 for n in view[1:]) and view[1] + view[2] <= root.array.size):
            raise pickle.UnpicklingError(f"invalid storage view {view!r:.200} of storage '{root.key}'")
        view_key, offset, numel = view
        found = self.views.get(view_key)
        if found is None:
            found = self.views[view_key] = StoredArray(root.array[offset : offset + numel], view_key, root.code)
        return found

    def fill(self, data: memoryview, keys: Any) -> None:
        """Read each storage's element count and bytes, in the order of `keys`."""
        if not isinstance(keys, list) or len(keys) != len(self.roots) or set(keys) != set(self.roots):
            raise pickle.UnpicklingError(f"the storage keys {keys!r:.200} are not the storages the pickle names")
        pos = 0
        for key in keys:
            storage = self.roots[key]
            if pos + 8 > len(data):
                raise CheckpointError(f"storage '{key}' is missing (truncated file)")
            (numel,) = struct.unpack_from("<q", data, pos)
            nbytes = storage.array.size * raw_dtype(storage.code).itemsize
            if numel != storage.array.size or pos + 8 + nbytes > len(data):
                raise CheckpointError(f"storage '{key}' holds {numel} elements ({len(data) - pos - 8} bytes left) "
                                      f"but {storage.array.size} were expected (truncated or corrupt file)")
            array, widened = storage_array(data[pos + 8 : pos + 8 + nbytes], storage.code)
            storage.array[...] = array
            self.widened |= widened
            pos += 8 + nbytes


def _header(data: memoryview, pos: int, source: str, weights_only: bool) -> tuple[Any, int]:
    """One of the small pickles around the object (numbers, a dict, a list of keys)."""
    value, length = unpickle(data[pos:], source, _no_storages, weights_only=weights_only, user_globals={})
    return value, pos + length


def _no_storages(pid: Any) -> Any:
    raise pickle.UnpicklingError(f"unexpected persistent id {pid!r:.100}")


def read_legacy(file: IO[bytes], source: str, place: Callable[[Tensor, str], Tensor], *, weights_only: bool,
                user_globals: Mapping[str, Any], encoding: str = "utf-8") -> Any:
    """The object saved in the legacy format in `file` (see `read_torch_zip` for the arguments)."""
    data = memoryview(file.read())
    with checkpoint_errors(source):
        magic, pos = _header(data, 0, source, weights_only)
        if magic != LEGACY_MAGIC_NUMBER:
            raise RuntimeError("Invalid magic number; corrupt file?")
        version, pos = _header(data, pos, source, weights_only)
        if version != LEGACY_PROTOCOL_VERSION:
            raise RuntimeError(f"Invalid protocol version: {version}")
        _, pos = _header(data, pos, source, weights_only)  # the writer's system: storages are little-endian anyway
        storages = _LegacyStorages(placing(place), len(data) - pos)
        obj, length = unpickle(data[pos:], source, storages.load, weights_only=weights_only,
                               user_globals=user_globals, encoding=encoding)
        keys, pos = _header(data, pos + length, source, weights_only)
        storages.fill(data[pos:], keys)
    if storages.widened:
        warn_widened(source)
    return obj


class _LegacyPickler(TorchPickler):
    """Storages as the legacy format names them: with a sixth field, no view of another storage."""

    def persistent_id(self, obj: Any) -> Any:
        pid = super().persistent_id(obj)
        return None if pid is None else (*pid, None)


def write_legacy(obj: Any, file: IO[bytes], protocol: int = 2, pickle_module: Any = pickle) -> None:
    """Write `obj` to the binary `file` in the legacy format, as `torch.save(...,
    _use_new_zipfile_serialization=False)` does."""
    buffer = io.BytesIO()
    system = {"protocol_version": LEGACY_PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
              "type_sizes": {"short": struct.calcsize("=h"), "int": struct.calcsize("=i"),
                             "long": struct.calcsize("=l")}}
    for header in (LEGACY_MAGIC_NUMBER, LEGACY_PROTOCOL_VERSION, system):
        pickle.dump(header, buffer, protocol=protocol)
    storages = Storages()
    with recursion_room(MAX_SAVE_DEPTH):
        _LegacyPickler(buffer, protocol, storages, pickle_module).dump(obj)
    pickle.dump([record.key for record in storages.records], buffer, protocol=protocol)
    for record in storages.records:
        flat = record.flat if sys.byteorder == "little" else record.flat.byteswap()
        buffer.write(struct.pack("<q", flat.size))
        buffer.write(np.ascontiguousarray(flat).view(np.uint8).data)
    file.write(buffer.getbuffer())
