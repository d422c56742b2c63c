"""Array access for the fused kernels of nn and optim (optimizer updates that run on arrays).

nn and optim work on Tensors through the public API. The one exception is a
fused in-place kernel, such as an optimizer's update on its fast path, which
changes the parameters' and buffers' arrays directly with NumPy's augmented
assignments (no temporaries beyond the formula's, nothing recorded). These
helpers are the whole of that access: read the arrays, bump the version
counters after changing them, wrap a new array as a tensor.
"""

from __future__ import annotations

from typing import Any

from ..backend import namespace
from ..tensor import Tensor

__all__ = ["array_namespace", "arrays_of", "bump_versions", "tensor_over"]


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
