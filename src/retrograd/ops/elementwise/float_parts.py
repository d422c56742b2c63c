"""Ops on the parts of a floating-point number: sign, exponent, mantissa, neighbours.

copysign, ldexp and frexp have gradients as in PyTorch; nextafter passes the gradient to its
first input unchanged; heaviside has none (PyTorch's node raises at backward, and so does ours).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ... import return_types
from ...backend import namespace
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..inplace_functions import _in_place
from ..kernels.arg_types import check_binary_operands
from ..kernels.dtype_support import complex_result, no_complex, no_complex_kernel
from ..kernels.operands import as_tensor_of, promote
from ..kernels.out_arg import castable, same, write_out
from .arithmetic import mul
from .clamp_where import where
from .powers import pow

__all__ = ["ldexp_", "copysign", "heaviside", "nextafter", "ldexp", "frexp"]

_LN2 = math.log(2.0)


def _float_pair(input: Any, other: Any) -> tuple[Tensor, Tensor]:
    """Both operands in their common dtype, or the default float when that is not a float."""
    a, b = promote(input, other)
    if not _dt.is_floating(a._data.dtype):
        dt = _dt.get_default_dtype()
        a, b = as_tensor_of(a, dt), as_tensor_of(b, dt)
    return a, b


def _require_tensor(name: str, position: int, arg: str, value: Any) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


def _sign_ratio(a: Tensor, out: Tensor) -> Tensor:
    """out/a (±1), and 0 where a = 0, as PyTorch's copysign derivative."""
    zero = a == 0
    return where(zero, 0.0, out / where(zero, 1.0, a))


_copysign = Primitive(
    "copysign",
    lambda xp, a, b: xp.copysign(a, b),
    [lambda g, a, out: g * _sign_ratio(a, out), lambda g: g * 0],  # ±1 (0 at a = 0); 0 for the sign source
    inputs=("a", "b"),
)
_copysign_scalar = Primitive(
    "copysign",
    lambda xp, a, c: xp.copysign(a, xp.asarray(c, a.dtype)),
    [lambda g, a, out: g * _sign_ratio(a, out)],
    node_name="CopysignBackward1",
)


