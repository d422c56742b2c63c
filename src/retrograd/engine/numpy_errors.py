"""NumPy's errors from a primitive's forward, turned into the error PyTorch gives for the same call.

A forward that receives shapes that do not broadcast fails inside NumPy with a ValueError;
PyTorch names the last mismatching dimension (it compares from the right) in a RuntimeError. Checked only after the
forward has failed, so a correct call pays nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def broadcast_mismatch(shapes: Sequence[tuple[int, ...]]) -> RuntimeError | None:
    """PyTorch's message for the first pair of shapes that do not broadcast (None if all do), naming
    their last mismatching dimension."""
    result: tuple[int, ...] = ()
    for shape in shapes:
        n = max(len(result), len(shape))
        a = (1,) * (n - len(result)) + tuple(result)
        b = (1,) * (n - len(shape)) + tuple(shape)
        for i in reversed(range(n)):  # PyTorch checks from the last dim, and names the first it finds
            x, y = a[i], b[i]
            if x != y and x != 1 and y != 1:
                return RuntimeError(
                    f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {i}"
                )
        result = tuple(y if x == 1 else x for x, y in zip(a, b))
    return None


def translate(error: ValueError, arrays: Sequence[Any]) -> Exception:
    """The exception to raise for NumPy's `error` on a forward over `arrays`."""
    if "broadcast" in str(error):
        mismatch = broadcast_mismatch([a.shape for a in arrays if hasattr(a, "shape")])
        if mismatch is not None:
            return mismatch
    return error
