"""Which sparse op runs when a dense primitive meets a sparse COO input.

A sparse payload refuses every array operation (backend/sparse.py), so a primitive whose forward
reaches one stops there and calls `engine.primitive.sparse_kernel`, which looks the primitive's
name up in the engine's `SPARSE_KERNELS` (filled by the sparse modules: `"mm"` -> the
sparse-dense product, `"neg"` -> negated values, ...) and runs the sparse op on the same tensors
and attributes, or raises PyTorch's error for an operator the SparseCPU backend lacks.
"""

from __future__ import annotations

from typing import Any

from ...backend.sparse import SparseCOO
from ...backend.sparse_compressed import SparseCompressed
from ...engine.primitive import SPARSE_MISSING


def missing(name: str, input: Any = None) -> NotImplementedError:
    """PyTorch's error for `aten::name` called with sparse COO arguments (compressed ones with `input` one)."""
    message = SPARSE_MISSING.format(name)
    if type(getattr(input, "_data", None)) is SparseCompressed:
        message = message.replace("'SparseCPU'", "'SparseCsrCPU'")
    return NotImplementedError(message)


def is_sparse(t: Any) -> bool:
    """Whether `t` is a tensor of layout sparse_coo."""
    return type(getattr(t, "_data", None)) is SparseCOO
