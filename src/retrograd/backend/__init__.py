"""The array library behind each device.

Ops never import NumPy for math: they ask `device.xp` for the array module of
their tensor's device. "cpu" is NumPy; "cuda" (CuPy) arrives with the GPU issue.
"""

from __future__ import annotations

import builtins
import warnings
from types import ModuleType

import numpy

# PyTorch computes inf and nan without a word; NumPy warns. Silence NumPy's floating-point
# warnings for array code in retrograd's own modules (the filter matches the module that made
# the call, so a user's own NumPy code still warns), at no cost per op.
warnings.filterwarnings(
    "ignore",
    message=r"(invalid value|divide by zero|overflow|underflow) encountered",
    category=RuntimeWarning,
    module=r"retrograd(\.|$)",
)


class device:
    """Where a tensor's data lives, e.g. `retrograd.device("cpu")`."""

    __slots__ = ("type", "index", "xp")
    type: str
    index: int | None

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            spec, index = type.type, type.index
        else:
            spec = str(type)
        kind, _, num = spec.partition(":")
        if num:
            index = builtins.int(num)
        if kind == "cuda":
            raise RuntimeError(
                "retrograd has no CUDA backend yet: tensors live on 'cpu' (NumPy). "
                "A CuPy backend for 'cuda' is planned."
            )
        if kind != "cpu":
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {spec}")
        self.type = kind
        self.index = index
        self.xp: ModuleType = numpy

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def as_device(d: str | device | None) -> device:
    """Normalise a device argument; None means the CPU."""
    if d is None or d is CPU:
        return CPU
    d = device(d)
    return CPU if d == CPU else d


_NAMESPACES = {numpy.ndarray: numpy}


def namespace(array: object) -> ModuleType:
    """The array module (numpy, later cupy) that owns `array`."""
    xp = _NAMESPACES.get(type(array))  # type: ignore[arg-type]
    if xp is None:
        return numpy
    return xp
