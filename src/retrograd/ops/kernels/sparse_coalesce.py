"""PyTorch's CPU coalesce of a sparse COO tensor on host arrays, shared by `Tensor.coalesce()` and
the sparse optimizer steps (SparseAdam, Adagrad), which coalesce their gradient the same way.

Duplicates are summed in the order PyTorch's sort of the entries' linear indices leaves them:
`std::sort` below 32768 entries (not stable once a run of equal indices is longer than its
insertion sort's 16), FBGEMM's stable radix sort from there on.
"""

from __future__ import annotations

from typing import Any

import numpy

from ...backend import sparse as _sp
from ...backend.sparse import SparseCOO
from .cpu_selection import replay_sort

__all__ = ["coalesce_as_cpu"]

_RADIX_FROM = 32768  # entries: PyTorch sorts int64 indices this many with FBGEMM's (stable) radix sort


def coalesce_as_cpu(xp: Any, a: SparseCOO) -> SparseCOO:
    """`a` coalesced, equal indices summed in the order PyTorch's CPU sort leaves them."""
    if a.coalesced or xp is not numpy or a.nnz >= _RADIX_FROM or a.nnz <= 1:
        return _sp.coalesce(a)
    flat = _sp.linear_index(a.indices, a.shape[: a.sparse_dim])
    stable = numpy.argsort(flat, kind="stable")
    return _sp.coalesce(a, replay_sort(flat[None], False, stable[None])[0])
