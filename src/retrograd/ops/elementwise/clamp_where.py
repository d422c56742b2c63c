"""Choosing between values elementwise: clamp, where, maximum, minimum, fmax, fmin.

Each output element is one of the inputs' elements (or a bound), so every
derivative passes the gradient to the input that was chosen: ties share it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import warn_once
from ...backend import on_device_of
from ...engine.numpy_errors import broadcast_mismatch
from ...engine.primitive import Primitive, not_a_tensor
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.arg_types import check_tensors, invalid_combination, plain_number
from ..kernels.dtype_support import no_complex, no_wide_unsigned_kernel
from ..kernels.guards import check_scalar_fits, fitted_scalar, overflow_error
from ..kernels.operands import as_tensor_of, on_one_device, promote, recorded, tensor_of
from ..kernels.out_arg import SAME_INPUT, same, write_out
from ..kernels.select import select
from .compare import logical_not

__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "where", "maximum", "minimum", "fmax", "fmin"]


# --- clamp: the gradient passes where the input was inside the bounds (ties included) ---


def gated(g: Tensor, keep: Tensor | float) -> Tensor:
    """`g` where `keep` holds, +0 elsewhere (PyTorch's masked backwards select, so they print `0.`, not `-0.`).

    A bool `keep` selects (an inf or NaN gradient where it is False gives 0, as in PyTorch); a
    number or float tensor scales, and adding 0.0 turns the -0.0 of a negative g times 0 into +0.0.
    """
    if isinstance(keep, Tensor) and keep.dtype is _dt.bool_:
        return where(keep, g, 0.0)
    return g * keep + 0.0


def _clamp_primitive(node_name: str) -> Primitive:
    return Primitive(
        "clamp",
        lambda xp, a, lo, hi: _clip(xp, a, lo, hi),
        [lambda g, a, lo, hi: gated(g, _inside(a, lo, hi))],
        node_name=node_name,
    )


_clamp = _clamp_primitive("ClampBackward1")
_clamp_min = _clamp_primitive("ClampMinBackward0")
_clamp_max = _clamp_primitive("ClampMaxBackward0")
_clamp_tensor = Primitive(
    "clamp",
    lambda xp, a, lo, hi: xp.minimum(xp.maximum(a, lo), hi),
    [
        lambda g, a, lo, hi: gated(g, (a >= lo) & (a <= hi)),
        lambda g, a, lo, hi: gated(g, (a < lo) & (lo <= hi)),
        lambda g, a, lo, hi: gated(g, (a > hi) | (lo > hi)),
    ],
    inputs=("a", "lo", "hi"),
    node_name="ClampBackward0",
)


def _clip(xp: Any, a: Any, lo: Any, hi: Any) -> Any:
    out = a
    if lo is not None:
        out = xp.maximum(out, lo)
    if hi is not None:
        out = xp.minimum(out, hi)
    return out if out is not a else a.copy()


def _inside(a: Tensor, lo: Any, hi: Any) -> Any:
    mask = None
    if lo is not None:
        mask = a >= lo
    if hi is not None:
        upper = a <= hi
        mask = upper if mask is None else mask & upper
    return mask


_CLAMP_SIGNATURES = (
    "Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None",
    "Tensor input, Number min = None, Number max = None, *, Tensor out = None",
)

_CLAMP_MIN_SIGNATURES = tuple(f"Tensor input, {kind} min, *, Tensor out = None" for kind in ("Tensor", "Number"))
_CLAMP_MAX_SIGNATURES = tuple(f"Tensor input, {kind} max, *, Tensor out = None" for kind in ("Tensor", "Number"))


def clamp(input: Tensor, min: Any = None, max: Any = None, *, out: Any = None) -> Tensor:
    """Limit values to `[min, max]`; the gradient is 1 inside (bounds included), 0 outside.

    Args:
        input (Tensor): any shape.
        min (number or Tensor, optional): the lower bound.
        max (number or Tensor, optional): the upper bound (at least one bound is needed).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `min(max(input, min), max)` elementwise.

    Examples:
        >>> retrograd.clamp(retrograd.tensor([-2.0, 0.5, 3.0]), min=-1, max=1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if not isinstance(input, Tensor):
        raise invalid_combination("clamp", (input,), _CLAMP_SIGNATURES)
    if min is not None and max is not None and _one_tensor_one_number(min, max):
        raise invalid_combination("clamp", (input, min, max), _CLAMP_SIGNATURES)
    if out is not None:
        return write_out(out, clamp, locals(), SAME_INPUT)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    no_complex(NotImplementedError, "clamp is not supported for complex types", input)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        one_sided = "maximum_cpu" if max is None else "minimum_cpu" if min is None else "clamp_cpu"
        no_wide_unsigned_kernel(one_sided, input)
        _no_bound_kernel(one_sided, input, min, max)
        lo, hi = _open_bounds(_dt.result_type(input, *(b for b in (min, max) if b is not None)))
        a, lo_t, hi_t = promote(input, lo if min is None else min, hi if max is None else max)
        return _clamp_tensor(a, lo_t, hi_t)
    _check_number_bounds("clamp", input, _CLAMP_SIGNATURES, min, max)
    return _clamp_by_numbers(_clamp, input, min, max)


def _no_bound_kernel(kernel: str, input: Tensor, *bounds: Any) -> None:
    """Tensor bounds run maximum, minimum or clamp's kernel in the promoted dtype: none has a
    complex one (a complex bound of a real input), and clamp's has no bool one."""
    dt = _dt.result_type(input, *(b for b in bounds if b is not None))
    if dt.is_complex or (dt is _dt.bool_ and kernel == "clamp_cpu"):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.kind_name}'")


def _one_tensor_one_number(min: Any, max: Any) -> bool:
    """PyTorch's signatures take both bounds as tensors or both as numbers. A 0-d tensor that does
    not require grad passes for a number, so only a bound that cannot be read as one is refused."""
    if isinstance(min, Tensor) == isinstance(max, Tensor):
        return False
    bound = min if isinstance(min, Tensor) else max
    return bound.ndim != 0 or bound.requires_grad


def _open_bounds(dt: _dt.dtype) -> tuple[Any, Any]:
    """The bounds that clamp nothing in `dt`: a missing bound, kept from changing the result's
    dtype (an integer tensor clamped by an integer tensor stays integer)."""
    if dt.is_floating_point or dt.is_complex:
        return -math.inf, math.inf
    if dt is _dt.bool_:
        return False, True
    info = np.iinfo(dt.np)
    return int(info.min), int(info.max)


# the bound types of PyTorch's Number: Python's and NumPy's numbers
_NUMBERS = (int, float, complex, np.number, np.bool_)


def _check_number_bounds(name: str, input: Tensor, signatures: tuple[str, ...], *bounds: Any) -> None:
    """PyTorch's parser refuses bounds that are neither tensors nor numbers (a string, a list)."""
    for bound in bounds:
        if bound is not None and not isinstance(bound, _NUMBERS):
            raise invalid_combination(name, (input, *(b for b in bounds if b is not None)), signatures)


def _clamp_by_numbers(prim: Primitive, input: Tensor, min: Any, max: Any) -> Tensor:
    """Clamp to number bounds (either may be None); `prim` names the node: ClampBackward1 for
    `clamp`, ClampMinBackward0/ClampMaxBackward0 for `clamp_min`/`clamp_max`, as PyTorch records them."""
    min, max = plain_number(min), plain_number(max)  # NumPy's float64 would make a float32 result float64
    if isinstance(min, complex) or isinstance(max, complex):
        min, max = _real_bounds(prim, input, min, max)
    dt = _dt.result_type(input, *(v for v in (min, max) if v is not None))
    if not dt.is_floating_point:  # bounds are stored in the integer dtype first, as in PyTorch
        bounded = "clamp" if min is not None and max is not None else "clamp_min" if max is None else "clamp_max"
        no_wide_unsigned_kernel(f"{bounded}_scalar_cpu", input)
        if dt is _dt.bool_:  # bools clamped by bools: no kernel
            raise NotImplementedError(f"\"{bounded}_scalar_cpu\" not implemented for 'Bool'")
        min, max = fitted_scalar(min, dt), fitted_scalar(max, dt)
    for bound in (min, max):  # a finite float bound beyond the dtype's range is refused
        check_scalar_fits(bound, dt)
    return prim(as_tensor_of(input, dt), lo=min, hi=max)


def _real_bounds(prim: Primitive, input: Tensor, min: Any, max: Any) -> tuple[Any, Any]:
    """Complex number bounds: `clamp` of a float tensor reads them as doubles (the real part, when
    the imaginary one is zero); clamp_min/clamp_max, and any clamp of an integer tensor, promote
    to a complex dtype, which clamp refuses (PyTorch's two paths)."""
    if prim is not _clamp or not input.dtype.is_floating_point:
        raise NotImplementedError("clamp is not supported for complex types")
    if any(isinstance(v, complex) and v.imag != 0 for v in (min, max)):
        raise overflow_error(_dt.float64)
    return (None if min is None else min.real), (None if max is None else max.real)


clip = clamp


def clamp_min(input: Tensor, min: Any, *, out: Any = None) -> Tensor:
    """Elementwise `max(input, min)`: `clamp` with only a lower bound.

    Args:
        input (Tensor): any shape.
        min (number or Tensor): the lower bound (a tensor broadcasts).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s shape (the broadcast shape for a tensor bound).

    Examples:
        >>> retrograd.clamp_min(retrograd.tensor([-2.0, 0.5, 3.0]), 0.0)
        tensor([0.0000, 0.5000, 3.0000])
    """
    if out is not None:
        return write_out(out, clamp_min, locals(), SAME_INPUT)
    if isinstance(min, Tensor):  # maximum's kernel, which names itself for a complex input too
        _no_bound_kernel("maximum_cpu", input, min)
        return clamp(input, min=min)
    _check_number_bounds("clamp_min", input, _CLAMP_MIN_SIGNATURES, min)
    if min is None:
        raise invalid_combination("clamp_min", (input, min), _CLAMP_MIN_SIGNATURES)
    no_complex(NotImplementedError, "clamp is not supported for complex types", input)
    return _clamp_by_numbers(_clamp_min, input, min, None)


def clamp_max(input: Tensor, max: Any, *, out: Any = None) -> Tensor:
    """Elementwise `min(input, max)`: `clamp` with only an upper bound.

    Args:
        input (Tensor): any shape.
        max (number or Tensor): the upper bound (a tensor broadcasts).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s shape (the broadcast shape for a tensor bound).

    Examples:
        >>> retrograd.clamp_max(retrograd.tensor([-2, 1, 3]), 1)
        tensor([-2,  1,  1])
    """
    if out is not None:
        return write_out(out, clamp_max, locals(), SAME_INPUT)
    if isinstance(max, Tensor):  # minimum's kernel, which names itself for a complex input too
        _no_bound_kernel("minimum_cpu", input, max)
        return clamp(input, max=max)
    _check_number_bounds("clamp_max", input, _CLAMP_MAX_SIGNATURES, max)
    if max is None:
        raise invalid_combination("clamp_max", (input, max), _CLAMP_MAX_SIGNATURES)
    no_complex(NotImplementedError, "clamp is not supported for complex types", input)
    return _clamp_by_numbers(_clamp_max, input, None, max)


# --- selection between two tensors --------------------------------------------------------

_where = Primitive(
    "where",
    lambda xp, a, b, cond: select(xp, cond, a, b),
    [
        lambda g, cond: gated(g, Tensor._make(cond)),  # where(c, 1, 0)
        lambda g, cond: gated(g, logical_not(Tensor._make(cond))),  # an op, so compile records it
    ],  # where(c, 0, 1)
    inputs=("a", "b"),
    saves_number=True,  # PyTorch saves the condition: a second backward raises
)


_UINT8_CONDITION = (
    "where received a uint8 condition tensor. This behavior is deprecated and will be removed in a "
    "future version of PyTorch. Use a boolean condition instead."
)


_WHERE_SIGNATURES = (
    "Tensor condition",
    "Tensor condition, Tensor input, Tensor other, *, Tensor out = None",
    "Tensor condition, Number self, Tensor other",
    "Tensor condition, Tensor input, Number other",
    "Tensor condition, Number self, Number other",
)


def where(condition: Any, input: Any = None, other: Any = None, *, out: Any = None) -> Any:
    """`input` where `condition` holds, else `other`; `where(cond)` alone gives `nonzero(as_tuple=True)`.

    Args:
        condition (Tensor): a bool tensor; broadcasts with `input` and `other`.
        input (Tensor or number): the values where `condition` is True.
        other (Tensor or number): the values where it is False.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the chosen values, of the broadcast shape (or, for `where(condition)`, a tuple of index tensors).

    Examples:
        >>> x = retrograd.tensor([-1.0, 2.0, -3.0])
        >>> retrograd.where(x > 0, x, 0.0)
        tensor([0., 2., 0.])
        >>> retrograd.where(x > 0)
        (tensor([1]),)
    """
    if not isinstance(condition, Tensor):
        raise not_a_tensor("where", condition, "condition")
    if out is not None:
        return write_out(out, where, locals(), same("Expected out type to be {src} but got {dst}"))
    if input is None and other is None:
        from ..indexing.nonzeros import nonzero

        return nonzero(condition, as_tuple=True)
    if input is None or other is None:  # where(condition, x): no signature takes two arguments or None
        given = (condition, input) if other is None else (condition, input, other)
        raise invalid_combination("where", given, _WHERE_SIGNATURES)
    if _vmap.active and (r := batched("elementwise", where, condition, input, other)) is not NOT_BATCHED:
        return r
    cond = tensor_of(condition)
    if cond.dtype is not _dt.bool_:
        if cond.dtype is _dt.uint8:
            warn_once("where: uint8 condition", _UINT8_CONDITION)
            cond = cond.to(_dt.bool_)
        else:
            raise RuntimeError(
                f"where expected condition to be a boolean tensor, but got a tensor with dtype {cond.dtype.kind_name}"
            )
    for v in (input, other):
        if not isinstance(v, Tensor):
            check_scalar_fits(v, _dt.result_type(input, other), half_rounds=True)
    a, b = promote(input, other)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):  # two numbers: on the condition's device
        a, b = (Tensor._make(on_device_of(t._data, cond._data)) for t in (a, b))
    cond, a, b = on_one_device("where", cond, a, b)  # the condition is a tensor input too
    try:
        return _where(a, b, cond=cond._data.copy() if recorded(a, b) else cond._data)
    except RuntimeError as e:  # PyTorch broadcasts the condition first, so its error names it tensor a
        raise broadcast_mismatch([cond.shape, a.shape, b.shape]) or e from None



