"""Calculus on samples along a dim: diff (differences), trapezoid and cumulative_trapezoid (integrals).

Each is composed of slices, arithmetic and sums, so its gradients of every order come from
theirs. (`gradient`, the derivative estimate, is in `finite_differences`.)
"""

from __future__ import annotations

from typing import Any

from ... import dtypes as _dt
from ...tensor import Tensor
from ..creation import zeros
from ..elementwise.arithmetic import div_number, mul_number
from ..kernels.arg_types import int_arg, invalid_combination
from ..kernels.operands import numpy_alias, tensor_of, wrap_dim
from ..kernels.out_arg import write_out
from ..shape.join import cat

__all__ = ["diff", "trapezoid", "trapz", "cumulative_trapezoid"]


def diff(
    input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None, append: Tensor | None = None, *,
    axis: Any = None,
    out: Any = None,
) -> Tensor:
    """The `n`-th forward difference along `dim`: `out[i] = input[i + 1] - input[i]`, applied `n` times.

    Args:
        input (Tensor): at least 1-d (bool inputs give the XOR of neighbours).
        n (int): how many times to difference (default 1).
        dim (int): the dim to difference along (default -1).
        prepend (Tensor, optional): values put before `input` along `dim` first.
        append (Tensor, optional): values put after `input` along `dim` first.
        out (Tensor, optional): a tensor to write the result into.

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
    if out is not None:
        return write_out(out, diff, locals())
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("diff", dim, -1, axis, "axis")
    x = tensor_of(input)
    n, dim = int_arg("diff", "n", 2, n), int_arg("diff", "dim", 3, dim)
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is not None and not isinstance(extra, Tensor):  # PyTorch's argument parser, before the op
            kind = type(extra)
            shown = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
            raise TypeError(f"diff(): argument '{name}' must be Tensor, not {shown}")
    if x.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, x.dim())
    for extra in (prepend, append):
        if extra is not None:
            _check_extra(extra, x, d)
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


def _check_extra(extra: Tensor, x: Tensor, d: int) -> None:
    """`prepend`/`append` must have `x`'s shape except along `d` (PyTorch's checks and words)."""
    if extra.dim() != x.dim():
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for i in range(x.dim()):
        if i != d and extra.shape[i] != x.shape[i]:
            raise RuntimeError(
                "diff expects the shape of tensor to prepend or append to match that of input except along the "
                f"differencing dimension; input.size({i}) = {x.shape[i]}, but got tensor.size({i}) = {extra.shape[i]}"
            )


# the overloads PyTorch lists when both `x` and `dx` are given
_SIGNATURES = ("Tensor y, Tensor x, *, int dim = -1", "Tensor y, *, Number dx = 1, int dim = -1")


def _check_spacing(fn: str, y: Tensor, x: Any, dx: Any) -> None:
    """PyTorch's two overloads: the sample points as a tensor, or a constant `dx`, not both."""
    if x is not None and (dx is not None or not isinstance(x, Tensor)):
        raise invalid_combination(fn, (y, x), _SIGNATURES, None if dx is None else {"dx": dx})


def _sample_dim(y: Tensor, dim: int) -> int:
    """`dim` wrapped against `y`, which must have one (a 0-d `y` has no samples to integrate)."""
    if y.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, y.dim())


def _check_real_dx(name: str, dx: Any) -> None:
    if isinstance(dx, (bool, complex)):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")


def _later(t: Tensor, d: int) -> Tensor:
    """All samples but the first along `d` (none of none)."""
    length = t.shape[d]
    return t.narrow(d, min(1, length), max(length - 1, 0))


def _earlier(t: Tensor, d: int) -> Tensor:
    """All samples but the last along `d` (none of none)."""
    return t.narrow(d, 0, max(t.shape[d] - 1, 0))


def _widths(name: str, y: Tensor, x: Tensor, d: int) -> Tensor:
    """The widths `x[i + 1] - x[i]` along `d`, shaped to broadcast against `y`'s slices.

    A 1-D `x` lies along `d`; a lower-dim `x` lines up with `y`'s trailing dims (NumPy's rule).
    """
    if y.dtype == _dt.bool_ or x.dtype == _dt.bool_:
        raise RuntimeError(f"{name}: received a bool input for `x` or `y`, but bool is not supported")
    if x.dim() == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        x = x.view([x.shape[0] if i == d else 1 for i in range(y.dim())])
    elif x.dim() < y.dim():
        x = x.view([1] * (y.dim() - x.dim()) + list(x.shape))
    return _later(x, d) - _earlier(x, d)


def _scaled(t: Tensor, c: Any, *, divide: bool = False) -> Tensor:
    """`t * c` (or `t / c`) by a number PyTorch's composite computed in C++: its node is
    MulBackward1 (DivBackward1), not the Python operator's ...Backward0."""
    if isinstance(c, Tensor) or not (t.dtype.is_floating_point or t.dtype.is_complex):
        return t / c if divide else t * c  # promotes (integer samples integrate to floats)
    return (div_number if divide else mul_number).scalar(t, c)


def _pair_sums(y: Tensor, d: int) -> Tensor:
    """`y[i] + y[i + 1]` along `d`: twice each trapezoid's mean height."""
    return _earlier(y, d) + _later(y, d)


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
    _check_spacing("trapezoid", y, x, dx)
    d = _sample_dim(y, dim)
    if y.shape[d] == 0:  # no samples integrate to 0, as in NumPy
        return zeros(y.shape[:d] + y.shape[d + 1 :], dtype=y.dtype, device=y.device)
    if x is not None:
        return _scaled((_pair_sums(y, d) * _widths("trapezoid", y, tensor_of(x), d)).sum(d), 2.0, divide=True)
    if y.dtype == _dt.bool_:
        raise RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported")
    _check_real_dx("trapezoid", dx)
    # With a constant spacing the rule is dx * (sum of y - half of each end), as PyTorch computes it.
    ends = y.select(d, 0) + y.select(d, -1)
    return _scaled(y.sum(d) - _scaled(ends, 0.5), 1.0 if dx is None else dx)


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
    _check_spacing("cumulative_trapezoid", y, x, dx)
    d = _sample_dim(y, dim)
    if x is not None:
        sums = (_pair_sums(y, d) * _widths("cumulative_trapezoid", y, tensor_of(x), d)).cumsum(d)
        return _scaled(sums, 2.0, divide=True)
    if y.dtype == _dt.bool_:
        raise RuntimeError("cumulative_trapezoid: received a bool input for `y`, but bool is not supported")
    _check_real_dx("cumulative_trapezoid", dx)
    return _scaled(_pair_sums(y, d), (1.0 if dx is None else dx) / 2.0).cumsum(d)
