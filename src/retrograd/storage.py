"""`torch.storage`: the storage class a tensor's `untyped_storage()` returns."""

from __future__ import annotations

from ._storage import UntypedStorage

__all__ = ["UntypedStorage"]
