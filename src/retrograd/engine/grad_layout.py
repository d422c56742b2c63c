"""PyTorch's gradient layout contract: the layout a leaf's first `.grad` gets.

A leaf whose elements are dense and non-overlapping (a `channels_last` weight, a transposed
parameter) gets a `.grad` with its own strides, so optimizers can treat both as flat buffers
alike; any other leaf gets a row-major one. Gradients that flow to the leaf are laid out however
the ops made them, so AccumulateGrad copies one into that layout where they differ.
"""

from __future__ import annotations

from typing import Any

from ..backend import namespace
from ..backend.sparse import SparseCOO


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
    if type(leaf) is SparseCOO or leaf.flags.c_contiguous or not is_dense(leaf):  # (sparse: no strides)
        return None
    out = namespace(leaf).empty_like(leaf, dtype=grad.dtype)  # order 'K': a dense array's own strides
    out[...] = grad
    return out
