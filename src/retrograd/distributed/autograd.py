"""`torch.distributed.autograd`, as in a PyTorch build without the RPC framework: `is_available()` is False.

Distributed autograd runs backward across RPC workers; retrograd has no RPC (see `rpc`). The
module holds what such a PyTorch build's does, `is_available` and the `context` class, so
libraries that import it unconditionally (torchopt) and ask `is_available()` before use load.
"""

from __future__ import annotations

from types import TracebackType

__all__ = ["context", "is_available"]


def is_available() -> bool:
    """False: retrograd has no RPC framework for distributed backward passes.

    >>> retrograd.distributed.autograd.is_available()
    False
    """
    return False


class context:  # noqa: N801  (PyTorch's name)
    """The scope of a distributed forward and backward pass (`with context() as context_id:`).

    Entering raises RuntimeError here: there is no distributed autograd engine to open one in.
    """

    def __enter__(self) -> int:
        raise RuntimeError("torch.distributed.autograd is not available: retrograd has no RPC framework")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        return None