def copysign(input: Tensor, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise `|input|` with the sign of `other` (-0.0 counts as negative).

    Args:
        input (Tensor): the magnitudes; integer inputs give the default float.
        other (Tensor or number): the signs; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, a floating dtype.

    Examples:
        >>> retrograd.copysign(retrograd.tensor([1.0, -2.0, 3.0]), retrograd.tensor([-1.0, 1.0, -0.0]))
        tensor([-1.,  2., -3.])
        >>> retrograd.copysign(retrograd.tensor([1, 2]), -1)
        tensor([-1., -2.])
    """
    if out is not None:
        return write_out(out, copysign, locals())
    check_binary_operands("copysign", input, other)
    no_complex_kernel("copysign_cpu", input, other)
    if isinstance(other, Tensor):
        return _copysign(*_float_pair(input, other))
    a, _ = _float_pair(input, other)
    return _copysign_scalar(a, c=other)


def _not_implemented(g: Tensor) -> None:
    raise RuntimeError("derivative for aten::heaviside is not implemented")


_heaviside = Primitive(
    "heaviside",
    lambda xp, a, v: xp.where(a == 0, v, (a > 0).astype(a.dtype)).astype(a.dtype),
    [_not_implemented, _not_implemented],
    inputs=("a", "v"),
    node_name="NotImplemented",
)


_HEAVISIDE_OUT = same("heaviside is not yet implemented for tensors with different dtypes.")


def heaviside(input: Tensor, values: Tensor, *, out: Any = None) -> Tensor:
    """The Heaviside step function: 0 where `input < 0`, 1 where `input > 0`, and `values` where `input == 0`.

    Args:
        input (Tensor): any shape.
        values (Tensor): the value at 0; broadcasts against `input`, same dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape.

    Examples:
        >>> retrograd.heaviside(retrograd.tensor([-1.5, 0.0, 2.0]), retrograd.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    if out is not None:  # no gradient to refuse: PyTorch has no derivative for heaviside
        return write_out(out, heaviside, locals(), _HEAVISIDE_OUT, grad="none")
    _require_tensor("heaviside", 1, "input", input)
    _require_tensor("heaviside", 2, "values", values)
    no_complex(RuntimeError, "heaviside is not yet implemented for complex tensors.", input, values)
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _heaviside(input, values)


# float16/bfloat16 step to their own neighbours (the usual float32 path would round the step away)
_nextafter = Primitive(
    "nextafter", lambda xp, a, b: xp.nextafter(a, b), [lambda g: g, lambda g: g * 0], inputs=("a", "b"),
    half_forward=lambda xp, a, b: xp.nextafter(a, b),
)


def nextafter(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise, the next representable float after `input` in the direction of `other`.

    Args:
        input (Tensor): a floating tensor.
        other (Tensor): the directions, same dtype; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, same dtype.

    Examples:
        >>> x = retrograd.tensor([1.0, 1.0], dtype=retrograd.float64)
        >>> retrograd.nextafter(x, retrograd.tensor([2.0, 0.0], dtype=retrograd.float64)) - x
        tensor([ 2.2204e-16, -1.1102e-16], dtype=retrograd.float64)
    """
    if out is not None:
        return write_out(out, nextafter, locals())
    _require_tensor("nextafter", 1, "input", input)
    _require_tensor("nextafter", 2, "other", other)
    a, b = promote(input, other)
    if not _dt.is_floating(a._data.dtype):
        raise NotImplementedError(f"\"nextafter_cpu\" not implemented for '{a.dtype.kind_name}'")
    return _nextafter(a, b)


_ldexp = Primitive(
    "ldexp",
    lambda xp, a, b: a * xp.exp2(b),
    [lambda g, b: g * (b * _LN2).exp(), lambda g, out: g * (out * _LN2)],  # 2ᵇ; a·2ᵇ·ln 2
    inputs=("a", "b"),
    quiet=True,
)


def ldexp(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise `input * 2 ** other` (integer inputs give the default float).

    Args:
        input (Tensor): the mantissas.
        other (Tensor): the (integer) exponents; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, a floating dtype.

    Examples:
        >>> retrograd.ldexp(retrograd.tensor([1.0, 3.0, 0.5]), retrograd.tensor([3, -1, 2]))
        tensor([8.0000, 1.5000, 2.0000])
    """
    if out is not None:
        return write_out(out, ldexp, locals(), castable("ldexp can't be cast to the desired output type {dst}"))
    _require_tensor("ldexp", 1, "input", input)
    _require_tensor("ldexp", 2, "other", other)
    if complex_result(input, other) is not None:  # input · 2^other, as PyTorch computes it for complex
        return mul(input, pow(2.0, other))
    if input.is_floating_point() and other.dtype is _dt.bool_:  # its float kernel takes integer exponents
        raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool'")
    return _ldexp(*_float_pair(input, other))


_frexp = Primitive("frexp", lambda xp, a, scale: xp.frexp(a)[0], [lambda g, scale: g * scale])  # 2^-exponent


_MANTISSA_OUT = same("torch.frexp() expects mantissa to have dtype {src_c} but got {dst_c}")
_EXPONENT_OUT = same("torch.frexp() expects exponent to have int dtype but got {dst_c}")


def frexp(input: Tensor, *, out: Any = None) -> Any:
    """Split floats into mantissa and exponent, `input = mantissa * 2 ** exponent`.

    Args:
        input (Tensor): a floating tensor of any shape.
        out (tuple of Tensor, optional): `(mantissa, exponent)` tensors to write the results into.

    Returns:
        return_types.frexp: `(mantissa, exponent)`; mantissa in ±[0.5, 1) (or 0), same dtype; exponent int32.

    Examples:
        >>> retrograd.frexp(retrograd.tensor([8.0, -3.0, 0.0, 0.375]))
        retrograd.return_types.frexp(
        mantissa=tensor([ 0.5000, -0.7500,  0.0000,  0.7500]),
        exponent=tensor([ 4,  2,  0, -1], dtype=retrograd.int32))
    """
    if out is not None:
        return write_out(out, frexp, locals(), _MANTISSA_OUT, _EXPONENT_OUT)
    if _vmap.active and (r := batched("elementwise", frexp, input)) is not NOT_BATCHED:
        return r
    _require_tensor("frexp", 1, "input", input)
    if not _dt.is_floating(input._data.dtype):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    exponent = np.frexp(input._data)[1].astype(np.int32)
    one = namespace(input._data).ones((), input._data.dtype)
    scale = Tensor._make(np.ldexp(one, -exponent).astype(input._data.dtype))
    return return_types.frexp(_frexp(input, scale=scale), Tensor._make(exponent))


ldexp_ = _in_place("ldexp_")
