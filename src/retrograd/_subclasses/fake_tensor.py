"""`torch._subclasses.fake_tensor.is_fake`: always False here, since retrograd never traces with
fake tensors (tensors whose shape and dtype stand in for data that is not there)."""

from __future__ import annotations

__all__ = ["is_fake"]


def is_fake(x: object) -> bool:
    """Whether `x` is a fake tensor (or wraps one): never, in retrograd.

    Examples:
        >>> from retrograd._subclasses.fake_tensor import is_fake
        >>> is_fake(retrograd.ones(2))
        False
    """
    return False
