"""`retrograd.xpu`: Intel's XPU backend, absent (programs check `torch.xpu.is_available()` to pick a device)."""

from __future__ import annotations

__all__ = ["is_available", "device_count", "is_initialized", "manual_seed", "manual_seed_all", "synchronize",
           "current_device"]

_NOT_BUILT = "Torch not compiled with XPU enabled"


def is_available() -> bool:
    """False: there is no XPU."""
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Does nothing without an XPU (as in PyTorch)."""


def manual_seed_all(seed: int) -> None:
    """Does nothing without an XPU (as in PyTorch)."""


def synchronize(device: object = None) -> None:
    """PyTorch's AssertionError: there is no XPU to wait for."""
    raise AssertionError(_NOT_BUILT)


def current_device() -> int:
    """PyTorch's AssertionError: there is no XPU."""
    raise AssertionError(_NOT_BUILT)
