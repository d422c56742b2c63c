"""`torch.storage`: the storage classes a tensor's `untyped_storage()` and `storage()` return.

`_load_from_bytes` is the function a PyTorch pickle names for each tensor's storage (its bytes
are a legacy-format `torch.save` of the storage): plain `pickle.load` calls it.
"""

from __future__ import annotations

import io
from typing import Any

from ._storage import UntypedStorage
from ._typed_storage import TypedStorage

__all__ = ["TypedStorage", "UntypedStorage", "_load_from_bytes"]


def _load_from_bytes(b: bytes) -> Any:
    """`torch.load` of the bytes `b`, trusted (as PyTorch's, which plain `pickle` calls)."""
    from .serialization import load  # serialization loads nn: only when a pickle needs it

    return load(io.BytesIO(b), weights_only=False)
