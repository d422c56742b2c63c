"""Checks for the placement and layout arguments of creation functions (all CPU, strided, dense).

PyTorch's creation functions take `pin_memory`, `layout` and `memory_format`. On a CPU-only
build PyTorch refuses pinned memory; retrograd has one layout (strided) and the two memory
formats of strided tensors that need no channel reordering (`preserve_format`, which keeps
the order of a tensor's strides, and `contiguous_format`), so these checks accept the values
that ask for those and refuse the others instead of ignoring them.
"""

from __future__ import annotations

import math
from typing import Any

from ...backend.compat import as_strided


def check_pin_memory(pin_memory: bool) -> None:
    """PyTorch's error for `pin_memory=True` without an accelerator."""
    if pin_memory:
        raise RuntimeError(
            "pin_memory=True requires a CUDA or other accelerator backend; no pinned memory allocator is "
            "available on this system."
        )


def check_layout(layout: Any) -> None:
    """Only the default (strided) layout exists here."""
    if layout is not None and str(layout) not in ("torch.strided", "retrograd.strided"):
        raise NotImplementedError(f"retrograd has only the strided layout, not {layout!r}")


def check_memory_format(memory_format: Any) -> None:
    """Only the formats that need no channel reordering (preserve / contiguous) exist here."""
    if memory_format is not None and str(memory_format).split(".")[-1] not in ("preserve_format", "contiguous_format"):
        raise NotImplementedError(
            f"retrograd has only preserve_format and contiguous_format; memory_format={memory_format!r}"
        )


def preserved_strides(shape: tuple, strides: tuple) -> tuple:
    """PyTorch's `preserve_format` strides (in elements) for a new tensor shaped like a strided one.

    The dims keep the order of their strides, packed without gaps: a transposed tensor's copy is
    transposed, a sliced one's is compact. Dims of stride 0 (expanded) keep their place. Dims are
    ordered by an insertion sort from the last, smallest stride first; equal strides put the
    smaller size first.
    """
    order = list(range(len(shape)))[::-1]  # order[0]: the dim that will have stride 1

    def later(d0: int, d1: int) -> int:  # > 0: d0 belongs after d1; < 0: before; 0: either
        s0, s1 = abs(strides[d0]), abs(strides[d1])
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return 1 if s0 > s1 else -1
        return 1 if shape[d0] > shape[d1] else 0

    for i in range(1, len(order)):
        j = i
        for k in range(i - 1, -1, -1):
            c = later(order[k], order[j])
            if c > 0:
                order[k], order[j] = order[j], order[k]
                j = k
            elif c < 0:
                break
    result = [0] * len(shape)
    step = 1
    for d in order:
        result[d] = step
        step *= max(shape[d], 1)
    return tuple(result)


def empty_preserving(xp: Any, a: Any, dtype: Any) -> Any:
    """An uninitialised array shaped like `a`, laid out as PyTorch's `preserve_format` lays it out."""
    if a.flags.c_contiguous:
        return xp.empty(a.shape, dtype=dtype)
    strides = preserved_strides(a.shape, tuple(s // a.itemsize for s in a.strides))
    memory = xp.empty(max(math.prod(a.shape), 1), dtype=dtype)
    return as_strided(memory, a.shape, tuple(s * memory.itemsize for s in strides))
