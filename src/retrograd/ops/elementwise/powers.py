"""Powers: pow (tensor or number bases and exponents), float_power, square, reciprocal.

PyTorch's derivative conventions: d(aⁿ)/da is 0 for n = 0 even where aⁿ⁻¹ is infinite, and
d(aᵇ)/db = aᵇ·ln a is taken as 0 where a = 0 and b ≥ 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...engine.bfloat16 import BF16, converted
from ...engine.bfloat16 import forward as rounded_once
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..kernels.arg_types import check_binary_operands, number_arg
from ..kernels.guards import check_scalar_fits
from ..kernels.operands import as_tensor_of, promote, promote_float
from ..kernels.out_arg import same, write_out

__all__ = ["pow", "float_power", "reciprocal", "square"]


def _integer_power(xp: Any, a: Any, b: Any) -> Any:
    """aᵇ for integers, as PyTorch's CPU kernel: a negative b gives 1 for a = 1, ±1 for a = -1 and
    0 otherwise (NumPy raises), with b's sign taken per element."""
    a, b = xp.broadcast_arrays(a, b)
    negative = b < 0
    if not negative.any():
        return a**b
    result = xp.where(negative, 0, a ** xp.where(negative, 0, b)).astype(xp.result_type(a, b))
    ones = negative & (a == 1)
    minus_ones = negative & (a == -1)
    result[ones] = 1
    result[minus_ones] = xp.where(b[minus_ones] % 2 == 0, 1, -1)
    return result


# PyTorch's CPU kernel for a float or double base and these number exponents (pow_tensor_scalar):
# plain products and square roots, which round differently from the C library's pow
_EXACT_FORMS = {
    3: lambda xp, a: a * a * a,
    -2: lambda xp, a: 1 / (a * a),
    0.5: lambda xp, a: xp.sqrt(a),
    -0.5: lambda xp, a: 1 / xp.sqrt(a),
}


def _scalar_power(xp: Any, a: Any, exponent: Any) -> Any:
    """aⁿ for a number n, computed as PyTorch's CPU kernel computes it (x**3 is x·x·x, x**0.5 is √x)."""
    if a.dtype.kind == "b":
        return (a**exponent).astype(bool)  # NumPy: int8
    form = _EXACT_FORMS.get(exponent) if a.dtype.kind == "f" and a.dtype.itemsize >= 4 else None
    return a**exponent if form is None else form(xp, a)


def _half_scalar_power(xp: Any, a: Any, exponent: Any) -> Any:
    """float16/bfloat16 aⁿ for a number n, as PyTorch's CPU kernel computes it: n held in the half
    dtype (`x ** 1.7` raises to 1.7001953125 in float16, 1.703125 in bfloat16), bfloat16 squares,
    cubes and inverse squares as products rounded at each step, other powers one float32 pow
    rounded once (bfloat16's √, 1/√ and 1/x: their own kernels, rounded once)."""
    half = a.dtype
    if isinstance(exponent, complex) or (half is BF16 and exponent in (0.5, -0.5, -1)):
        return rounded_once(_scalar_power, xp, (a,), {"exponent": exponent})
    e = np.float32(converted(np.asarray(exponent, np.float64), half))
    wide = a.astype(np.float32)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if half is BF16 and e in (2.0, 3.0, -2.0):
            square = (wide * wide).astype(half).astype(np.float32)
            result = square if e == 2 else square * wide if e == 3 else 1 / square
        else:
            result = wide**e
    return result.astype(half)


def _power(xp: Any, a: Any, b: Any) -> Any:
    return _integer_power(xp, a, b) if a.dtype.kind in "iu" and xp.asarray(b).dtype.kind in "iu" else a**b


_pow_scalar = Primitive(
    "pow",
    _scalar_power,
    # d(aⁿ)/da = n·aⁿ⁻¹ (zero for n = 0, even where aⁿ⁻¹ is infinite)
    [lambda g, a, exponent: g * 0 if exponent == 0 else g * (exponent * a ** (exponent - 1)).conj()],
    node_name="PowBackward0",
    quiet=True,
    half_forward=lambda xp, a, exponent: _half_scalar_power(xp, a, exponent),
)
_pow_tensor = Primitive(
    "pow",
    _power,
    [
        lambda g, a, b: g * (b * a ** (b - 1)),  # d(aᵇ)/da = b·aᵇ⁻¹
        lambda g, a, b, out: g * _log_base_term(a, b, out),
    ],  # d(aᵇ)/db = aᵇ·ln a
    inputs=("a", "b"),
    node_name="PowBackward1",
    quiet=True,
    holomorphic=True,
)
_rpow = Primitive(
    "pow",
    lambda xp, b, base: _power(xp, _integer_base(xp, base, b.dtype), b) if b.dtype.kind in "iu" else base**b,
    [lambda g, out, base: g * (out * _ln(base, out.is_complex()))],  # d(cᵇ)/db = cᵇ·ln c
    inputs=("b",),
    node_name="PowBackward2",
    quiet=True,
    holomorphic=True,
)


def _integer_base(xp: Any, base: int, dt: Any) -> Any:
    """A number base in the exponent's integer dtype; one out of its range wraps around as PyTorch's
    cast does (-3 for uint8 is 253, 300 for int8 is 44), where NumPy raises OverflowError."""
    try:
        return xp.asarray(base, dt)
    except OverflowError:
        return xp.asarray(np.asarray(base).astype(dt))


