"""`retrograd.cuda` on a machine (and build) without CUDA, answering as PyTorch's CPU build does.

Queries say "no": `is_available()` is False, `device_count()` 0, memory counters 0.
Seeding and cache calls are no-ops. Anything that needs a device (`synchronize`,
`current_device`, `get_device_name`, ...) raises PyTorch's AssertionError.
"""

from __future__ import annotations

from typing import Any, NoReturn

from ..backend import NO_CUDA
from . import amp

__all__ = [
    "Event",
    "Stream",
    "amp",
    "current_device",
    "current_stream",
    "device",
    "device_count",
    "empty_cache",
    "get_arch_list",
    "get_device_capability",
    "get_device_name",
    "get_device_properties",
    "get_rng_state",
    "get_rng_state_all",
    "init",
    "initial_seed",
    "ipc_collect",
    "is_available",
    "is_bf16_supported",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "max_memory_allocated",
    "max_memory_reserved",
    "mem_get_info",
    "memory_allocated",
    "memory_reserved",
    "memory_stats",
    "reset_peak_memory_stats",
    "seed",
    "seed_all",
    "set_device",
    "set_rng_state",
    "set_rng_state_all",
    "synchronize",
]


def _no_cuda(*args: Any, **kwargs: Any) -> NoReturn:
    raise AssertionError(NO_CUDA)


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def get_arch_list() -> list[str]:
    return []


# Seeding: PyTorch queues CUDA seeds until CUDA starts, which never happens here.
def manual_seed(seed: int) -> None:
    return None


def manual_seed_all(seed: int) -> None:
    return None


def seed() -> None:
    return None


def seed_all() -> None:
    return None


def set_rng_state(new_state: Any, device: Any = "cuda") -> None:  # noqa: A002
    return None


def set_rng_state_all(new_states: Any) -> None:
    return None


def get_rng_state_all() -> list[Any]:
    return []


def empty_cache() -> None:
    return None


def memory_allocated(device: Any = None) -> int:  # noqa: A002
    return 0


def max_memory_allocated(device: Any = None) -> int:  # noqa: A002
    return 0


def memory_reserved(device: Any = None) -> int:  # noqa: A002
    return 0


def max_memory_reserved(device: Any = None) -> int:  # noqa: A002
    return 0


def memory_stats(device: Any = None) -> dict[str, Any]:  # noqa: A002
    return {}


# Everything below needs a device.
init = synchronize = current_device = get_device_name = get_device_capability = _no_cuda
get_device_properties = get_rng_state = initial_seed = current_stream = mem_get_info = _no_cuda
ipc_collect = set_device = reset_peak_memory_stats = _no_cuda


class device:  # noqa: N801  (PyTorch's name)
    """`with retrograd.cuda.device(0):` switch the current CUDA device (entering raises here)."""

    def __init__(self, device: Any) -> None:  # noqa: A002
        self.idx = device

    def __enter__(self) -> NoReturn:
        raise RuntimeError("retrograd was compiled without CUDA support")

    def __exit__(self, *exc_info: Any) -> None:
        return None


class Stream:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("retrograd.cuda.Stream requires CUDA support")


class Event:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("Tried to instantiate dummy base class Event")
