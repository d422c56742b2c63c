"""Gradients fitted to their input: broadcasting undone and dtype restored, once, for every op."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace
from ..dtypes import from_numpy
from . import primitive as _primitive
from . import tensor_type as _tt
from .grad_mode import state
from .wide_sum import leading_sum, wide_sum

if TYPE_CHECKING:
    from ..tensor import Tensor
    from .graph import Node


def zeros_for(node: Any, i: int, g: Any, like: Any = None) -> Any:
    """Multi-output rules get zeros for outputs that received no gradient (on the device of `like`)."""
    if g is not None:
        return g
    shape, np_dtype = node.out_meta[i]  # type: ignore[index]
    if like is not None and namespace(like._data) is not np:
        return _tt.make(namespace(like._data).zeros(shape, np_dtype))
    return _tt.zeros(shape, from_numpy(np_dtype))


def fit(grad: Tensor, shape: tuple, np_dtype: Any, node: Node, i: int) -> Tensor:
    """Sum a broadcast gradient down to its input's shape and cast it to the input's dtype."""
    if grad._data.shape != shape:
        reduced = sum_to_shape(grad, shape)
        if reduced is None:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got "
                f"{list(grad.shape)} but expected shape compatible with {list(shape)}"
            )
        grad = reduced
    if grad._data.dtype != np_dtype:
        if grad._data.dtype.kind == "c" and np_dtype.kind != "c":
            grad = grad.real  # a real input of a complex op: ∂L/∂x is the real part
        grad = grad.to(from_numpy(np_dtype))
    return grad


def sum_to_shape(grad: Tensor, shape: tuple) -> Tensor | None:
    """Sum `grad` over the dims broadcasting added, down to `shape`; None if impossible.

    Written with Tensor methods, so it records a graph under `create_graph=True`.
    """
    gshape = grad._data.shape
    lead = len(gshape) - len(shape)
    if lead < 0:
        return None
    dims = list(range(lead))
    for i, s in enumerate(shape):
        gs = gshape[lead + i]
        if s == 1 and gs != 1:
            dims.append(lead + i)
        elif s != gs:
            return None
    if not dims:
        return grad.reshape(shape) if gshape != shape else grad
    if type(grad) is _tt.Tensor and dims == list(range(len(dims))):  # leading dims: every bias gradient
        if not state.enabled and _primitive.tracer is None:  # nothing records it: the kernel alone
            return _tt.make(leading_sum(grad._data, len(dims)).reshape(shape))
        out = _primitive.broadcast_sum(grad, lead=len(dims))  # recorded: the same kernel as an op
    elif not state.enabled and _primitive.tracer is None and type(grad) is _tt.Tensor:
        # nothing records this sum (no create_graph, no compile): the array sum that
        # `grad.sum(dims)` runs, without two op calls
        return _tt.make(wide_sum(grad._data, tuple(dims), True).reshape(shape))
    else:
        out = grad.sum(dims, keepdim=True)
    return out.reshape(shape) if out._data.shape != shape else out
