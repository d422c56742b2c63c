"""Thread counts: `set_num_threads`/`get_num_threads` and their inter-op counterparts.

retrograd's parallelism is NumPy's BLAS. When `threadpoolctl` is installed,
`set_num_threads` limits the BLAS and OpenMP pools with it; otherwise the value is only
recorded (retrograd has no thread pool of its own to size). Inter-op threads are
recorded only: retrograd runs ops one after another.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["get_num_interop_threads", "get_num_threads", "set_num_interop_threads", "set_num_threads"]


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_num_threads = _cpu_count()
_num_interop_threads = _cpu_count()
_interop_set = False
_limiter: Any = None  # threadpoolctl's limiter, kept so the limit holds


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise RuntimeError(f"{name} expects an int, but got {type(value).__name__}")
    value = int(value)
    if value <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return value


def set_num_threads(int: Any) -> None:  # noqa: A002  (PyTorch's parameter name)
    """Set the number of threads used for intra-op parallelism (the BLAS pools)."""
    global _num_threads, _limiter
    count = _check_count("set_num_threads", int)
    try:
        import threadpoolctl
    except ImportError:
        pass
    else:
        _limiter = threadpoolctl.threadpool_limits(limits=count)
    _num_threads = count


def get_num_threads() -> int:
    """The number of threads used for intra-op parallelism."""
    return _num_threads


def set_num_interop_threads(int: Any) -> None:  # noqa: A002
    """Set the number of inter-op threads; like PyTorch, only once."""
    global _num_interop_threads, _interop_set
    count = _check_count("set_num_interop_threads", int)
    if _interop_set:
        raise RuntimeError(
            "Error: cannot set number of interop threads after parallel work has started "
            "or set_num_interop_threads called"
        )
    _num_interop_threads, _interop_set = count, True


def get_num_interop_threads() -> int:
    """The number of inter-op threads."""
    return _num_interop_threads
