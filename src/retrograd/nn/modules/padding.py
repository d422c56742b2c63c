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


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"


class _ZeroPad(_ConstantPadNd):
    """Zero fill for ZeroPad{1,2,3}d, which subclass ConstantPad{1,2,3}d as in PyTorch."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant `value`.

    Args:
        padding (int or tuple): one width for every side, or the 2 widths (left, right).
        value (float): the fill value.

    Returns:
        (ConstantPad1d): a module taking `(C, W)` or `(N, C, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0]])
        >>> pad = nn.ConstantPad1d(1, 9.0)
        >>> pad
        ConstantPad1d(padding=(1, 1), value=9.0)
        >>> pad(x)
        tensor([[9., 1., 2., 3., 9.]])
        >>> nn.ConstantPad1d((2, 1), 9.0)(x)
        tensor([[9., 9., 1., 2., 3., 9.]])
    """

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with a constant `value`.

    Args:
        padding (int or tuple): one width for every side, or the 4 widths (left, right, top, bottom).
        value (float): the fill value.

    Returns:
        (ConstantPad2d): a module taking `(C, H, W)` or `(N, C, H, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.arange(4.0).reshape(1, 2, 2)
        >>> pad = nn.ConstantPad2d(1, 9.0)
        >>> pad
        ConstantPad2d(padding=(1, 1, 1, 1), value=9.0)
        >>> pad(x)
        tensor([[[9., 9., 9., 9.],
                 [9., 0., 1., 9.],
                 [9., 2., 3., 9.],
                 [9., 9., 9., 9.]]])
    """

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with a constant `value`.

    Args:
        padding (int or tuple): one width for every side, or the 6 widths (left, right, top, bottom, front, back).
        value (float): the fill value.

    Returns:
        (ConstantPad3d): a module taking `(C, D, H, W)` or `(N, C, D, H, W)` and growing each padded dim by its two
            widths.

    Examples:
        >>> x = retrograd.ones(1, 1, 2, 2, 2)
        >>> pad = nn.ConstantPad3d(1, 9.0)
        >>> pad
        ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=9.0)
        >>> pad(x).shape
        retrograd.Size([1, 1, 4, 4, 4])
    """

    _dims = 3


class ZeroPad1d(_ZeroPad, ConstantPad1d):
    """Pad the last dim with zeros.

    Args:
        padding (int or tuple): one width for every side, or the 2 widths (left, right).

    Returns:
        (ZeroPad1d): a module taking `(C, W)` or `(N, C, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0]])
        >>> pad = nn.ZeroPad1d(1)
        >>> pad
        ZeroPad1d((1, 1))
        >>> pad(x)
        tensor([[0., 1., 2., 3., 0.]])
        >>> nn.ZeroPad1d((2, 1))(x)
        tensor([[0., 0., 1., 2., 3., 0.]])
    """


class ZeroPad2d(_ZeroPad, ConstantPad2d):
    """Pad the last 2 dims with zeros.

    Args:
        padding (int or tuple): one width for every side, or the 4 widths (left, right, top, bottom).

    Returns:
        (ZeroPad2d): a module taking `(C, H, W)` or `(N, C, H, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.arange(4.0).reshape(1, 2, 2)
        >>> pad = nn.ZeroPad2d(1)
        >>> pad
        ZeroPad2d((1, 1, 1, 1))
        >>> pad(x)
        tensor([[[0., 0., 0., 0.],
                 [0., 0., 1., 0.],
                 [0., 2., 3., 0.],
                 [0., 0., 0., 0.]]])
    """


class ZeroPad3d(_ZeroPad, ConstantPad3d):
    """Pad the last 3 dims with zeros.

    Args:
        padding (int or tuple): one width for every side, or the 6 widths (left, right, top, bottom, front, back).

    Returns:
        (ZeroPad3d): a module taking `(C, D, H, W)` or `(N, C, D, H, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.ones(1, 1, 2, 2, 2)
        >>> pad = nn.ZeroPad3d(1)
        >>> pad
        ZeroPad3d((1, 1, 1, 1, 1, 1))
        >>> pad(x).shape
        retrograd.Size([1, 1, 4, 4, 4])
    """


class ReflectionPad1d(_ReflectionPadNd):
    """Pad the last dim by reflecting the input at its edges (the edge itself not repeated).

    Args:
        padding (int or tuple): one width for every side, or the 2 widths (left, right). Each must be smaller than
            its dim's size.

    Returns:
        (ReflectionPad1d): a module taking `(C, W)` or `(N, C, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0]])
        >>> pad = nn.ReflectionPad1d(1)
        >>> pad
        ReflectionPad1d((1, 1))
        >>> pad(x)
        tensor([[2., 1., 2., 3., 2.]])
        >>> nn.ReflectionPad1d((2, 1))(x)
        tensor([[3., 2., 1., 2., 3., 2.]])
    """

    _dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReflectionPad2d(_ReflectionPadNd):
    """Pad the last 2 dims by reflecting the input at its edges (the edge itself not repeated).

    Args:
        padding (int or tuple): one width for every side, or the 4 widths (left, right, top, bottom). Each must be
            smaller than its dim's size.

    Returns:
        (ReflectionPad2d): a module taking `(C, H, W)` or `(N, C, H, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.arange(4.0).reshape(1, 2, 2)
        >>> pad = nn.ReflectionPad2d(1)
        >>> pad
        ReflectionPad2d((1, 1, 1, 1))
        >>> pad(x)
        tensor([[[3., 2., 3., 2.],
                 [1., 0., 1., 0.],
                 [3., 2., 3., 2.],
                 [1., 0., 1., 0.]]])
    """

    _dims = 2

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReflectionPad3d(_ReflectionPadNd):
    """Pad the last 3 dims by reflecting the input at its edges (the edge itself not repeated).

    Args:
        padding (int or tuple): one width for every side, or the 6 widths (left, right, top, bottom, front, back).
            Each must be smaller than its dim's size.

    Returns:
        (ReflectionPad3d): a module taking `(C, D, H, W)` or `(N, C, D, H, W)` and growing each padded dim by its
            two widths.

    Examples:
        >>> x = retrograd.ones(1, 1, 2, 2, 2)
        >>> pad = nn.ReflectionPad3d(1)
        >>> pad
        ReflectionPad3d((1, 1, 1, 1, 1, 1))
        >>> pad(x).shape
        retrograd.Size([1, 1, 4, 4, 4])
    """

    _dims = 3

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad1d(_ReplicationPadNd):
    """Pad the last dim by repeating the edge values.

    Args:
        padding (int or tuple): one width for every side, or the 2 widths (left, right).

    Returns:
        (ReplicationPad1d): a module taking `(C, W)` or `(N, C, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0]])
        >>> pad = nn.ReplicationPad1d(1)
        >>> pad
        ReplicationPad1d((1, 1))
        >>> pad(x)
        tensor([[1., 1., 2., 3., 3.]])
        >>> nn.ReplicationPad1d((2, 1))(x)
        tensor([[1., 1., 1., 2., 3., 3.]])
    """

    _dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad2d(_ReplicationPadNd):
    """Pad the last 2 dims by repeating the edge values.

    Args:
        padding (int or tuple): one width for every side, or the 4 widths (left, right, top, bottom).

    Returns:
        (ReplicationPad2d): a module taking `(C, H, W)` or `(N, C, H, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.arange(4.0).reshape(1, 2, 2)
        >>> pad = nn.ReplicationPad2d(1)
        >>> pad
        ReplicationPad2d((1, 1, 1, 1))
        >>> pad(x)
        tensor([[[0., 0., 1., 1.],
                 [0., 0., 1., 1.],
                 [2., 2., 3., 3.],
                 [2., 2., 3., 3.]]])
    """

    _dims = 2

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReplicationPad3d(_ReplicationPadNd):
    """Pad the last 3 dims by repeating the edge values.

    Args:
        padding (int or tuple): one width for every side, or the 6 widths (left, right, top, bottom, front, back).

    Returns:
        (ReplicationPad3d): a module taking `(C, D, H, W)` or `(N, C, D, H, W)` and growing each padded dim by its
            two widths.

    Examples:
        >>> x = retrograd.ones(1, 1, 2, 2, 2)
        >>> pad = nn.ReplicationPad3d(1)
        >>> pad
        ReplicationPad3d((1, 1, 1, 1, 1, 1))
        >>> pad(x).shape
        retrograd.Size([1, 1, 4, 4, 4])
    """

    _dims = 3

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad1d(_CircularPadNd):
    """Pad the last dim by wrapping around (the far end's values).

    Args:
        padding (int or tuple): one width for every side, or the 2 widths (left, right).

    Returns:
        (CircularPad1d): a module taking `(C, W)` or `(N, C, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0]])
        >>> pad = nn.CircularPad1d(1)
        >>> pad
        CircularPad1d((1, 1))
        >>> pad(x)
        tensor([[3., 1., 2., 3., 1.]])
        >>> nn.CircularPad1d((2, 1))(x)
        tensor([[2., 3., 1., 2., 3., 1.]])
    """

    _dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad2d(_CircularPadNd):
    """Pad the last 2 dims by wrapping around (the far end's values).

    Args:
        padding (int or tuple): one width for every side, or the 4 widths (left, right, top, bottom).

    Returns:
        (CircularPad2d): a module taking `(C, H, W)` or `(N, C, H, W)` and growing each padded dim by its two widths.

    Examples:
        >>> x = retrograd.arange(4.0).reshape(1, 2, 2)
        >>> pad = nn.CircularPad2d(1)
        >>> pad
        CircularPad2d((1, 1, 1, 1))
        >>> pad(x)
        tensor([[[3., 2., 3., 2.],
                 [1., 0., 1., 0.],
                 [3., 2., 3., 2.],
                 [1., 0., 1., 0.]]])
    """

    _dims = 2

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class CircularPad3d(_CircularPadNd):
    """Pad the last 3 dims by wrapping around (the far end's values).

    Args:
        padding (int or tuple): one width for every side, or the 6 widths (left, right, top, bottom, front, back).

    Returns:
        (CircularPad3d): a module taking `(C, D, H, W)` or `(N, C, D, H, W)` and growing each padded dim by its two
            widths.

    Examples:
        >>> x = retrograd.ones(1, 1, 2, 2, 2)
        >>> pad = nn.CircularPad3d(1)
        >>> pad
        CircularPad3d((1, 1, 1, 1, 1, 1))
        >>> pad(x).shape
        retrograd.Size([1, 1, 4, 4, 4])
    """

    _dims = 3

    def __init__(self, padding: Any) -> None:
        super().__init__(padding)
