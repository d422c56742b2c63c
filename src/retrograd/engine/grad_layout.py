"""PyTorch's gradient layout contract: the layout a leaf's first `.grad` gets.

A leaf whose elements are dense and non-overlapping (a `channels_last` weight, a transposed
parameter) gets a `.grad` with its own strides, so optimizers can treat both as flat buffers
alike; any other leaf gets a row-major one. Gradients that flow to the leaf are laid out however
the ops made them, so AccumulateGrad copies one into that layout where they differ.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy

from ..backend import namespace
from ..backend.compat import as_strided, is_row_major
from ..backend.sparse import SparseCOO
from ..backend.sparse_compressed import SparseCompressed


def is_dense(a: Any) -> bool:
    """Whether array `a` covers a block of memory exactly once (any order of its dims)."""
    dims = sorted((abs(s), n) for s, n in zip(a.strides, a.shape) if n != 1)
    expected = a.itemsize
    for stride, size in dims:
        if stride != expected:
            return False
        expected *= size
    return True


def laid_out_for(leaf: Any, grad: Any) -> Any | None:
    """A copy of `grad` in the layout the contract gives the gradient of the array `leaf`, or None
    where that layout is row-major (the common case: the caller's own layout rules apply)."""
    if type(leaf) in (SparseCOO, SparseCompressed) or is_row_major(leaf) or not is_dense(leaf):  # (no strides)
        return None
    # the leaf's own strides, those of its size-1 dims included (NumPy's order 'K' drops them)
    memory = namespace(leaf).empty(leaf.size, dtype=grad.dtype)
    out = as_strided(memory, leaf.shape, tuple(s // leaf.itemsize * memory.itemsize for s in leaf.strides))
    out[...] = grad
    return out


def owned_view(a: Any) -> bool:
    """Whether view `a` covers all of a NumPy base array that only `a` references: a whole reshape
    of a fresh gradient (a bias gradient, the sum reshaped), which may become `.grad` uncopied."""
    base = a.base
    return (
        type(base) is numpy.ndarray
        and base.base is None
        and base.size == a.size
        and sys.getrefcount(base) == _VIEW_BASE_REFS + 1  # + the local `base`
    )


_VIEW_BASE_REFS = 2  # the view's own reference to its base, and getrefcount's argument
