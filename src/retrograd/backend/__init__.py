"""The array library behind each device.

Ops never import NumPy for math: they ask `device.xp` for the array module of
their tensor's device. "cpu" is NumPy. `device("cuda")` can be named (programs
write `device = "cuda" if torch.cuda.is_available() else "cpu"`), but putting data
on it raises PyTorch's no-CUDA AssertionError until a CuPy backend exists.
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
        if kind not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {spec}")
        self.type = kind
        self.index = index
        self.xp: ModuleType | None = numpy if kind == "cpu" else None

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

# PyTorch without CUDA says "Torch not compiled with CUDA enabled" (an AssertionError).
NO_CUDA = "retrograd has no CUDA device: not compiled with CUDA enabled"


def as_device(d: str | device | None) -> device:
    """Normalise a device argument for data placement; None means the CPU ("cuda" raises)."""
    if d is None or d is CPU:
        return CPU
    d = device(d)
    if d.type == "cuda":
        raise AssertionError(NO_CUDA)
    return CPU if d == CPU else d


_NAMESPACES = {numpy.ndarray: numpy}


def namespace(array: object) -> ModuleType:
    """The array module (numpy, later cupy) that owns `array`."""
    xp = _NAMESPACES.get(type(array))  # type: ignore[arg-type]
    if xp is None:
        return numpy
    return xp
