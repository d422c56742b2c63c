"""A complex tensor's memory as (..., 2) real pairs and back: view_as_real, view_as_complex.

Both are views (no copy); each one's derivative is the other, so gradients of any order
flow between the two layouts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from .complex_parts import _complex_of, _tensor_arg

__all__ = ["view_as_real", "view_as_complex"]

_view_as_real = Primitive(
    "view_as_real", lambda xp, a: real_pairs_of_array(a), [lambda g: view_as_complex(g.contiguous())], view=True
)
_view_as_complex = Primitive(
    "view_as_complex", lambda xp, a: a.view(_complex_of(a.dtype))[..., 0], [lambda g: view_as_real(g)], view=True
)


def real_pairs_of_array(a: Any) -> Any:
    """A complex array's memory seen as (..., 2) real pairs (a view: writes reach `a`)."""
    if a.ndim == 0:
        return a.reshape(1).view(a.real.dtype)
    return a[..., None].view(a.real.dtype)


def view_as_real(input: Tensor) -> Tensor:
    """View a complex tensor's memory as a real tensor with a last dim of size 2 (real, imag).

    Args:
        input (Tensor): a complex tensor.

    Returns:
        Tensor: shape `(*input.shape, 2)`, float32 for complex64 and float64 for complex128; shares memory.

    Examples:
        >>> retrograd.view_as_real(retrograd.tensor([1+2j, 3-4j]))
        tensor([[ 1.,  2.],
                [ 3., -4.]])
    """
    input = _tensor_arg(input, "view_as_real")
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return _view_as_real(input)


def view_as_complex(input: Tensor) -> Tensor:
    """View a real tensor whose last dim has size 2 (real, imag) as a complex tensor.

    Args:
        input (Tensor): float32 or float64, shape `(..., 2)`, with a contiguous last dim.

    Returns:
        Tensor: shape `input.shape[:-1]`, complex64 or complex128; shares memory.

    Examples:
        >>> retrograd.view_as_complex(retrograd.tensor([[1.0, 2.0], [3.0, -4.0]]))
        tensor([1.+2.j, 3.-4.j])
    """
    if _autocasting[0]:
        input = _float32(input)
    if _vmap.active and (r := batched("elementwise", view_as_complex, input)) is not NOT_BATCHED:
        return r
    input = _tensor_arg(input, "view_as_complex")
    a = input._data
    if a.dtype.kind != "f" or a.dtype.itemsize == 2:
        if a.dtype == np.float16:  # PyTorch's complex32: a dtype retrograd does not have
            raise NotImplementedError("view_as_complex of a float16 tensor: retrograd has no complex32 dtype")
        raise RuntimeError(
            f"view_as_complex is only supported for half, float and double tensors, but got a tensor of scalar "
            f"type: {input.dtype.kind_name}"
        )
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * a.itemsize) for s in a.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    return _view_as_complex(input)
