"""Thread counts: `set_num_threads`/`get_num_threads` and their inter-op counterparts.

retrograd's parallelism is NumPy's BLAS. When `threadpoolctl` is installed,
`set_num_threads` limits the BLAS and OpenMP pools with it; otherwise the value is only
recorded (retrograd has no thread pool of its own to size). Inter-op threads are
recorded only: retrograd runs ops one after another.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = [
    "get_num_interop_threads", "get_num_threads", "init_num_threads", "set_num_interop_threads", "set_num_threads",
]  # fmt: skip


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
    """Set the number of threads used for intra-op parallelism (the BLAS pools, via threadpoolctl).

    Args:
        int (int): a positive thread count (PyTorch's parameter name).

    Returns:
        None: `get_num_threads()` reports the new count.

    Examples:
        >>> old = retrograd.get_num_threads()
        >>> retrograd.set_num_threads(1)
        >>> retrograd.get_num_threads()
        1
        >>> retrograd.set_num_threads(old)
    """
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
    """The number of threads used for intra-op parallelism.

    Returns:
        int: the last count given to `set_num_threads`, else the number of CPU cores.

    Examples:
        >>> retrograd.get_num_threads() >= 1
        True
    """
    return _num_threads


def set_num_interop_threads(int: Any) -> None:  # noqa: A002
    """Set the number of inter-op threads (recorded only); like PyTorch, allowed once per process.

    Args:
        int (int): a positive thread count (PyTorch's parameter name).

    Returns:
        None: `get_num_interop_threads()` reports the count; a second call raises RuntimeError.

    Examples:
        >>> try:
        ...     retrograd.set_num_interop_threads(0)
        ... except RuntimeError as e:
        ...     print(e)
        set_num_interop_threads expects a positive integer
    """
    global _num_interop_threads, _interop_set
    count = _check_count("set_num_interop_threads", int)
    if _interop_set:
        raise RuntimeError(
            "Error: cannot set number of interop threads after parallel work has started "
            "or set_num_interop_threads called"
        )
    _num_interop_threads, _interop_set = count, True


def get_num_interop_threads() -> int:
    """The number of inter-op threads (what `set_num_interop_threads` recorded, else the core count).

    Returns:
        int: the count.

    Examples:
        >>> retrograd.get_num_interop_threads() >= 1
        True
    """
    return _num_interop_threads


def init_num_threads() -> None:
    """Set up the thread pools (PyTorch's worker-thread hook); retrograd's are NumPy's, ready already.

    Returns:
        None

    Examples:
        >>> retrograd.init_num_threads()
    """
