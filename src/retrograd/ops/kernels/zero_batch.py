"""Results with no elements (a zero-size batch) that stay on the autograd graph.

Layers' array code often cannot run on a zero-size batch (a reshape with -1 is ambiguous);
PyTorch still returns an output of the right shape whose backward gives every input and
parameter a gradient of zeros. `empty_result` does the same without running the layer.
"""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..creation import zeros


def empty_result(shape: tuple[int, ...], *inputs: Tensor | None) -> Tensor:
    """A tensor of `shape` (no elements) whose gradient to each of `inputs` is zeros of its shape."""
    tensors = [t for t in inputs if t is not None]
    out: Any = zeros(shape, dtype=tensors[0].dtype)
    for t in tensors:
        if t.requires_grad:
            out = out + t.sum() * 0  # broadcasts into no elements; its gradient is 0 everywhere
    return out
