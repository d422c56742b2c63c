"""`retrograd.accelerator`: the current accelerator, of which retrograd has none.

Answers as PyTorch does on a machine without one: not available, no devices, and
PyTorch's RuntimeError from anything that needs a device.
"""

from __future__ import annotations

from typing import Any, NoReturn

from .backend import device

__all__ = [
    "current_accelerator",
    "current_device_index",
    "device_count",
    "is_available",
    "set_device_index",
    "synchronize",
]

_NONE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False) -> device | None:
    """The accelerator's device type, or None when there is none (always, here)."""
    return None


def device_count() -> int:
    return 0


def _no_accelerator(*args: Any, **kwargs: Any) -> NoReturn:
    raise RuntimeError(_NONE)


def current_device_index() -> int:
    _no_accelerator()


def set_device_index(device: Any) -> None:  # noqa: A002
    _no_accelerator()


def synchronize(device: Any = None) -> None:  # noqa: A002
    _no_accelerator()


current_device_idx = current_device_index
set_device_idx = set_device_index
