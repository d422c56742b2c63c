"""`retrograd.mps`: Apple's Metal (MPS) device, absent as in PyTorch's builds for other machines.

Programs pick a device with `torch.backends.mps.is_available()` and seed it with
`torch.mps.manual_seed`, which does nothing here; what needs the device raises PyTorch's
RuntimeError ("Cannot execute emptyCache() without MPS backend.").
"""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = [
    "current_allocated_memory", "device_count", "driver_allocated_memory", "empty_cache", "get_rng_state",
    "is_available", "manual_seed", "recommended_max_memory", "seed", "set_per_process_memory_fraction",
    "set_rng_state", "synchronize",
]  # fmt: skip


def _absent(call: str) -> NoReturn:
    raise RuntimeError(f"Cannot execute {call}() without MPS backend.")


def is_available() -> bool:
    """False: there is no MPS device."""
    return False


def device_count() -> int:
    """0: there is no MPS device."""
    return 0


def manual_seed(seed: int) -> None:
    """Does nothing without an MPS device (as in PyTorch)."""


def seed() -> None:
    """PyTorch's RuntimeError: there is no MPS generator to seed."""
    _absent("getDefaultGenerator")


def get_rng_state(device: Any = "mps") -> NoReturn:
    """PyTorch's RuntimeError: there is no MPS generator."""
    _absent("getDefaultGenerator")


def set_rng_state(new_state: Any, device: Any = "mps") -> NoReturn:
    """PyTorch's RuntimeError: there is no MPS generator."""
    _absent("getDefaultGenerator")


def synchronize() -> NoReturn:
    """PyTorch's RuntimeError: there is no MPS device to wait for."""
    _absent("deviceSynchronize")


def empty_cache() -> NoReturn:
    """PyTorch's RuntimeError: there is no MPS memory to free."""
    _absent("emptyCache")


def set_per_process_memory_fraction(fraction: float) -> NoReturn:
    """PyTorch's TypeError for a fraction that is not a float, else its RuntimeError."""
    if not isinstance(fraction, float):
        raise TypeError("Invalid type for fraction argument, must be `float`")
    _absent("setMemoryFraction")


def current_allocated_memory() -> NoReturn:
    """PyTorch's RuntimeError: there is no MPS memory."""
    _absent("getCurrentAllocatedMemory")


def driver_allocated_memory() -> NoReturn:
    """PyTorch's RuntimeError: there is no MPS memory."""
    _absent("getDriverAllocatedMemory")


def recommended_max_memory() -> NoReturn:
    """PyTorch's RuntimeError: there is no MPS device."""
    _absent("getRecommendedMaxMemory")
