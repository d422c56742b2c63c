"""Three-operand arithmetic: addcmul, addcdiv and lerp, one node each (PyTorch's).

Optimizers and EMA updates call them every step. Each is evaluated in the order of PyTorch's CPU
kernel, so the last bits agree: (value·t1)·t2 + input and lerp's a·b + c are fused multiply-adds
there, (value·t1)/t2 + input is not.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...engine import numpy_errors
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import check_tensors, invalid_combination, scalar_arg
from ..kernels.deprecated_overloads import hide_scalars_first
from ..kernels.deprecated_overloads import value_first as _value_first
from ..kernels.fused_multiply_add import fma, opmath, opmath_scalar
from ..kernels.guards import overflow_error
from ..kernels.operands import conj_number, promote
from ..kernels.out_arg import write_out

__all__ = ["addcmul", "addcdiv", "lerp"]


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
    [lambda g, weight: g * (1 - conj_number(weight)), lambda g, weight: g * conj_number(weight)],
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


def addcmul(
    input: Tensor, tensor1: Tensor, tensor2: Tensor, *value_first: Any, value: Any = 1, out: Any = None
) -> Tensor:
    """Elementwise `input + value * tensor1 * tensor2` (broadcasting), in one op.

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the first factor.
        tensor2 (Tensor): the second factor.
        value (number): the scale of the product (default 1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of the three tensors.

    Examples:
        >>> a, b = retrograd.tensor([2.0, 3.0]), retrograd.tensor([4.0, 5.0])
        >>> retrograd.addcmul(retrograd.tensor([1.0, 1.0]), a, b, value=0.5)
        tensor([5.0000, 8.5000])
    """
    if value_first:  # old code's `exp_avg_sq.addcmul_(1 - beta2, grad, grad)`
        tensor1, tensor2, value = _value_first("addcmul", tensor1, tensor2, value_first, out is not None, value)
    if isinstance(value, Tensor):  # a 0-d tensor is read as its number, as PyTorch's parser does
        value = scalar_arg("addcmul", "value", None, value)
    check_tensors("addcmul", input=input, tensor1=tensor1, tensor2=tensor2)
    if out is not None:
        return write_out(out, addcmul, locals())
    a, t1, t2 = promote(input, tensor1, tensor2)
    dt = a.dtype
    if dt is _dt.bool_:
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    if isinstance(value, complex) and not dt.is_complex:
        raise overflow_error(dt)
    if not (dt.is_floating_point or dt.is_complex):
        value = int(value.real if isinstance(value, complex) else value)  # PyTorch truncates it
    return _addcmul(a, t1, t2, value=value)


def addcdiv(
    input: Tensor, tensor1: Tensor, tensor2: Tensor, *value_first: Any, value: Any = 1, out: Any = None
) -> Tensor:
    """Elementwise `input + value * tensor1 / tensor2` (broadcasting), in one op.

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the numerator.
        tensor2 (Tensor): the denominator.
        value (number): the scale of the quotient (default 1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of the three tensors.

    Examples:
        >>> a, b = retrograd.tensor([2.0, 3.0]), retrograd.tensor([4.0, 6.0])
        >>> retrograd.addcdiv(retrograd.tensor([1.0, 1.0]), a, b, value=2)
        tensor([2., 2.])
    """
    if value_first:  # old code's `p.data.addcdiv_(-step_size, exp_avg, denom)`
        tensor1, tensor2, value = _value_first("addcdiv", tensor1, tensor2, value_first, out is not None, value)
    if isinstance(value, Tensor):  # a 0-d tensor is read as its number, as PyTorch's parser does
        value = scalar_arg("addcdiv", "value", None, value)
    check_tensors("addcdiv", input=input, tensor1=tensor1, tensor2=tensor2)
    if out is not None:
        return write_out(out, addcdiv, locals())
    a, t1, t2 = promote(input, tensor1, tensor2)
    if not (_is_float_or_complex(tensor1) or _is_float_or_complex(tensor2)):
        raise RuntimeError(_INTEGER_ADDCDIV)
    return _addcdiv(a, t1, t2, value=value)


hide_scalars_first(addcmul)
hide_scalars_first(addcdiv)


_LERP_SIGNATURES = (
    "Tensor input, Tensor end, Tensor weight, *, Tensor out = None",
    "Tensor input, Tensor end, Number weight, *, Tensor out = None",
)


def lerp(input: Tensor, end: Any, weight: Any, *, out: Any = None) -> Tensor:
    """Linear interpolation `input + weight * (end - input)`, elementwise (broadcasting).

    Args:
        input (Tensor): the start points (floating dtype).
        end (Tensor): the end points, same dtype.
        weight (float or Tensor): the fraction of the way from `input` to `end`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape.

    Examples:
        >>> retrograd.lerp(retrograd.tensor([0.0, 10.0]), retrograd.tensor([10.0, 20.0]), 0.25)
        tensor([ 2.5000, 12.5000])
        >>> retrograd.lerp(retrograd.tensor([0.0, 0.0]), retrograd.tensor([1.0, 1.0]), retrograd.tensor([0.5, 2.0]))
        tensor([0.5000, 2.0000])
    """
    if not isinstance(end, Tensor) or not isinstance(weight, (Tensor, numbers.Number, np.generic)):
        raise invalid_combination("lerp", (input, end, weight), _LERP_SIGNATURES)
    if out is not None:
        return write_out(out, lerp, locals())
    mismatch = numpy_errors.broadcast_mismatch([x.shape for x in (input, end, weight) if isinstance(x, Tensor)])
    if mismatch is not None:
        raise mismatch
    # PyTorch's lerp does not promote, except with a 0-d weight, which joins the dtype like a number
    promote_weight = isinstance(weight, Tensor) and weight.dim() == 0
    for name, other in (("end", end),) if promote_weight else (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and isinstance(input, Tensor) and other.dtype != input.dtype:
            raise RuntimeError(
                f"expected dtype {input.dtype.c10_name} for `{name}` but got dtype {other.dtype.c10_name}"
            )
    kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
    common = _dt.result_type(input, end, weight) if promote_weight else getattr(input, "dtype", None)
    if common is not None and not (common.is_floating_point or common.is_complex):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{common.kind_name}'")
    if isinstance(weight, Tensor):
        start, stop, w = promote(input, end, weight)
        return _lerp_tensor(start, stop, w)
    start, stop = promote(input, end)
    if isinstance(weight, complex) and not start.dtype.is_complex:  # PyTorch stores the weight in the dtype
        raise overflow_error(start.dtype)
    return _lerp_scalar(start, stop, weight=weight)