# maximum/minimum split the gradient evenly on ties, as PyTorch does
_maximum = Primitive(
    "maximum",
    lambda xp, a, b: xp.maximum(a, b),
    [lambda g, a, b: _shared(g, a, b, a > b), lambda g, a, b: _shared(g, b, a, b > a)],
    inputs=("a", "b"),
)
_minimum = Primitive(
    "minimum",
    lambda xp, a, b: xp.minimum(a, b),
    [lambda g, a, b: _shared(g, a, b, a < b), lambda g, a, b: _shared(g, b, a, b < a)],
    inputs=("a", "b"),
)
_fmax = Primitive(
    "fmax",
    lambda xp, a, b: xp.fmax(a, b),
    [lambda g, a, b: gated(g, (a >= b) | b.isnan()), lambda g, a, b: gated(g, ~((a >= b) | b.isnan()))],
    inputs=("a", "b"),
)
_fmin = Primitive(
    "fmin",
    lambda xp, a, b: xp.fmin(a, b),
    [lambda g, a, b: gated(g, (a <= b) | b.isnan()), lambda g, a, b: gated(g, ~((a <= b) | b.isnan()))],
    inputs=("a", "b"),
)


def _shared(g: Tensor, x: Tensor, y: Tensor, wins: Tensor) -> Tensor:
    """g where x wins, half of it on a tie (PyTorch splits the gradient), +0 where x loses."""
    return where(wins, g, where(x == y, g * 0.5, 0.0))


