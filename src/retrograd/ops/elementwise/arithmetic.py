"""Arithmetic: + - * / and friends, with PyTorch's type promotion (powers: `powers`; // and %: `rounded_division`).

Each primitive is one line of forward and one derivative per input; the engine
sums gradients back to each input's shape, so rules ignore broadcasting.
"""

from __future__ import annotations

import inspect
import numbers
import warnings
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...engine import numpy_errors
from ...engine.bfloat16 import added_number
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..kernels.arg_types import invalid_combination
from ..kernels.fused_multiply_add import fma, opmath, opmath_scalar
from ..kernels.guards import check_int_divisor, overflow_error
from ..kernels.operands import as_tensor_of, constant, promote
from ..kernels.out_arg import SAME_INPUT, write_out
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
    "addcmul",
    "addcdiv",
    "lerp",
]

_add = Primitive("add", lambda xp, a, b: a + b, [lambda g: g, lambda g: g], inputs=("a", "b"))
_sub = Primitive("sub", lambda xp, a, b: a - b, [lambda g: g, lambda g: -g], inputs=("a", "b"))
_mul = Primitive(
    "mul",
    lambda xp, a, b: a * b,
    [
        lambda g, b: g * b.conj(),  # d(ab)/da = b (conjugated for complex: PyTorch's convention)
        lambda g, a: g * a.conj(),
    ],  # d(ab)/db = a
    inputs=("a", "b"),
    array_rules=[lambda xp, g, b: g * b, lambda xp, g, a: g * a],  # (real arrays: nothing to conjugate)
)
_div = Primitive(
    "div",
    lambda xp, a, b: a / b,
    [
        lambda g, b: g / b.conj(),  # d(a/b)/da = 1/b
        lambda g, a, b: -g * (a / (b * b)).conj(),
    ],  # d(a/b)/db = -a/b²
    inputs=("a", "b"),
    quiet=True,
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
_neg = Primitive("neg", lambda xp, a: -a, [lambda g: -g])


def _conj(c: Any) -> Any:
    return c.conjugate() if isinstance(c, complex) else c


def _scaled_sum(xp: Any, a: Any, b: Any, alpha: Any) -> Any:
    """a + alpha·b as PyTorch's kernel computes it: one fused multiply-add for floats (a bool
    alpha·b is `b and alpha`, the sum an or)."""
    kind = a.dtype.kind
    if kind == "b":
        return a | (b & bool(alpha))
    if kind in "iu":
        return a + b * alpha
    return fma(xp, b, opmath_scalar(alpha, a.dtype, via_dtype=True), a, a.dtype)


# add and sub with alpha ≠ 1: one node each, as PyTorch's (alpha an attribute of AddBackward0/SubBackward0)
_add_alpha = Primitive(
    "add", lambda xp, a, b, alpha: _scaled_sum(xp, a, b, alpha), [lambda g: g, lambda g, alpha: g * _conj(alpha)],
    inputs=("a", "b"), node_name="AddBackward0",
)
_sub_alpha = Primitive(
    "sub", lambda xp, a, b, alpha: _scaled_sum(xp, a, b, -alpha), [lambda g: g, lambda g, alpha: g * -_conj(alpha)],
    inputs=("a", "b"), node_name="SubBackward0",
)


def _checked_alpha(dt: _dt.dtype, alpha: Any) -> None:
    """PyTorch's alpha_check: a multiplier that the result's dtype cannot take exactly is refused."""
    if type(alpha) is bool and dt is not _dt.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if not (dt.is_floating_point or dt.is_complex) and isinstance(alpha, (float, complex)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if not dt.is_complex and isinstance(alpha, complex):
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")


def _with_alpha(prim: Primitive, input: Any, other: Any, alpha: Any) -> Tensor:
    """input ± alpha·other for a Python number alpha ≠ 1, in the operands' promoted dtype."""
    a, b = promote(input, other)
    _checked_alpha(a.dtype, alpha)
    return prim(a, b, alpha=alpha)


_NUMBERS = (int, float, complex)


# A Python number next to a float tensor leaves its dtype unchanged, so these skip
# promotion and the constant tensor (the common `x * 2`, `x + 1`).
_add_scalar = Primitive("add", lambda xp, a, c: a + c, [lambda g: g], node_name="AddBackward0", constant_edges=1)
_sub_scalar = Primitive("sub", lambda xp, a, c: a - c, [lambda g: g], node_name="SubBackward0", constant_edges=1)
_rsub_scalar = Primitive("rsub", lambda xp, a, c: c - a, [lambda g: -g], node_name="RsubBackward1")
# their rules call the scalar fast path directly: c passed `_keeps_dtype` in the forward, and the
# gradient has the input's float dtype, so `g * c` would come to the same call (W1: ~10% of an op)
_mul_scalar = Primitive(
    "mul", lambda xp, a, c: a * c, [lambda g, c: _mul_scalar.scalar(g, c)], node_name="MulBackward0",
    constant_edges=1, saves_number=True,
)
_div_scalar = Primitive(
    "div", lambda xp, a, c: a / c, [lambda g, c: _div_scalar.scalar(g, c)], node_name="DivBackward0", quiet=True,
    constant_edges=1, saves_number=True,
)


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


def _alpha_first(name: str, alpha: Any, rest: tuple) -> tuple[Any, Any]:
    """PyTorch's deprecated `name(Number alpha, Tensor other)` (old code's `p.data.add_(-lr, grad)`): warns.

    Returns (other, alpha); anything else given by position is PyTorch's TypeError.
    """
    if len(rest) != 1 or isinstance(alpha, Tensor) or not isinstance(rest[0], Tensor):
        raise TypeError(f"{name}() takes 1 positional argument but {1 + len(rest)} were given")
    warnings.warn(
        f"This overload of {name} is deprecated:\n\t{name}(Number alpha, Tensor other)\nConsider using one of the "
        f"following signatures instead:\n\t{name}(Tensor other, *, Number alpha = 1)",
        UserWarning,
        stacklevel=3,
    )
    return rest[0], alpha


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
        other, alpha = _alpha_first("add", other, alpha_first)
    if out is not None:
        return write_out(out, add, locals())
    if alpha == 1:
        if _keeps_dtype(input, other):
            return _add_scalar.scalar(input, added_number(input._data, other))
        if _same_float(input, other):
            return _add(input, other)
    if alpha != 1:
        if isinstance(alpha, _NUMBERS):
            return _with_alpha(_add_alpha, input, other, alpha)
        other = mul(other, alpha)
    a, b = promote(input, other)
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
        other, alpha = _alpha_first("sub", other, alpha_first)
    if out is not None:
        return write_out(out, sub, locals())
    if alpha == 1 and type(other) is not bool:
        if _keeps_dtype(input, other):
            return _sub_scalar.scalar(input, added_number(input._data, other))
        if _same_float(input, other):
            return _sub(input, other)
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
    if alpha != 1:
        if isinstance(alpha, _NUMBERS):
            return _with_alpha(_sub_alpha, input, other, alpha)
        other = mul(other, alpha)
    a, b = promote(input, other)
    return _sub(a, b)


def _without_alpha_first(fn: Any) -> None:
    """Show PyTorch's signature for `fn`: the deprecated positional alpha (`*alpha_first`) stays hidden."""
    signature = inspect.signature(fn)
    kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_POSITIONAL]
    fn.__signature__ = signature.replace(parameters=kept)


_without_alpha_first(add)
_without_alpha_first(sub)
subtract = sub


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
    if alpha == 1 and type(other) is not bool and _keeps_dtype(input, other):
        return _rsub_scalar.scalar(input, added_number(input._data, other))
    if type(other) is bool:  # sub raises PyTorch's error for a bool operand
        return sub(other, input, alpha=alpha)
    if not isinstance(other, (Tensor, numbers.Number, np.bool_)):  # NumPy would make None a NaN
        signatures = ("Tensor input, Tensor other, *, Number alpha = 1", "Tensor input, Number other, Number alpha = 1")
        raise invalid_combination("rsub", (input, other), signatures)
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
    a, b = promote(input, other)
    return _mul(a, b)


multiply = mul


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
    if out is not None:
        return write_out(out, div, locals())
    if rounding_mode is None:
        if _keeps_dtype(input, other):
            return _div_scalar.scalar(input, other)
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
    `input.reciprocal() * other` (so 3 / x has the bits of (1/x)·3, and the node is MulBackward0)."""
    return mul(reciprocal(input), other)


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


# addcmul, addcdiv and lerp as one node each (PyTorch's), evaluated in the order of its CPU kernels:
# (value·t1)·t2 + input and lerp's a·b + c are fused multiply-adds there, (value·t1)/t2 + input is not.
def _addcmul_forward(xp: Any, a: Any, t1: Any, t2: Any, value: Any) -> Any:
    if a.dtype.kind in "iu":
        return a + value * t1 * t2
    x, y, z = opmath(xp, a, t1, t2)
    return fma(xp, y * opmath_scalar(value, a.dtype), z, x, a.dtype)


def _addcdiv_forward(xp: Any, a: Any, t1: Any, t2: Any, value: Any) -> Any:
    x, y, z = opmath(xp, a, t1, t2)
    return (x + (y * opmath_scalar(value, a.dtype, via_dtype=True)) / z).astype(a.dtype, copy=False)


_addcmul = Primitive(
    "addcmul",
    _addcmul_forward,
    [lambda g: g, lambda g, t2, value: g * (t2 * value).conj(), lambda g, t1, value: g * (t1 * value).conj()],
    inputs=("a", "t1", "t2"),
)
_addcdiv = Primitive(
    "addcdiv",
    lambda xp, a, t1, t2, value: _addcdiv_forward(xp, a, t1, t2, value),
    [
        lambda g: g,
        lambda g, t2, value: g * (value / t2).conj(),  # value/t2
        lambda g, t1, t2, value: -g * (value * t1 / (t2 * t2)).conj(),  # -value·t1/t2²
    ],
    inputs=("a", "t1", "t2"),
    quiet=True,
)
_INTEGER_ADDCDIV = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
    "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
    "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
    "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes."
)


def _is_float_or_complex(x: Any) -> bool:
    return not isinstance(x, Tensor) or x.dtype.is_floating_point or x.dtype.is_complex


def _lerp_forward(xp: Any, a: Any, b: Any, w: Any) -> Any:
    """start + w (end - start), as PyTorch's lerp: w·(end - start) + start for |w| < 0.5, else
    (w - 1)·(end - start) + end (exact at w = 1), each one fused multiply-add."""
    dtype = a.dtype
    a, b = opmath(xp, a, b)
    diff = b - a
    small = xp.abs(w) < 0.5
    if isinstance(small, (bool, np.bool_)):  # a number weight: one formula for every element
        coeff, base = (w, a) if small else (opmath_scalar(w, dtype) - 1, b)
        return fma(xp, diff, opmath_scalar(coeff, dtype), base, dtype)
    (w,) = opmath(xp, w)
    return fma(xp, diff, xp.where(small, w, w - 1), xp.where(small, a, b), dtype)


_lerp_scalar = Primitive(
    "lerp",
    lambda xp, a, b, weight: _lerp_forward(xp, a, b, weight),
    [lambda g, weight: g * (1 - _conj(weight)), lambda g, weight: g * _conj(weight)],
    inputs=("a", "b"),
    node_name="LerpBackward0",
)
_lerp_tensor = Primitive(
    "lerp",
    lambda xp, a, b, w: _lerp_forward(xp, a, b, w),
    [lambda g, w: g * (1 - w.conj()), lambda g, w: g * w.conj(), lambda g, a, b: g * (b - a).conj()],
    inputs=("a", "b", "w"),
    node_name="LerpBackward1",
)


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """Elementwise `input + value * tensor1 * tensor2` (broadcasting), in one op.

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the first factor.
        tensor2 (Tensor): the second factor.
        value (number): the scale of the product (default 1).

    Returns:
        Tensor: the broadcast shape of the three tensors.

    Examples:
        >>> a, b = retrograd.tensor([2.0, 3.0]), retrograd.tensor([4.0, 5.0])
        >>> retrograd.addcmul(retrograd.tensor([1.0, 1.0]), a, b, value=0.5)
        tensor([5.0000, 8.5000])
    """
    a, t1, t2 = promote(input, tensor1, tensor2)
    dt = a.dtype
    if dt is _dt.bool_:
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    if isinstance(value, complex) and not dt.is_complex:
        raise overflow_error(dt)
    if not (dt.is_floating_point or dt.is_complex):
        value = int(value.real if isinstance(value, complex) else value)  # PyTorch truncates it
    return _addcmul(a, t1, t2, value=value)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """Elementwise `input + value * tensor1 / tensor2` (broadcasting), in one op.

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the numerator.
        tensor2 (Tensor): the denominator.
        value (number): the scale of the quotient (default 1).

    Returns:
        Tensor: the broadcast shape of the three tensors.

    Examples:
        >>> a, b = retrograd.tensor([2.0, 3.0]), retrograd.tensor([4.0, 6.0])
        >>> retrograd.addcdiv(retrograd.tensor([1.0, 1.0]), a, b, value=2)
        tensor([2., 2.])
    """
    a, t1, t2 = promote(input, tensor1, tensor2)
    if not (_is_float_or_complex(tensor1) or _is_float_or_complex(tensor2)):
        raise RuntimeError(_INTEGER_ADDCDIV)
    return _addcdiv(a, t1, t2, value=value)


def lerp(input: Tensor, end: Any, weight: Any) -> Tensor:
    """Linear interpolation `input + weight * (end - input)`, elementwise (broadcasting).

    Args:
        input (Tensor): the start points (floating dtype).
        end (Tensor): the end points, same dtype.
        weight (float or Tensor): the fraction of the way from `input` to `end`.

    Returns:
        Tensor: the broadcast shape.

    Examples:
        >>> retrograd.lerp(retrograd.tensor([0.0, 10.0]), retrograd.tensor([10.0, 20.0]), 0.25)
        tensor([ 2.5000, 12.5000])
        >>> retrograd.lerp(retrograd.tensor([0.0, 0.0]), retrograd.tensor([1.0, 1.0]), retrograd.tensor([0.5, 2.0]))
        tensor([0.5000, 2.0000])
    """
    mismatch = numpy_errors.broadcast_mismatch([x.shape for x in (input, end, weight) if isinstance(x, Tensor)])
    if mismatch is not None:
        raise mismatch
    for name, other in (("end", end), ("weight", weight)):  # PyTorch's lerp does not promote
        if isinstance(other, Tensor) and isinstance(input, Tensor) and other.dtype != input.dtype:
            raise RuntimeError(
                f"expected dtype {input.dtype.c10_name} for `{name}` but got dtype {other.dtype.c10_name}"
            )
    if isinstance(weight, Tensor):
        start, stop, w = promote(input, end, weight)
        return _lerp_tensor(start, stop, w)
    start, stop = promote(input, end)
    return _lerp_scalar(start, stop, weight=weight)
