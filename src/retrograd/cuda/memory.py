"""`retrograd.cuda.memory`: the memory counters of the CUDA device (CuPy's memory pool).

Without a CUDA backend they answer as PyTorch's CPU build: the counters are 0, `memory_stats`
is empty (so `memory_summary` raises its KeyError), `empty_cache` does nothing, and what must
reach a device (`reset_peak_memory_stats`, `set_per_process_memory_fraction`, ...) raises
PyTorch's AssertionError. The old names (`memory_cached`, `reset_max_memory_allocated`, ...)
warn as PyTorch's do.
"""

from __future__ import annotations

import collections
import warnings
from typing import Any

from .. import backend
from .._display_name import package_name
from ._runtime import cuda_or_raise, device_index, no_cuda

__all__ = [
    "empty_cache", "max_memory_allocated", "max_memory_cached",
    "max_memory_reserved", "mem_get_info", "memory_allocated", "memory_cached", "memory_reserved",
    "memory_stats", "memory_stats_as_nested_dict", "memory_summary", "reset_accumulated_memory_stats",
    "reset_max_memory_allocated", "reset_max_memory_cached", "reset_peak_memory_stats",
    "set_per_process_memory_fraction",
]  # fmt: skip


def empty_cache() -> None:
    """Give the memory pool's unused blocks back to the device (nothing to do without one)."""
    cuda = backend.cuda_backend()
    if cuda is not None:
        cuda.empty_cache()


def memory_allocated(device: Any = None) -> int:
    """Bytes held by tensors on `device` (0 without CUDA)."""
    cuda = backend.cuda_backend()
    return 0 if cuda is None else cuda.memory_allocated(device_index(device))


def max_memory_allocated(device: Any = None) -> int:
    """The most bytes tensors held on `device` since the last `reset_peak_memory_stats` (0 without CUDA)."""
    cuda = backend.cuda_backend()
    return 0 if cuda is None else cuda.max_memory_allocated(device_index(device))


def memory_reserved(device: Any = None) -> int:
    """Bytes the memory pool holds on `device`, in use or cached (0 without CUDA)."""
    cuda = backend.cuda_backend()
    return 0 if cuda is None else cuda.memory_reserved(device_index(device))


def max_memory_reserved(device: Any = None) -> int:
    """The pool's reserved bytes (CuPy's pool keeps no peak of its own)."""
    return memory_reserved(device)


def _renamed(old: str, new: str) -> None:
    pkg = package_name()
    warnings.warn(f"`{pkg}.cuda.{old}` has been renamed to `{pkg}.cuda.{new}`", FutureWarning, stacklevel=3)


def memory_cached(device: Any = None) -> int:
    """Deprecated name of `memory_reserved`."""
    _renamed("memory_cached", "memory_reserved")
    return memory_reserved(device)


def max_memory_cached(device: Any = None) -> int:
    """Deprecated name of `max_memory_reserved`."""
    _renamed("max_memory_cached", "max_memory_reserved")
    return max_memory_reserved(device)


def reset_peak_memory_stats(device: Any = None) -> None:
    """Start `max_memory_allocated` again from what is allocated now."""
    cuda_or_raise().reset_peak(device_index(device))


def _resets_all_peaks(old: str) -> None:
    pkg = package_name()
    warnings.warn(
        f"{pkg}.cuda.{old} now calls {pkg}.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
        FutureWarning,
        stacklevel=3,
    )


def reset_max_memory_allocated(device: Any = None) -> None:
    """Deprecated: `reset_peak_memory_stats`, which resets every peak."""
    _resets_all_peaks("reset_max_memory_allocated")
    reset_peak_memory_stats(device)


def reset_max_memory_cached(device: Any = None) -> None:
    """Deprecated: `reset_peak_memory_stats`, which resets every peak."""
    _resets_all_peaks("reset_max_memory_cached")
    reset_peak_memory_stats(device)


def reset_accumulated_memory_stats(device: Any = None) -> None:
    """CuPy's pool accumulates no totals to reset; the device must exist."""
    cuda_or_raise()


def memory_stats_as_nested_dict(device: Any = None) -> dict[str, Any]:
    """The counters as `{"allocated_bytes": {"all": {"current": ...}}}` (empty without CUDA)."""
    if backend.cuda_backend() is None:
        return {}
    allocated = {"current": memory_allocated(device), "peak": max_memory_allocated(device)}
    reserved = {"current": memory_reserved(device), "peak": max_memory_reserved(device)}
    return {"allocated_bytes": {"all": allocated}, "reserved_bytes": {"all": reserved}}


def memory_stats(device: Any = None) -> collections.OrderedDict[str, int]:
    """The counters under PyTorch's flat keys (`"allocated_bytes.all.current"`), sorted; empty without CUDA."""
    flat = [
        (f"{kind}.{pool}.{metric}", value)
        for kind, pools in memory_stats_as_nested_dict(device).items()
        for pool, metrics in pools.items()
        for metric, value in metrics.items()
    ]
    return collections.OrderedDict(sorted(flat))


def memory_summary(device: Any = None, abbreviated: bool = False) -> str:
    """A printable table of the memory counters (PyTorch's KeyError without CUDA, whose stats are empty)."""
    stats = memory_stats(device)
    rows = [
        ("Allocated memory", stats["allocated_bytes.all.current"], stats["allocated_bytes.all.peak"]),
        ("GPU reserved memory", stats["reserved_bytes.all.current"], stats["reserved_bytes.all.peak"]),
    ]
    lines = [f"{'Metric':<24}{'Cur Usage':>16}{'Peak Usage':>16}"]
    lines += [f"{name:<24}{current:>16}{peak:>16}" for name, current, peak in rows]
    return "\n".join(lines) + "\n"


def set_per_process_memory_fraction(fraction: float, device: Any = None) -> None:
    """Cap this process's share of the device's memory (CuPy's pool limit)."""
    cuda = cuda_or_raise()
    if not isinstance(fraction, float):
        raise TypeError("Invalid type for fraction argument, must be `float`")
    if not 0 <= fraction <= 1:
        raise ValueError(f"Invalid fraction value: {fraction}. Allowed range: 0~1")
    cuda.xp.get_default_memory_pool().set_limit(fraction=fraction)


mem_get_info = no_cuda  # CuPy reports it, but the stand-in does not: as PyTorch's CPU build
