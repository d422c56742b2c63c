"""The compiler's errors, named as PyTorch's `torch._dynamo.exc` (their module reads so too).

Only `Unsupported` (`fullgraph=True` and a graph break) and `InvalidBackend` are raised here;
the others exist so that programs which catch them by name (`except
torch._dynamo.exc.BackendCompilerFailed:`) run.
"""

from __future__ import annotations

from .._display_name import public_class

__all__ = [
    "TorchDynamoException", "Unsupported", "InvalidBackend", "BackendCompilerFailed",
    "InternalTorchDynamoError", "RecompileError", "TorchRuntimeError", "ObservedException", "UserError",
]  # fmt: skip


class TorchDynamoException(RuntimeError):
    """The base of the compiler's own errors (PyTorch's `torch._dynamo.exc.TorchDynamoException`)."""


class Unsupported(TorchDynamoException):
    """`fullgraph=True` and the function cannot be recorded as one graph (PyTorch's dynamo error)."""


class InvalidBackend(TorchDynamoException):
    """`compile(backend=...)` names a backend that does not exist."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Invalid backend: {name!r}, see `torch._dynamo.list_backends()` for available backends.")


class BackendCompilerFailed(TorchDynamoException):
    """PyTorch's error when a backend's compiler raises (never raised here: no backend compiles)."""


class InternalTorchDynamoError(TorchDynamoException):
    """PyTorch's error for a bug in its tracer."""


class RecompileError(TorchDynamoException):
    """PyTorch's error when a recompile is refused."""


class TorchRuntimeError(TorchDynamoException):
    """PyTorch's error for an op that fails while being traced."""


class ObservedException(TorchDynamoException):
    """PyTorch's record of an exception the traced code raised."""


class UserError(TorchDynamoException):
    """PyTorch's error for a misuse of its tracing APIs."""


for _cls in (
    TorchDynamoException, Unsupported, InvalidBackend, BackendCompilerFailed, InternalTorchDynamoError,
    RecompileError, TorchRuntimeError, ObservedException, UserError,
):  # fmt: skip
    public_class(_cls, "_dynamo.exc")  # `torch._dynamo.exc.Unsupported` under the alias, as PyTorch's
