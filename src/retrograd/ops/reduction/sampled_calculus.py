"""Calculus on samples along a dim: diff (differences), trapezoid and cumulative_trapezoid (integrals).

Each is composed of slices, arithmetic and sums, so its gradients of every order come from
theirs. (`gradient`, the derivative estimate, is in `finite_differences`.)
"""

from __future__ import annotations

from typing import Any

from ... import dtypes as _dt
from ...tensor import Tensor
from ..kernels.operands import numpy_alias, tensor_of, wrap_dim
from ..shape.join import cat

__all__ = ["diff", "trapezoid", "trapz", "cumulative_trapezoid"]


def diff(
    input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None, append: Tensor | None = None, *,
    axis: Any = None,
) -> Tensor:
    """The `n`-th forward difference along `dim`: `out[i] = input[i + 1] - input[i]`, applied `n` times.

    Args:
        input (Tensor): at least 1-d (bool inputs give the XOR of neighbours).
        n (int): how many times to difference (default 1).
        dim (int): the dim to difference along (default -1).
        prepend (Tensor, optional): values put before `input` along `dim` first.
        append (Tensor, optional): values put after `input` along `dim` first.

    Returns:
        Tensor: `input`'s shape with `n` fewer elements along `dim` (counting `prepend` and `append`).

    Examples:
        >>> x = retrograd.tensor([1, 4, 9, 16])
        >>> retrograd.diff(x)
        tensor([3, 5, 7])
        >>> retrograd.diff(x, n=2)
        tensor([2, 2])
        >>> retrograd.diff(x, prepend=retrograd.tensor([0]))
        tensor([1, 3, 5, 7])
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("diff", dim, -1, axis, "axis")
    x = tensor_of(input)
    if x.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, x.dim())
    parts = [p for p in (prepend, x, append) if p is not None]
    if len(parts) > 1:
        x = cat(parts, d)
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        later, earlier = x.narrow(d, 1, length - 1), x.narrow(d, 0, length - 1)
        x = later.logical_xor(earlier) if x.dtype == _dt.bool_ else later - earlier
    return x


def _spacing(y: Tensor, x: Tensor | None, dx: float | None, d: int) -> Any:
    """The widths between samples along `d`: from `x` (1-D or shaped like `y`), or `dx`."""
    if x is None:
        return 1.0 if dx is None else dx
    if x.dim() == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(
                f"trapezoid: There must be one `x` value for each sample point, but got {x.shape[0]} "
                f"`x` values and {y.shape[d]} sample points along dimension {d}"
            )
        widths = x[1:] - x[:-1]
        return widths.reshape([-1] + [1] * (y.dim() - 1 - d))
    return diff(x, dim=d)


def trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1, axis: Any = None
) -> Tensor:
    """Integral of `y` along `dim` by the trapezoid rule; sample spacing from `x` or `dx` (default 1).

    Args:
        y (Tensor): the sampled values, any shape.
        x (Tensor, optional): the sample points (1-d, or `y`'s shape); not with `dx`.
        dx (float, optional): a constant spacing between samples (default 1).
        dim (int): the dim to integrate along (default -1).

    Returns:
        Tensor: `y`'s shape without `dim`.

    Examples:
        >>> y = retrograd.tensor([1.0, 2.0, 4.0])
        >>> retrograd.trapezoid(y)
        tensor(4.5000)
        >>> retrograd.trapezoid(y, dx=0.5)
        tensor(2.2500)
        >>> retrograd.trapezoid(y, retrograd.tensor([0.0, 1.0, 3.0]))
        tensor(7.5000)
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("trapezoid", dim, -1, axis, "axis")
    y = tensor_of(y)
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments: got both x and dx")
    d = wrap_dim(dim, y.dim())
    length = y.shape[d]
    if length == 0:
        return y.sum(d)
    heights = (y.narrow(d, 1, length - 1) + y.narrow(d, 0, length - 1)) / 2
    return (heights * _spacing(y, x, dx, d)).sum(d)


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1, axis: Any = None) -> Tensor:
    """An older name of `trapezoid`: the integral of `y` along `dim` by the trapezoid rule.

    Args:
        y (Tensor): the sampled values, any shape.
        x (Tensor, optional): the sample points (1-d, or `y`'s shape); not with `dx`.
        dx (float, optional): a constant spacing between samples (default 1).
        dim (int): the dim to integrate along (default -1).

    Returns:
        Tensor: `y`'s shape without `dim`.

    Examples:
        >>> retrograd.trapz(retrograd.tensor([[1.0, 2.0, 4.0], [0.0, 1.0, 0.0]]))
        tensor([4.5000, 1.0000])
    """
    return trapezoid(y, x, dx=dx, dim=dim, axis=axis)


def cumulative_trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1, axis: Any = None
) -> Tensor:
    """Running integral of `y` along `dim` by the trapezoid rule (one element shorter than `y` there).

    Args:
        y (Tensor): the sampled values, any shape.
        x (Tensor, optional): the sample points (1-d, or `y`'s shape); not with `dx`.
        dx (float, optional): a constant spacing between samples (default 1).
        dim (int): the dim to integrate along (default -1).

    Returns:
        Tensor: `y`'s shape with one element fewer along `dim`.

    Examples:
        >>> y = retrograd.tensor([1.0, 2.0, 4.0, 7.0])
        >>> retrograd.cumulative_trapezoid(y)
        tensor([ 1.5000,  4.5000, 10.0000])
        >>> retrograd.cumulative_trapezoid(y, dx=2.0)
        tensor([ 3.,  9., 20.])
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("cumulative_trapezoid", dim, -1, axis, "axis")
    y = tensor_of(y)
    d = wrap_dim(dim, y.dim())
    length = y.shape[d]
    if length == 0:
        return y
    heights = (y.narrow(d, 1, length - 1) + y.narrow(d, 0, length - 1)) / 2
    return (heights * _spacing(y, x, dx, d)).cumsum(d)
