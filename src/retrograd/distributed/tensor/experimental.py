"""`torch.distributed.tensor.experimental`: `implicit_replication`, for code that wraps steps in it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["implicit_replication"]


@contextmanager
def implicit_replication() -> Iterator[None]:
    """Let DTensor ops treat plain tensors as replicated; nothing to do in retrograd, which has no DTensors.

    Optimizers written for FSDP2 (Opacus' `FSDPOptimizerFastGradientClipping`) wrap their step in it.

    Examples:
        >>> with implicit_replication():
        ...     pass
    """
    yield
