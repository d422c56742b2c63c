"""Checks for the placement and layout arguments of creation functions (all CPU, strided, dense).

PyTorch's creation functions take `pin_memory`, `layout` and `memory_format`. On a CPU-only
build PyTorch refuses pinned memory; retrograd has one layout (strided) and lays every new
tensor out contiguously, so these checks accept the values that ask for exactly that and
refuse the others instead of ignoring them.
"""

from __future__ import annotations

from typing import Any


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
    """Only the default memory formats (preserve / contiguous) are honoured: new tensors are contiguous."""
    if memory_format is not None and str(memory_format).split(".")[-1] not in ("preserve_format", "contiguous_format"):
        raise NotImplementedError(f"retrograd lays tensors out contiguously; memory_format={memory_format!r}")
