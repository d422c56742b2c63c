"""Evenly spaced values: arange, range, linspace, logspace."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..dtypes import dtype
from ..tensor import Tensor
from .creation import _factory, _float_or, _target
from .kernels.arg_types import invalid_combination, is_int, scalar_arg
from .kernels.guards import (
    check_range,
    check_steps,
    no_bool_range,
)
from .kernels.out_arg import ANY, write_out
from .kernels.placement import check_layout, check_pin_memory, dtype_arg
from .kernels.spacing import arange_values, linspace_values, logspace_values

__all__ = ["arange", "range", "linspace", "logspace"]

_RANGE_DEPRECATED = (
    "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent "
    "with Python's range builtin. Instead, use torch.arange, which produces values in [start, end)."
)


_FACTORY_KEYWORDS = (
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False"
)
_ARANGE_SIGNATURES = (
    f"Number end, *, Tensor out = None, {_FACTORY_KEYWORDS}",
    f"Number start, Number end, *, {_FACTORY_KEYWORDS}",
    f"Number start, Number end, Number step = 1, *, Tensor out = None, {_FACTORY_KEYWORDS}",
)


def arange(
    start: Any = None,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    out: Any = None,
) -> Tensor:
    """Values from `start` to `end` (exclusive) by `step`; int64 unless a bound is a float.

    Args:
        start (number): the first value (or `end`, when it is the only argument).
        end (number, optional): the bound, not included (by keyword alone: `arange(end=5)`, from 0).
        step (number): the gap between values.
        dtype (dtype, optional): int64 when all arguments are ints, else the default float.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 1-D tensor of `ceil((end - start) / step)` values.

    Examples:
        >>> retrograd.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> retrograd.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    check_layout(layout, "arange")
    check_pin_memory(pin_memory)
    if out is not None:
        return write_out(out, arange, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    if start is None and end is None:
        raise invalid_combination("arange", (), _ARANGE_SIGNATURES)
    if end is None:
        start, end = 0, scalar_arg("arange", "end", 1, start)
    elif start is None:
        start = 0
    try:  # the parser's Numbers (a 0-d tensor is its value); no signature takes anything else
        start, end, step = (scalar_arg("arange", "", None, x) for x in (start, end, step))
    except TypeError:
        given = (start, end) if type(step) is int and step == 1 else (start, end, step)
        raise invalid_combination("arange", given, _ARANGE_SIGNATURES) from None
    check_range(start, end, step)
    dtype = dtype_arg(dtype, "arange")
    if dtype is None:
        dtype = _dt.result_type(start, end, step)
    no_bool_range("arange", dtype)
    _no_complex_range("arange_cpu", dtype)
    if dtype is _dt.int64:  # PyTorch's int64 kernel truncates the bounds and the step before it counts
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ValueError("step must be nonzero")
        n = max(0, -((start - end) // step))  # ceil((end - start) / step), exactly
    else:  # the others count in double, then step by the truncated step
        n = max(0, math.ceil((end - start) / step))
    return _factory(arange_values(start, step, n, dtype.np), requires_grad, dev)


def range(
    start: Any, end: Any, step: Any = 1, *, dtype: dtype | None = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False, out: Any = None,
) -> Tensor:
    """Values from `start` to `end` inclusive in steps of `step` (deprecated in PyTorch: use `arange`).

    Unlike `arange` it includes `end` when a step lands on it, and its default dtype is the
    default float even for integer arguments.

    Args:
        start (number): the first value.
        end (number): the last value allowed.
        step (number): the gap between values, non-zero (default 1).
        dtype (dtype, optional): the dtype (default: the default float dtype).
        device (str or device, optional): the device.
        requires_grad (bool): whether the result records a graph (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: 1-D, floor((end - start) / step) + 1 values.

    Examples:
        >>> retrograd.range(1, 4)
        tensor([1., 2., 3., 4.])
        >>> retrograd.range(1, 4, 2, dtype=retrograd.int64)
        tensor([1, 3])
    """
    if out is not None:
        return write_out(out, range, locals(), ANY, dtype_from_out=True)
    # PyTorch warns on every call, before it looks at the arguments
    warnings.warn(_RANGE_DEPRECATED, UserWarning, stacklevel=2)
    start, end, step = (scalar_arg("range", name, i, x) for i, (name, x) in enumerate(
        (("start", start), ("end", end), ("step", step)), 1))
    check_layout(layout, "range")
    dtype = dtype_arg(dtype, "range")
    dev = _target(device)
    check_range(start, end, step)
    no_bool_range("range", dtype)
    _no_complex_range("range_cpu", dtype)
    n = int(math.floor((end - start) / step)) + 1
    values = start + step * np.arange(n, dtype=np.float64)
    return _factory(values.astype(_float_or(dtype).np), requires_grad, dev)


def _no_complex_range(kernel: str, dt: dtype | None) -> None:
    """PyTorch's CPU range kernels have no complex version."""
    if dt is not None and dt.is_complex:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.kind_name}'")


_BOUND_KINDS = (("Tensor", "Tensor"), ("Number", "Tensor"), ("Tensor", "Number"), ("Number", "Number"))
_LINSPACE_SIGNATURES = tuple(
    f"{a} start, {b} end, int steps, *, Tensor out = None, {_FACTORY_KEYWORDS}" for a, b in _BOUND_KINDS
)
_LOGSPACE_SIGNATURES = tuple(
    f"{a} start, {b} end, int steps, float base = 10.0, *, Tensor out = None, {_FACTORY_KEYWORDS}"
    for a, b in _BOUND_KINDS
)


def _spacing_bounds(fn: str, start: Any, end: Any, steps: Any, signatures: tuple[str, ...]) -> tuple[Any, Any]:
    """linspace's bounds as numbers: the parser takes Numbers or tensors and an int count; the op
    then wants tensors without dims."""
    if not is_int(steps) or not all(isinstance(x, (Tensor, numbers.Number, np.bool_)) for x in (start, end)):
        raise invalid_combination(fn, (start, end, steps), signatures)
    for name, x in (("start", start), ("end", end)):
        if isinstance(x, Tensor) and x._data.ndim:
            raise RuntimeError(
                f"{fn} only supports 0-dimensional start and end tensors, but got {name} with {x._data.ndim} "
                "dimension(s)."
            )
    return (start.item() if isinstance(start, Tensor) else start), (end.item() if isinstance(end, Tensor) else end)


def linspace(
    start: Any, end: Any, steps: int, *, dtype: dtype | None = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False, pin_memory: bool = False, out: Any = None,
) -> Tensor:
    """`steps` evenly spaced values from `start` to `end` inclusive.

    Args:
        start (number): the first value.
        end (number): the last value (included).
        steps (int): how many values.
        dtype (dtype, optional): the dtype (default float32).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 1-D tensor of `steps` values.

    Examples:
        >>> retrograd.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    check_layout(layout, "linspace")
    check_pin_memory(pin_memory)
    if out is not None:
        return write_out(out, linspace, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    start, end = _spacing_bounds("linspace", start, end, steps, _LINSPACE_SIGNATURES)
    if dtype is None and (isinstance(start, complex) or isinstance(end, complex)):
        dtype = _dt.result_type(start, end)  # complex bounds: the default complex dtype
    n = check_steps(steps)
    no_bool_range("linspace", dtype, n)
    values = linspace_values(start, end, n, _float_or(dtype).np)
    return _factory(values, requires_grad, dev)


def logspace(
    start: Any,
    end: Any,
    steps: int,
    base: float = 10.0,
    *,
    dtype: dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    out: Any = None,
) -> Tensor:
    """`steps` values spaced evenly on a log scale: `base ** linspace(start, end, steps)`.

    Args:
        start (number): the first exponent.
        end (number): the last exponent (included).
        steps (int): how many values.
        base (float): the base of the exponents (default 10.0).
        dtype (dtype, optional): the dtype (default: the default float dtype).
        device (str or device, optional): the device.
        requires_grad (bool): whether the result records a graph (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: 1-D, `steps` values from base ** start to base ** end.

    Examples:
        >>> retrograd.logspace(0, 3, 4)
        tensor([   1.,   10.,  100., 1000.])
        >>> retrograd.logspace(0, 3, 4, base=2)
        tensor([1., 2., 4., 8.])
    """
    check_layout(layout, "logspace")
    check_pin_memory(pin_memory)
    if out is not None:
        return write_out(out, logspace, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    start, end = _spacing_bounds("logspace", start, end, steps, _LOGSPACE_SIGNATURES)
    n = check_steps(steps)
    no_bool_range("logspace", dtype, n)
    values = logspace_values(start, end, n, base, _float_or(dtype).np)
    return _factory(values, requires_grad, dev)