def maximum(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise max (NaN propagates); ties share the gradient.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the larger of each pair.

    Examples:
        >>> retrograd.maximum(retrograd.tensor([1, 5]), retrograd.tensor([3, 2]))
        tensor([3, 5])
    """
    if type(input) is not Tensor or type(other) is not Tensor:  # (subclasses pass the check)
        check_tensors("maximum", input=input, other=other)
    if out is not None:
        return write_out(out, maximum, locals())
    no_complex(RuntimeError, "maximum not implemented for complex tensors.", input, other)
    a, b = promote(input, other)
    if a._data.dtype.kind == "u":
        no_wide_unsigned_kernel("maximum_cpu", a)
    return _maximum(a, b)


def minimum(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise min (NaN propagates); ties share the gradient.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the smaller of each pair.

    Examples:
        >>> retrograd.minimum(retrograd.tensor([1, 5]), retrograd.tensor([3, 2]))
        tensor([1, 2])
    """
    if type(input) is not Tensor or type(other) is not Tensor:  # (subclasses pass the check)
        check_tensors("minimum", input=input, other=other)
    if out is not None:
        return write_out(out, minimum, locals())
    no_complex(RuntimeError, "minimum not implemented for complex tensors.", input, other)
    a, b = promote(input, other)
    if a._data.dtype.kind == "u":
        no_wide_unsigned_kernel("minimum_cpu", a)
    return _minimum(a, b)


def fmax(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise maximum that ignores NaN: a NaN operand yields the other one (broadcasting).

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape (NaN only where both are NaN).

    Examples:
        >>> nan = float('nan')
        >>> retrograd.fmax(retrograd.tensor([1.0, nan, 3.0]), retrograd.tensor([2.0, 0.0, nan]))
        tensor([2., 0., 3.])
    """
    if type(input) is not Tensor or type(other) is not Tensor:  # (subclasses pass the check)
        check_tensors("fmax", input=input, other=other)
    if out is not None:
        return write_out(out, fmax, locals())
    no_complex(RuntimeError, "fmax not implemented for complex tensors.", input, other)
    return _fmax(*promote(input, other))


def fmin(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise minimum that ignores NaN: a NaN operand yields the other one (broadcasting).

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape (NaN only where both are NaN).

    Examples:
        >>> nan = float('nan')
        >>> retrograd.fmin(retrograd.tensor([1.0, nan, 3.0]), retrograd.tensor([2.0, 0.0, nan]))
        tensor([1., 0., 3.])
    """
    if type(input) is not Tensor or type(other) is not Tensor:  # (subclasses pass the check)
        check_tensors("fmin", input=input, other=other)
    if out is not None:
        return write_out(out, fmin, locals())
    no_complex(RuntimeError, "fmin not implemented for complex tensors.", input, other)
    return _fmin(*promote(input, other))
