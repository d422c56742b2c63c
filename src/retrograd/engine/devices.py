"""Moving tensors between devices, and PyTorch's rule that an op's tensors share one device.

`to_device` is a differentiable copy (its gradient goes back to the source device).
`align` runs when an op's inputs are arrays of different types: a 0-d CPU tensor
joins the others' device (PyTorch treats it as a scalar); any other mix is
PyTorch's "Expected all tensors to be on the same device" error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import backend
from . import primitive
from .primitive import Primitive

if TYPE_CHECKING:
    from ..tensor import Tensor

_to_device = Primitive(
    "to_device",
    lambda xp, a, target, source: backend.to_device(a, target),
    [lambda g, source: to_device(g, source)],
    node_name="ToCopyBackward0",
)


def to_device(t: Tensor, target: backend.device) -> Tensor:
    """`t` on device `target` (itself when it is there already), recorded for autograd."""
    source = backend.device_of(t._data)
    if source == target:
        return t
    return _to_device(t, target=target, source=source)


def align(name: str, tensors: tuple) -> tuple:
    """`tensors` on one device, or PyTorch's RuntimeError when they are on several."""
    devices = [backend.device_of(t._data) for t in tensors]
    accelerators = [d for d in devices if d.type != "cpu"]
    if not accelerators:
        return tensors
    home = accelerators[0]
    if any(d != home for d in accelerators):
        other = next(d for d in accelerators if d != home)
        raise RuntimeError(_mixed(home, other))
    out = []
    for t, d in zip(tensors, devices):
        if d.type == "cpu":
            if t._data.ndim != 0:
                raise RuntimeError(_mixed(home, d))
            t = to_device(t, home)  # a CPU scalar tensor joins the device, as in PyTorch
        out.append(t)
    return tuple(out)


def _mixed(first: Any, second: Any) -> str:
    if first.type == "meta":  # PyTorch's meta kernels check their inputs' devices in their own words
        return f"Tensor on device {second} is not on the expected device meta!"
    return f"Expected all tensors to be on the same device, but found at least two devices, {first} and {second}!"


primitive.align_devices = align
