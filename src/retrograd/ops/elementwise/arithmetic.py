"""Arithmetic: + - * / and friends, with PyTorch's type promotion (powers: `powers`; // and %:
`rounded_division`; addcmul, addcdiv, lerp: `three_operand`).

Each primitive is one line of forward and one derivative per input; the engine
sums gradients back to each input's shape, so rules ignore broadcasting.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...engine.bfloat16 import added_number
from ...engine.bfloat16 import forward as rounded_once
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..kernels import deprecated_overloads
from ..kernels.arg_types import invalid_combination
from ..kernels.dtype_support import no_wide_unsigned_kernel
from ..kernels.fused_multiply_add import fma, half_scaled_sum, opmath_scalar
from ..kernels.guards import check_int_divisor, check_scalar_fits
from ..kernels.operands import (
    as_tensor_of,
    conj_number,
    constant,
    is_operand,
    promote,
    refused_operand,
    scalar_operand,
)
from ..kernels.out_arg import SAME_INPUT, write_out
from ..kernels.placement import in_operands_layout
from .powers import reciprocal
from .rounded_division import _floor_div, _trunc_div

__all__ = [
    "add",
    "sub",
    "rsub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "rdiv",
    "neg",
    "negative",
]

# `into`: the same ufunc written into a dying input's memory (retrograd.compile's generated code)
# (`in_operands_layout`: PyTorch's layout where the operands' memory orders differ)
_add = Primitive("add", lambda xp, a, b: in_operands_layout(xp, a + b, a, b), [lambda g: g, lambda g: g],
                 inputs=("a", "b"), into=lambda xp, a, b, out: xp.add(a, b, out=out))
_sub = Primitive("sub", lambda xp, a, b: in_operands_layout(xp, a - b, a, b), [lambda g: g, lambda g: -g],
                 inputs=("a", "b"), into=lambda xp, a, b, out: xp.subtract(a, b, out=out))
_mul = Primitive(
    "mul",
    lambda xp, a, b: in_operands_layout(xp, a * b, a, b),
    [
        lambda g, b: g * b.conj(),  # d(ab)/da = b (conjugated for complex: PyTorch's convention)
        lambda g, a: g * a.conj(),
    ],  # d(ab)/db = a
    inputs=("a", "b"),
    array_rules=[lambda xp, g, b: g * b, lambda xp, g, a: g * a],  # (real arrays: nothing to conjugate)
    into=lambda xp, a, b, out: xp.multiply(a, b, out=out),
)
_div = Primitive(
    "div",
    lambda xp, a, b: in_operands_layout(xp, a / b, a, b),
    [
        lambda g, b: g / b.conj(),  # d(a/b)/da = 1/b
        lambda g, a, b: -g * ((a / b) / b).conj(),  # rounded as PyTorch's: (a/b)/b, not a/(b*b)
    ],  # d(a/b)/db = -a/b²
    inputs=("a", "b"),
    quiet=True,
    into=lambda xp, a, b, out: xp.true_divide(a, b, out=out),
)


def _no_gradient(g: Tensor) -> Tensor:
    """Rounded division's derivative: zero (+0, as PyTorch's zeros), kept in the graph through `g`."""
    return g * 0 + 0.0  # g·0 alone is -0.0 for a negative g


_trunc_divide = Primitive(
    "div",
    lambda xp, a, b: _trunc_div(xp, a, b),
    [_no_gradient, _no_gradient],
    inputs=("a", "b"),
    node_name="DivBackward1",
    quiet=True,
)
_floor_divide_r = Primitive(
    "div",
    lambda xp, a, b: _floor_div(xp, a, b),
    [_no_gradient, _no_gradient],
    inputs=("a", "b"),
    node_name="DivBackward1",
    quiet=True,
)
_neg = Primitive("neg", lambda xp, a: -a, [lambda g: -g], into=lambda xp, a, out: xp.negative(a, out=out))


def _scaled_sum(xp: Any, a: Any, b: Any, alpha: Any) -> Any:
    """a + alpha·b as PyTorch's kernel computes it: one fused multiply-add for floats (a bool
    alpha·b is `b and alpha`, the sum an or)."""
    kind = a.dtype.kind
    if kind == "b":
        return a | (b & bool(alpha))
    if kind in "iu":  # alpha in the result's dtype: -2 for uint8 is 254, as PyTorch casts it
        return a + b * np.asarray(alpha).astype(a.dtype)
    return fma(xp, b, opmath_scalar(alpha, a.dtype, via_dtype=True), a, a.dtype)


def _scaled_sum_half(xp: Any, a: Any, b: Any, alpha: Any) -> Any:
    """float16/bfloat16 a + alpha·b: alpha held in the half dtype (as add's kernel takes it), then float32."""
    if xp is np and a.dtype == b.dtype:
        return half_scaled_sum(a, b, added_number(a, alpha))
    return rounded_once(_scaled_sum, xp, (a, b), {"alpha": added_number(a, alpha)})


# add and sub with alpha ≠ 1: one node each, as PyTorch's (alpha an attribute of AddBackward0/SubBackward0)
_add_alpha = Primitive(
    "add",
    lambda xp, a, b, alpha: in_operands_layout(xp, _scaled_sum(xp, a, b, alpha), a, b),
    [lambda g: g, lambda g, alpha: g * conj_number(alpha)],
    inputs=("a", "b"), node_name="AddBackward0", half_forward=_scaled_sum_half,
)
_sub_alpha = Primitive(
    "sub",
    lambda xp, a, b, alpha: in_operands_layout(xp, _scaled_sum(xp, a, b, -alpha), a, b),
    [lambda g: g, lambda g, alpha: g * -conj_number(alpha)],
    inputs=("a", "b"), node_name="SubBackward0",
    half_forward=lambda xp, a, b, alpha: _scaled_sum_half(xp, a, b, -alpha),
)


def _checked_alpha(dt: _dt.dtype, alpha: Any) -> None:
    """PyTorch's alpha_check: a multiplier that the result's dtype cannot take exactly is refused."""
    if type(alpha) is bool and dt is not _dt.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if not (dt.is_floating_point or dt.is_complex) and isinstance(alpha, (float, complex)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if not dt.is_complex and isinstance(alpha, complex):
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")


def _unit_alpha(alpha: Any) -> bool:
    """An integer alpha of 1: a plain sum. A bool or float 1 is checked against the result's dtype
    (`alpha=1.0` with integer tensors raises), as PyTorch's alpha_check does."""
    return alpha == 1 and isinstance(alpha, (int, np.integer)) and type(alpha) is not bool


def _with_alpha(prim: Primitive, input: Any, other: Any, alpha: Any) -> Tensor:
    """input ± alpha·other for a Python number alpha ≠ 1, in the operands' promoted dtype."""
    a, b = promote(input, other)
    no_wide_unsigned_kernel("add_stub", a)
    _checked_alpha(a.dtype, alpha)
    # the kernel takes alpha (sub: -alpha) in the result's dtype, refusing one it cannot hold
    check_scalar_fits(-alpha if prim is _sub_alpha else alpha, a.dtype)
    return prim(a, b, alpha=alpha)


_NUMBERS = (int, float, complex)


# A Python number next to a float tensor leaves its dtype unchanged, so these skip
# promotion and the constant tensor (the common `x * 2`, `x + 1`).
_add_scalar = Primitive("add", lambda xp, a, c: a + c, [lambda g: g], node_name="AddBackward0", constant_edges=1,
                        into=lambda xp, a, c, out: xp.add(a, c, out=out))
_sub_scalar = Primitive("sub", lambda xp, a, c: a - c, [lambda g: g], node_name="SubBackward0", constant_edges=1,
                        into=lambda xp, a, c, out: xp.subtract(a, c, out=out))
_rsub_scalar = Primitive("rsub", lambda xp, a, c: c - a, [lambda g: -g], node_name="RsubBackward1")
# their rules call the scalar fast path directly: c passed `_keeps_dtype` in the forward, and the
# gradient has the input's float dtype, so `g * c` would come to the same call (W1: ~10% of an op)
def _by_number(name: str, forward: Any, node: str, **kw: Any) -> Primitive:
    prim = Primitive(name, forward, [lambda g, c: prim.scalar(g, c)], node_name=node, saves_number=True, **kw)
    return prim


_mul_scalar = _by_number("mul", lambda xp, a, c: a * c, "MulBackward0", constant_edges=1,
                         into=lambda xp, a, c, out: xp.multiply(a, c, out=out))
_div_scalar = _by_number("div", lambda xp, a, c: a / c, "DivBackward0", quiet=True, constant_edges=1,
                         into=lambda xp, a, c, out: xp.true_divide(a, c, out=out))
# ATen's composites scale by numbers they computed (C++ Scalars), recorded as ...Backward1
# (cross_entropy's label smoothing and mean over probability targets): `mul_number.scalar(t, c)`
mul_number = _by_number("mul", lambda xp, a, c: a * c, "MulBackward1")
div_number = _by_number("div", lambda xp, a, c: a / c, "DivBackward1", quiet=True)
add_number = Primitive("add", lambda xp, a, c: a + c, [lambda g: g], node_name="AddBackward1")  # special_ndtr's 1 + erf


def _same_float(a: Any, b: Any) -> bool:
    """Two float tensors of one dtype: no promotion to work out (most ops of a training step)."""
    if not (isinstance(b, Tensor) and isinstance(a, Tensor)):
        return False
    dt = a._data.dtype
    return dt is b._data.dtype and dt.kind == "f"


def _keeps_dtype(t: Any, c: Any) -> bool:
    """True for a float tensor and a Python int/float (not bool): the fast path applies."""
    tc = type(c)
    return (tc is float or tc is int) and isinstance(t, Tensor) and _dt.is_floating(t._data.dtype)


def add(input: Any, other: Any, *alpha_first: Any, alpha: Any = 1, out: Any = None) -> Tensor:
    """`input + alpha * other`, broadcasting, with PyTorch's type promotion.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second operand; broadcasts against `input`.
        alpha (number): the multiplier of `other`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input + alpha * other`, of the broadcast shape and the promoted dtype.

    Examples:
        >>> a = retrograd.tensor([1.0, 2.0, 3.0])
        >>> retrograd.add(a, 10)
        tensor([11., 12., 13.])
        >>> retrograd.add(a, retrograd.tensor([[1.0], [2.0]]), alpha=2)
        tensor([[3., 4., 5.],
                [5., 6., 7.]])
    """
    if alpha_first:
        other, alpha = deprecated_overloads.alpha_first("add", other, alpha_first, out is not None, alpha)
    if out is not None:
        return write_out(out, add, locals())
    if _unit_alpha(alpha):
        if _keeps_dtype(input, other):
            return _add_scalar.scalar(input, added_number(input._data, other))
        if _same_float(input, other):
            return _add(input, other)
    if not is_operand(other):  # (the fast paths above took numbers and tensors)
        return refused_operand("add", other)
    if not _unit_alpha(alpha):
        if isinstance(alpha, _NUMBERS):
            return _with_alpha(_add_alpha, input, other, alpha)
        other = mul(other, alpha)
    a, b = promote(input, other)
    no_wide_unsigned_kernel("add_stub", a)  # (sub is add's kernel too)
    return _add(a, b)


def sub(input: Any, other: Any, *alpha_first: Any, alpha: Any = 1, out: Any = None) -> Tensor:
    """`input - alpha * other`.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the operand subtracted; broadcasts against `input`.
        alpha (number): the multiplier of `other`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input - alpha * other`, of the broadcast shape and the promoted dtype.

    Examples:
        >>> retrograd.sub(retrograd.tensor([5, 6]), retrograd.tensor([1, 2]), alpha=2)
        tensor([3, 2])
    """
    if alpha_first:
        other, alpha = deprecated_overloads.alpha_first("sub", other, alpha_first, out is not None, alpha)
    if out is not None:
        return write_out(out, sub, locals())
    if _unit_alpha(alpha) and type(other) is not bool:
        if _keeps_dtype(input, other):
            return _sub_scalar.scalar(input, added_number(input._data, other))
        if _same_float(input, other):
            return _sub(input, other)
    if not is_operand(other):
        return refused_operand("sub", other)
    # a Python bool counts as a bool tensor here, as in PyTorch (NumPy's bool_ does not)
    bools = [x for x in (input, other) if type(x) is bool or (isinstance(x, Tensor) and x.dtype is _dt.bool_)]
    if len(bools) == 2:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if bools:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    if not _unit_alpha(alpha):
        if isinstance(alpha, _NUMBERS):
            return _with_alpha(_sub_alpha, input, other, alpha)
        other = mul(other, alpha)
    a, b = promote(input, other)
    no_wide_unsigned_kernel("add_stub", a)  # (sub is add's kernel too)
    return _sub(a, b)


deprecated_overloads.hide_scalars_first(add)
deprecated_overloads.hide_scalars_first(sub)
subtract = sub


_RSUB_SIGNATURES = ("Tensor input, Tensor other, *, Number alpha = 1", "Tensor input, Number other, Number alpha = 1")


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """Reversed subtraction `other - alpha * input`, elementwise (broadcasting); what `2 - x` runs.

    Args:
        input (Tensor or number): the subtrahend.
        other (Tensor or number): the minuend; broadcasts against `input`.
        alpha (number): the scale of `input` (default 1).

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Examples:
        >>> retrograd.rsub(retrograd.tensor([1, 2, 3]), 10)
        tensor([9, 8, 7])
        >>> retrograd.rsub(retrograd.tensor([1.0, 2.0]), retrograd.tensor([5.0, 5.0]), alpha=2)
        tensor([3., 1.])
    """
    if not isinstance(input, Tensor):  # PyTorch's rsub takes a Number only second
        raise invalid_combination("rsub", (input, other), _RSUB_SIGNATURES)
    if _unit_alpha(alpha) and type(other) is not bool and _keeps_dtype(input, other):
        return _rsub_scalar.scalar(input, added_number(input._data, other))
    if type(other) is bool:  # sub raises PyTorch's error for a bool operand
        return sub(other, input, alpha=alpha)
    if not is_operand(other):  # (NumPy would make None a NaN)
        raise invalid_combination("rsub", (input, other), _RSUB_SIGNATURES)
    return sub(other if isinstance(other, Tensor) else _scalar_for(other, input), input, alpha=alpha)


def _scalar_for(value: Any, like: Tensor) -> Tensor:
    # a Python number on the left of an operator keeps its "weak" scalar type
    dt = _dt.result_type(like, value)
    return constant(value, dt)


def mul(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise product, broadcasting.

    Args:
        input (Tensor or number): the first factor.
        other (Tensor or number): the second factor; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the elementwise product, of the broadcast shape and the promoted dtype.

    Examples:
        >>> retrograd.mul(retrograd.tensor([1, 2, 3]), 2.5)
        tensor([2.5000, 5.0000, 7.5000])
    """
    if out is not None:
        return write_out(out, mul, locals())
    if _keeps_dtype(input, other):
        return _mul_scalar.scalar(input, other)
    if _same_float(input, other):
        return _mul(input, other)
    if not is_operand(other):
        return refused_operand("mul", other)
    if (c := scalar_operand(input, other)) is not None:  # (a 0-d first factor is rounded, as in PyTorch)
        return _mul_scalar.scalar(input, c)  # a half tensor times a 0-d tensor's number, held in float32
    a, b = promote(input, other)
    return _mul(a, b)


multiply = mul


_DIV_SIGNATURES = (
    "Tensor input, Tensor other, *, Tensor out = None",
    "Tensor input, Tensor other, *, str rounding_mode, Tensor out = None",
    "Tensor input, Number other, *, str rounding_mode",
)


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Any = None) -> Tensor:
    """True division (integers give the default float), or `rounding_mode` 'trunc'/'floor'.

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor; broadcasts against `input`.
        rounding_mode (str, optional): None (true division), `"trunc"` or `"floor"`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the quotient; true division of integers gives the default float dtype.

    Examples:
        >>> a = retrograd.tensor([7, -7])
        >>> retrograd.div(a, 2)
        tensor([ 3.5000, -3.5000])
        >>> retrograd.div(a, 2, rounding_mode="floor")
        tensor([ 3, -4])
    """
    if rounding_mode is not None and not isinstance(rounding_mode, (str, bytes)):  # the parser's str
        given = {"rounding_mode": rounding_mode} if out is None else {"rounding_mode": rounding_mode, "out": out}
        raise invalid_combination("div", (input, other), _DIV_SIGNATURES, given)
    if out is not None:
        return write_out(out, div, locals())
    if rounding_mode is None and _keeps_dtype(input, other):
        return _div_scalar.scalar(input, other)
    if not is_operand(other):
        return refused_operand("div", other)
    if rounding_mode is None and (c := scalar_operand(input, other)) is not None:
        return _div_scalar.scalar(input, c)  # a half tensor by a 0-d tensor's number, held in float32
    if rounding_mode is None:
        dt = _dt.result_type(input, other)
        if not dt.is_floating_point and not dt.is_complex:
            dt = _dt.get_default_dtype()
        return _div(as_tensor_of(input, dt), as_tensor_of(other, dt))
    a, b = promote(input, other)
    if rounding_mode in ("trunc", "floor"):
        check_int_divisor(a._data, b._data, f"div_{rounding_mode}_cpu")
    if rounding_mode == "trunc":
        return _trunc_divide(a, b)
    if rounding_mode == "floor":
        return _floor_divide_r(a, b)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


divide = true_divide = div


def rdiv(input: Any, other: Any) -> Tensor:
    """`other / input` (what `2 / x` calls), as PyTorch's `Tensor.__rtruediv__` computes it:
    `input.reciprocal() * other` (so 3 / x has the bits of (1/x)·3, and the node is MulBackward0).
    The product is the operator, as in PyTorch: an `other` it cannot take gets its `__rmul__` asked."""
    return reciprocal(input) * other


def neg(input: Tensor, *, out: Any = None) -> Tensor:
    """`-input`.

    Args:
        input (Tensor): any shape and dtype except bool.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `-input`, same shape and dtype.

    Examples:
        >>> retrograd.neg(retrograd.tensor([1.5, -2.0]))
        tensor([-1.5000,  2.0000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("neg", input)
    if out is not None:
        return write_out(out, neg, locals(), SAME_INPUT)
    if input.dtype is _dt.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return _neg(input)


negative = neg
