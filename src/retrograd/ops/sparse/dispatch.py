"""Which sparse op runs when a dense primitive meets a sparse COO input.

A sparse payload refuses every array operation (backend/sparse.py), so a primitive whose forward
reaches one stops there and calls `engine.primitive.sparse_kernel`. This module installs that
hook: it looks the primitive's name up in `KERNELS`, filled by the sparse modules (`"mm"` ->
the sparse-dense product, `"neg"` -> negated values, ...), and runs the sparse op on the same
tensors and attributes, or raises PyTorch's error for an operator the SparseCPU backend lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...backend.sparse import SparseCOO
from ...engine import primitive
from ...engine.primitive import SPARSE_MISSING, Primitive
from ...tensor import Tensor

# primitive name -> the sparse op: (tensors, attrs) -> result
KERNELS: dict[str, Callable[[tuple, dict], Any]] = {}


def missing(name: str) -> NotImplementedError:
    """PyTorch's error for `aten::name` called with sparse COO arguments."""
    return NotImplementedError(SPARSE_MISSING.format(name))


def is_sparse(t: Any) -> bool:
    """Whether `t` is a tensor of layout sparse_coo."""
    return type(getattr(t, "_data", None)) is SparseCOO


def _run(prim: Primitive, tensors: tuple, attrs: dict) -> Any:
    kernel = KERNELS.get(prim.name)
    if kernel is None or not all(isinstance(t, Tensor) for t in tensors):
        raise missing(prim.name)
    return kernel(tensors, attrs)


primitive.sparse_kernel = _run
