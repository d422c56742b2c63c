"""Array access for the fused kernels of nn and optim (optimizer updates that run on arrays).

nn and optim work on Tensors through the public API. The one exception is a
fused in-place kernel, such as an optimizer's update on its fast path, which
changes the parameters' and buffers' arrays directly with NumPy's augmented
assignments (no temporaries beyond the formula's, nothing recorded). These
helpers are the whole of that access: read the arrays, bump the version
counters after changing them, wrap a new array as a tensor; and the argument
preparation of the fused kernels that nn.functional calls with arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace
from ..tensor import Tensor
from . import _loss

__all__ = [
    "array_namespace",
    "arrays_of",
    "bump_versions",
    "tensor_over",
    "class_index_weights",
    "binary_cross_entropy",
]


def array_namespace(t: Tensor) -> Any:
    """The array module (NumPy for "cpu") that holds `t`'s data."""
    return namespace(t._data)


def arrays_of(*tensors: Tensor | None) -> list[Any]:
    """The arrays behind `tensors` (None stays None), for a kernel that changes them in place."""
    return [None if t is None else t._data for t in tensors]


def bump_versions(*tensors: Tensor | None) -> None:
    """Count an in-place change made on the arrays, so saved tensors that are now stale are caught."""
    for t in tensors:
        if t is not None:
            t._version.value += 1


def tensor_over(array: Any) -> Tensor:
    """A tensor (not requiring grad) over `array`, without copying it."""
    return Tensor._make(array)


def class_index_weights(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int) -> tuple[Any, Any]:
    """The arguments of the class-index loss kernels (`ops._loss.nll`, `cross_entropy`) as arrays.

    Returns the target indices, with ignored ones replaced by 0, and each element's
    weight: `weight[target]` (1 without a weight), 0 where the target is ignored.
    IndexError, as PyTorch's, for a target outside [0, C).
    """
    n_classes = input.shape[0 if input.dim() == 1 else 1]
    t = target._data.astype(np.int64, copy=False)
    ignored = t == ignore_index
    bad = (~ignored) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    idx = np.where(ignored, 0, t)
    dt = input._data.dtype
    wt = np.ones(t.shape, dtype=dt) if weight is None else weight._data.astype(dt)[idx]
    return idx, np.where(ignored, np.zeros((), dt), wt)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None) -> Tensor:
    """The fused elementwise binary cross-entropy kernel (`ops._loss`), its weight given as a tensor."""
    return _loss.binary_cross_entropy(input, target, None if weight is None else weight._data)
