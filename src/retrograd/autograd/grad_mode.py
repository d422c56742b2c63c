"""`torch.autograd.grad_mode`: the context managers that switch graph recording (from the engine)."""

from typing import TYPE_CHECKING, Any

from .. import _missing
from ..engine.grad_mode import (
    enable_grad,
    enforce_grad_layout_policy,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)


class set_multithreading_enabled:
    """Context manager and decorator that PyTorch uses to turn threaded backward on or off.

    retrograd's backward always runs on the calling thread, so there is nothing to switch; the
    setting is kept (`is_multithreading_enabled`) so code that saves and restores it works.

    Args:
        mode (bool): whether backward may use several threads (retrograd's backward runs on one
            thread either way).

    Returns:
        (set_multithreading_enabled): a context manager, also usable as a decorator.

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> with retrograd.autograd.set_multithreading_enabled(False):
        ...     (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])
    """

    _enabled = True

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_multithreading_enabled(): mode must be a bool, not {type(mode).__name__}")
        self.mode = mode
        self.prev = set_multithreading_enabled._enabled
        set_multithreading_enabled._enabled = mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        set_multithreading_enabled._enabled = self.prev

    def clone(self) -> "set_multithreading_enabled":
        return self.__class__(self.mode)


def is_multithreading_enabled() -> bool:
    """Whether `set_multithreading_enabled` was last set on (the default)."""
    return set_multithreading_enabled._enabled


__all__ = [
    "set_multithreading_enabled",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "enforce_grad_layout_policy",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
]


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