def _ln(x: Any, complex_result: bool) -> Any:
    """ln of a base; a negative (or complex) one has a complex logarithm when the power is complex."""
    import cmath
    import math

    if complex_result and x != 0:
        return cmath.log(x)
    return math.log(x) if x > 0 else float("nan") if x < 0 else float("-inf")


def _log_base_term(a: Tensor, b: Tensor, out: Tensor) -> Tensor:
    # aᵇ·ln a, defined as 0 where a == 0 and b >= 0 (the limit PyTorch uses)
    from .clamp_where import where

    safe = (a == 0) & ((b.real if b.is_complex() else b) >= 0)
    return where(safe, 0.0, out * a.log())


def _no_bool_pair(dt: _dt.dtype) -> None:
    """PyTorch has no bool kernel for a power whose exponent is a tensor (a bool base with a Python
    number exponent stays bool)."""
    if dt is _dt.bool_:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")


def pow(input: Any, exponent: Any, *, out: Any = None) -> Tensor:
    """`input ** exponent`, for tensors and Python numbers on either side.

    Args:
        input (Tensor or number): the base.
        exponent (Tensor or number): the exponent; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input ** exponent`, of the broadcast shape and the promoted dtype.

    Examples:
        >>> retrograd.pow(retrograd.tensor([1.0, 2.0, 3.0]), 2)
        tensor([1., 4., 9.])
        >>> retrograd.pow(2, retrograd.tensor([0, 1, 2]))
        tensor([1, 2, 4])
    """
    check_binary_operands("pow", input, exponent, out, number_first="out", second="exponent")
    if out is not None:
        return write_out(out, pow, locals())
    if not isinstance(input, Tensor):
        input = number_arg("pow", "self", 1, input)
        b = exponent
        dt = _dt.result_type(input, b)
        _no_bool_pair(dt)
        return _rpow(as_tensor_of(b, dt), base=input)
    if isinstance(exponent, Tensor):
        a, b = promote(input, exponent)
        _no_bool_pair(a.dtype)
        return _pow_tensor(a, b)
    exponent = number_arg("pow", "exponent", 2, exponent)
    dt = _dt.result_type(input, exponent)
    if dt._category < 2 and exponent < 0:  # an integer or bool result (a complex exponent has no sign)
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dt is _dt.float16:  # its kernel holds the exponent as a float16 (bfloat16's range takes any)
        check_scalar_fits(exponent, dt)
    return _pow_scalar(as_tensor_of(input, dt), exponent=exponent)


_FLOAT_POWER_OUT = same(
    "the output given to float_power has dtype {dst} but the operation's result requires dtype {src}"
)


def float_power(input: Any, exponent: Any, *, out: Any = None) -> Tensor:
    """Elementwise `input ** exponent` computed in double precision (float64, or complex128).

    Args:
        input (Tensor or number): the bases.
        exponent (Tensor or number): the exponents; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, float64 (complex128 if either operand is complex).

    Examples:
        >>> retrograd.float_power(retrograd.tensor([2, 3, 4]), 2)
        tensor([ 4.,  9., 16.], dtype=retrograd.float64)
        >>> retrograd.float_power(retrograd.tensor([4.0, 9.0]), 0.5).dtype
        retrograd.float64
    """
    check_binary_operands("float_power", input, exponent, out, number_first="out", second="exponent")
    if out is not None:
        return write_out(out, float_power, locals(), _FLOAT_POWER_OUT)
    dt = _dt.complex128 if _is_complex(input) or _is_complex(exponent) else _dt.float64
    x = as_tensor_of(input, dt)
    e = as_tensor_of(exponent, dt) if isinstance(exponent, Tensor) else exponent
    return pow(x, e)


def _is_complex(x: Any) -> bool:
    """A complex tensor or number: float_power then computes in complex128."""
    return x.is_complex() if isinstance(x, Tensor) else isinstance(x, (complex, np.complexfloating))


def square(input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise `input ** 2` (bool and integer inputs give int64).

    Args:
        input (Tensor): any shape.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape.

    Examples:
        >>> retrograd.square(retrograd.tensor([-2.0, 0.5, 3.0]))
        tensor([4.0000, 0.2500, 9.0000])
        >>> retrograd.square(retrograd.tensor([-3, 4]))
        tensor([ 9, 16])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("square", input)
    if out is not None:
        return write_out(out, square, locals())
    if input.dtype is _dt.bool_:
        input = input.to(_dt.int64)
    return pow(input, 2)


def reciprocal(input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise `1 / input` (integer inputs give the default float).

    Args:
        input (Tensor): any shape.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape (`inf` at 0).

    Examples:
        >>> retrograd.reciprocal(retrograd.tensor([2.0, -0.5, 0.0]))
        tensor([ 0.5000, -2.0000,     inf])
        >>> retrograd.reciprocal(retrograd.tensor([4, 8]))
        tensor([0.2500, 0.1250])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("reciprocal", input)
    if out is not None:
        return write_out(out, reciprocal, locals())

    return _reciprocal(promote_float(input))


_reciprocal = Primitive(
    "reciprocal",
    lambda xp, a: 1 / a,
    [lambda g, out: g * -(out * out)],  # d(1/a)/da = -1/a²
    quiet=True,
    holomorphic=True,
)
