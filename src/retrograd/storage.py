"""`torch.storage`: the storage classes a tensor's `untyped_storage()` and `storage()` return."""

from __future__ import annotations

from ._storage import UntypedStorage
from ._typed_storage import TypedStorage

__all__ = ["TypedStorage", "UntypedStorage"]
