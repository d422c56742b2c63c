"""Padding modules: zero, constant, reflection, replication and circular, 1-D to 3-D, through `F.pad`."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = [
    "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


class _PadNd(Module):
    _dims, _mode = 1, "constant"

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * self._dims)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_PadNd):
    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ZeroPad1d(_PadNd):
    """Pad the last dim with zeros; `padding` = int or (left, right)."""

    _dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)


class ZeroPad2d(ZeroPad1d):
    """Pad the last 2 dims with zeros; `padding` = int or (left, right, top, bottom)."""

    _dims = 2


class ZeroPad3d(ZeroPad1d):
    """Pad the last 3 dims with zeros; `padding` = int or 6 widths."""

    _dims = 3


class ConstantPad1d(_ConstantPad):
    """Pad the last dim with `value`."""

    _dims = 1

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)


class ConstantPad2d(ConstantPad1d):
    """Pad the last 2 dims with `value`."""

    _dims = 2


class ConstantPad3d(ConstantPad1d):
    """Pad the last 3 dims with `value`."""

    _dims = 3


class ReflectionPad1d(_PadNd):
    """Pad the last 1 dim by reflecting the input; `padding` = int or 2 widths (last dim first)."""

    _dims, _mode = 1, "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReflectionPad2d(_PadNd):
    """Pad the last 2 dims by reflecting the input; `padding` = int or 4 widths (last dim first)."""

    _dims, _mode = 2, "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReflectionPad3d(_PadNd):
    """Pad the last 3 dims by reflecting the input; `padding` = int or 6 widths (last dim first)."""

    _dims, _mode = 3, "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad1d(_PadNd):
    """Pad the last 1 dim by replicateing the input; `padding` = int or 2 widths (last dim first)."""

    _dims, _mode = 1, "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad2d(_PadNd):
    """Pad the last 2 dims by replicateing the input; `padding` = int or 4 widths (last dim first)."""

    _dims, _mode = 2, "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad3d(_PadNd):
    """Pad the last 3 dims by replicateing the input; `padding` = int or 6 widths (last dim first)."""

    _dims, _mode = 3, "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad1d(_PadNd):
    """Pad the last 1 dim by circularing the input; `padding` = int or 2 widths (last dim first)."""

    _dims, _mode = 1, "circular"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad2d(_PadNd):
    """Pad the last 2 dims by circularing the input; `padding` = int or 4 widths (last dim first)."""

    _dims, _mode = 2, "circular"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad3d(_PadNd):
    """Pad the last 3 dims by circularing the input; `padding` = int or 6 widths (last dim first)."""

    _dims, _mode = 3, "circular"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)
