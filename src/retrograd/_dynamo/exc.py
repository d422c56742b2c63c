"""`torch._dynamo.exc`: the compiler's errors, for programs that catch them by these names."""

from __future__ import annotations

from ..compiler import InvalidBackend, TorchDynamoException, Unsupported

__all__ = ["InvalidBackend", "TorchDynamoException", "Unsupported"]
