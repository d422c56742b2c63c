"""How many threads PyTorch's kernels would split a large reduction or loop among: the count
`retrograd.get_num_threads()` reports, read without loading `retrograd._threads` (which loads on
first use) before anything sets it: until then, the number of CPU cores it would report."""

from __future__ import annotations

import os
import sys

__all__ = ["GRAIN", "get_num_threads"]

GRAIN = 32768  # at::internal::GRAIN_SIZE: PyTorch runs smaller loops and reductions on one thread

_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def get_num_threads() -> int:
    """`retrograd.get_num_threads()`, without importing it."""
    threads = sys.modules.get("retrograd._threads")
    return threads.get_num_threads() if threads is not None else _CORES
