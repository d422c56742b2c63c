"""`retrograd.cuda.nvtx`: NVTX ranges that name regions in NVIDIA's profilers.

Without a CUDA backend each call raises PyTorch's CPU-build RuntimeError. With one (CuPy),
ranges and marks go to CuPy's NVTX bindings where it has them, and are counted otherwise.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .. import backend

__all__ = ["mark", "range", "range_pop", "range_push"]

_depth = [0]


def _nvtx() -> Any:
    """CuPy's NVTX module, None where the backend has none; PyTorch's error without CUDA."""
    cuda = backend.cuda_backend()
    if cuda is None:
        raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")
    return getattr(cuda.xp.cuda, "nvtx", None)


def range_push(msg: str) -> int:
    """Open a range named `msg`; returns the depth it opens at (0 for the outermost)."""
    nvtx = _nvtx()
    if nvtx is not None:
        nvtx.RangePush(msg)
    _depth[0] += 1
    return _depth[0] - 1


def range_pop() -> int:
    """Close the innermost open range; returns its depth."""
    nvtx = _nvtx()
    if nvtx is not None:
        nvtx.RangePop()
    _depth[0] -= 1
    return _depth[0]


def mark(msg: str) -> None:
    """An instant event named `msg`."""
    nvtx = _nvtx()
    if nvtx is not None:
        nvtx.Mark(msg)


@contextlib.contextmanager
def range(msg: str, *args: Any, **kwargs: Any) -> Iterator[None]:  # noqa: A001  (PyTorch's name)
    """`with retrograd.cuda.nvtx.range("step {}", i):` a range around the block (`msg.format(*args, **kwargs)`)."""
    range_push(msg.format(*args, **kwargs))
    try:
        yield
    finally:
        range_pop()
