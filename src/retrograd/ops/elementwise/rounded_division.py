"""Division that rounds: floor_divide (//), remainder (%), fmod, and the rounded quotients of div.

The quotient rounded down (floor) or toward zero (trunc) is flat almost everywhere, so its
derivative is zero; the remainders a - round(a/b)·b pass the gradient to `a` unchanged and
give `b` minus the rounded quotient. Integer division by zero is PyTorch's RuntimeError. div's
rounding modes use the quotients here; their primitives (named div) live with div in `arithmetic`.
"""

from __future__ import annotations

from typing import Any

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import check_binary_operands
from ..kernels.guards import check_int_divisor
from ..kernels.operands import promote
from ..kernels.out_arg import write_out

__all__ = ["floor_divide", "remainder", "fmod"]

def _float_remainder(xp: Any, a: Any, b: Any) -> Any:
    # PyTorch's kernel: fmod (exact), then moved by b where its sign differs from b's. The textbook
    # a - floor(a/b)·b rounds, and disagreed with PyTorch in the last bits for most inputs.
    mod = xp.fmod(a, b)
    return xp.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


def _remainder_primitive(node_name: str) -> Primitive:
    return Primitive(
        "remainder",
        lambda xp, a, b: _float_remainder(xp, a, b) if a.dtype.kind == "f" else xp.remainder(a, b),
        [
            lambda g: g,  # a - floor(a/b)·b
            lambda g, a, b: -g * (a / b).floor(),
        ],
        inputs=("a", "b"),
        quiet=True,
        node_name=node_name,
    )


def _fmod_primitive(node_name: str) -> Primitive:
    return Primitive(
        "fmod",
        lambda xp, a, b: xp.fmod(a, b),
        [lambda g: g, lambda g, a, b: -g * (a / b).trunc()],  # a - trunc(a/b)·b
        inputs=("a", "b"),
        quiet=True,
        node_name=node_name,
    )


# PyTorch's nodes name the overload: a number divisor (Backward0) or a tensor one (Backward1)
_remainder = _remainder_primitive("RemainderBackward0")
_remainder_by_tensor = _remainder_primitive("RemainderBackward1")
_fmod, _fmod_by_tensor = _fmod_primitive("FmodBackward0"), _fmod_primitive("FmodBackward1")
_floor_divide = Primitive(
    "floor_divide", lambda xp, a, b: _floor_div(xp, a, b), [None, None], inputs=("a", "b"), quiet=True
)


def _divides_by_zero(a: Any, b: Any) -> bool:
    """An integer division with a zero divisor among the elements it computes (an empty result has none)."""
    return a.dtype.kind in "iu" and a.size > 0 and b.size > 0 and bool((b == 0).any())


def _floor_div(xp: Any, a: Any, b: Any) -> Any:
    if _divides_by_zero(a, b):
        raise RuntimeError("ZeroDivisionError")
    return xp.floor_divide(a, b) if a.dtype.kind != "f" else _float_floor_div(xp, a, b)


def _float_floor_div(xp: Any, a: Any, b: Any) -> Any:
    """PyTorch's floor division of floats: (a - fmod(a, b)) / b, moved down where fmod's sign is not
    b's, then rounded to the nearest integer; floor(a / b) differs in float32 for ~2% of inputs."""
    mod = xp.fmod(a, b)
    div = (a - mod) / b
    div = xp.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
    floored = xp.floor(div)
    floored = xp.where(div - floored > 0.5, floored + 1, floored)
    quotient = a / b
    return xp.where(b == 0, quotient, xp.where(div != 0, floored, xp.copysign(0 * quotient, quotient)))


def _trunc_div(xp: Any, a: Any, b: Any) -> Any:
    if a.dtype.kind in "iu":
        if _divides_by_zero(a, b):
            raise RuntimeError("ZeroDivisionError")
        q = xp.floor_divide(a, b)
        return q + ((q < 0) & (q * b != a))
    return xp.trunc(a / b)


def floor_divide(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise division rounded down, `floor(input / other)` (broadcasting); no gradient.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second operand; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype (integers stay integers).

    Examples:
        >>> retrograd.floor_divide(retrograd.tensor([7, -7, 7]), retrograd.tensor([2, 2, -2]))
        tensor([ 3, -4, -4])
        >>> retrograd.floor_divide(retrograd.tensor([7.5, -7.5]), 2)
        tensor([ 3., -4.])
    """
    if out is not None:
        return write_out(out, floor_divide, locals(), grad="none")
    a, b = promote(input, other)
    check_int_divisor(a._data, b._data, "div_floor_cpu")
    return _floor_divide(a, b)


def remainder(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise Python-style modulus: `input - floor(input / other) * other`, with the sign of `other`.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second operand; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Examples:
        >>> retrograd.remainder(retrograd.tensor([5, -5, 5]), retrograd.tensor([3, 3, -3]))
        tensor([ 2,  1, -1])
        >>> retrograd.remainder(retrograd.tensor([5.5, -1.5]), 2)
        tensor([1.5000, 0.5000])
    """
    check_binary_operands("remainder", input, other, out, number_first="plain")
    if out is not None:
        return write_out(out, remainder, locals())
    a, b = promote(input, other)
    check_int_divisor(a._data, b._data, "remainder_cpu")
    return (_remainder_by_tensor if isinstance(other, Tensor) else _remainder)(a, b)


def fmod(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise C-style remainder: `input - trunc(input / other) * other`, with the sign of `input`.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second operand; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, in the promoted dtype.

    Examples:
        >>> retrograd.fmod(retrograd.tensor([5, -5, 5]), retrograd.tensor([3, 3, -3]))
        tensor([ 2, -2,  2])
        >>> retrograd.fmod(retrograd.tensor([5.5, -1.5]), 2)
        tensor([ 1.5000, -1.5000])
    """
    check_binary_operands("fmod", input, other, out)  # no binding takes a Number first
    if out is not None:
        return write_out(out, fmod, locals())
    a, b = promote(input, other)
    check_int_divisor(a._data, b._data, "fmod_cpu")
    return (_fmod_by_tensor if isinstance(other, Tensor) else _fmod)(a, b)
