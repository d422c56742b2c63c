"""`torch._dynamo.exc`: the compiler's errors, for programs that catch them by these names."""

from __future__ import annotations

from ..compiler._exc import (
    BackendCompilerFailed,
    InternalTorchDynamoError,
    InvalidBackend,
    ObservedException,
    RecompileError,
    TorchDynamoException,
    TorchRuntimeError,
    Unsupported,
    UserError,
)

__all__ = [
    "BackendCompilerFailed", "InternalTorchDynamoError", "InvalidBackend", "ObservedException", "RecompileError",
    "TorchDynamoException", "TorchRuntimeError", "Unsupported", "UserError",
]  # fmt: skip
