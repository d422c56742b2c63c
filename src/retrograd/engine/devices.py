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
    # a 0-d CPU tensor is a scalar to PyTorch: it joins the others' device; no other tensor may
    placed = [d for t, d in zip(tensors, devices) if d.type != "cpu" or t._data.ndim != 0]
    home = accelerators[0]
    if any(d != home for d in placed):
        raise RuntimeError(_mixed(placed, home))
    return tuple(to_device(t, home) if d.type == "cpu" else t for t, d in zip(tensors, devices))


def _mixed(placed: list, home: Any) -> str:
    """PyTorch's message for tensors on the devices `placed` (CPU scalars left out)."""
    if any(d.type == "meta" for d in placed):
        # PyTorch's meta kernels expect the first tensor's device and name the first that differs
        other = next(d for d in placed if d != placed[0])
        return f"Tensor on device {other} is not on the expected device {placed[0]}!"
    other = next((d for d in placed if d.type != "cpu" and d != home), backend.CPU)
    return f"Expected all tensors to be on the same device, but found at least two devices, {home} and {other}!"


primitive.align_devices = align
