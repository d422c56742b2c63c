"""Comparisons, logic and bitwise ops: they return bool (or integer) tensors and have no gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import _op_docs
from ... import dtypes as _dt
from ...backend import meta, namespace
from ...engine import numpy_errors
from ...engine import primitive as _primitive  # (its `tracer`, read at call time: retrograd.compile)
from ...engine.numpy_errors import broadcast_mismatch
from ...engine.primitive import Primitive, not_a_tensor
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.arg_types import (
    bool_arg,
    check_binary_operands,
    check_tensors,
    float_arg,
    invalid_combination,
    keepdim_arg,
    tensor_arg,
)
from ..kernels.dtype_support import no_wide_unsigned_kernel
from ..kernels.operands import as_array, numpy_alias, on_one_device, promote, wrap_dims
from ..kernels.out_arg import ANY, CAST, SAME_INPUT, Rule, out_dtype_first, same, write_out

__all__ = [
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "greater",
    "less",
    "greater_equal",
    "less_equal",
    "not_equal",
    "isnan",
    "isinf",
    "isfinite",
    "isposinf",
    "isneginf",
    "signbit",
    "isclose",
    "allclose",
    "equal",
    "logical_and",
    "logical_or",
    "logical_not",
    "logical_xor",
    "any",
    "all",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "isreal",
    "is_nonzero",
]


def constant(t: Tensor) -> Tensor:
    """`t` as an input of a kernel with no gradient: the same array, nothing recorded for autograd."""
    return Tensor._make(t._data) if t._requires_grad else t


def _compare(
    name: str, fn: Callable[[Any, Any], Any], ordering: bool = False, tensors_only: bool = False, alias: str = ""
) -> Callable[..., Tensor]:
    """`ordering`: complex numbers have no order (PyTorch has no complex kernel; NumPy's is lexicographic).
    `tensors_only`: PyTorch declares both operands Tensor (the logical ops take no Python numbers).
    `alias`: the public name (`less` for `lt`), which PyTorch's argument errors name; its kernel
    errors name the op's own kernel.

    Outside a `retrograd.compile` recording the kernel runs alone; inside one it runs as a
    primitive, so that a mask made from recorded values is recorded too rather than frozen.
    """
    as_primitive = Primitive(name, lambda xp, a, b: fn(a, b), [None, None], inputs=("a", "b"))

    public = alias or name

    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        if not tensors_only:  # a Number comes second only: `eq(2, t)` raises, as in PyTorch
            check_binary_operands(public, input, other, out)
        if out is not None:
            return write_out(out, op, locals(), ANY)
        if _vmap.active and (r := batched("elementwise", op, input, other)) is not NOT_BATCHED:
            return r
        if tensors_only:
            check_tensors(name, input=input, other=other)
        a, b = on_one_device(name, *promote(input, other))
        kind = a._data.dtype.kind
        if kind in "cu" and (ordering or tensors_only):  # complex has no order; uint16/32/64 no kernel
            if kind == "c" and ordering:
                raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{a.dtype.kind_name}'")
            no_wide_unsigned_kernel(f"{name}_cpu", a)
        if _primitive.tracer is not None:
            return as_primitive(constant(a), constant(b))
        try:
            return Tensor._make(as_array(fn(a._data, b._data)))
        except ValueError as e:  # shapes that do not broadcast: PyTorch's RuntimeError
            raise numpy_errors.translate(e, [a._data, b._data]) from None

    op.__name__ = op.__qualname__ = public
    op.__doc__ = f"Elementwise `{name}` comparison (broadcasting); a bool tensor, no gradient."
    return op


eq = _compare("eq", np.equal)
ne = _compare("ne", np.not_equal)
not_equal = _compare("ne", np.not_equal, alias="not_equal")
lt = _compare("lt", np.less, ordering=True)
less = _compare("lt", np.less, ordering=True, alias="less")
le = _compare("le", np.less_equal, ordering=True)
less_equal = _compare("le", np.less_equal, ordering=True, alias="less_equal")
gt = _compare("gt", np.greater, ordering=True)
greater = _compare("gt", np.greater, ordering=True, alias="greater")
ge = _compare("ge", np.greater_equal, ordering=True)
greater_equal = _compare("ge", np.greater_equal, ordering=True, alias="greater_equal")
logical_and = _compare("logical_and", np.logical_and, tensors_only=True)
logical_or = _compare("logical_or", np.logical_or, tensors_only=True)
logical_xor = _compare("logical_xor", np.logical_xor, tensors_only=True)


def _predicate(name: str, fn: Callable[[Any], Any], out_rule: Rule | None = None) -> Callable[..., Tensor]:
    """`out_rule`: the out dtypes of PyTorch's out variant (isposinf, signbit, logical_not; isnan has none)."""
    as_primitive = Primitive(name, lambda xp, a: fn(a), [None])

    def op(input: Tensor) -> Tensor:
        if _vmap.active and (r := batched("elementwise", op, input)) is not NOT_BATCHED:
            return r
        t = tensor_arg(name, "input", 1, input)  # PyTorch takes no Python number here
        if _primitive.tracer is not None:  # recorded, as comparisons are (see `_compare`)
            return as_primitive(constant(t))
        return Tensor._make(as_array(fn(t._data)))

    def op_with_out(input: Tensor, *, out: Any = None) -> Tensor:
        if out is not None:
            return write_out(out, op_with_out, locals(), out_rule or ANY, grad="none")
        return op(input)

    public = op if out_rule is None else op_with_out
    public.__name__ = public.__qualname__ = name
    public.__doc__ = f"Elementwise `{name}`; a bool tensor, no gradient."
    return public


isnan = _predicate("isnan", np.isnan)
isinf = _predicate("isinf", np.isinf)
isfinite = _predicate("isfinite", np.isfinite)
_BOOL_OUT = Rule(lambda result, out: out is _dt.bool_, "{name} does not support non-boolean outputs.")
isposinf = _predicate("isposinf", np.isposinf, _BOOL_OUT)
isneginf = _predicate("isneginf", np.isneginf, _BOOL_OUT)
def _real_signbit(a: Any) -> Any:
    if a.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    return np.signbit(a)


signbit = _predicate("signbit", _real_signbit, _BOOL_OUT)
logical_not = _predicate("logical_not", np.logical_not, ANY)
def _real(a: Any) -> Any:
    """isreal: a zero imaginary part (NaN included, as PyTorch); every element of a real tensor."""
    return a.imag == 0 if a.dtype.kind == "c" else namespace(a).ones(a.shape, bool)


isreal = _predicate("isreal", _real)


def _bitwise(name: str, fn: Callable[[Any, Any], Any]) -> Callable[..., Tensor]:
    as_primitive = Primitive(name, lambda xp, a, b: fn(a, b), [None, None], inputs=("a", "b"))

    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        check_binary_operands(name, input, other, out, number_first="plain")
        if out is not None:
            return write_out(out, op, locals(), CAST)
        if _vmap.active and (r := batched("elementwise", op, input, other)) is not NOT_BATCHED:
            return r
        a, b = promote(input, other)
        if _dt.is_floating(a._data.dtype) or a._data.dtype.kind == "c":
            mismatch = broadcast_mismatch((a._data.shape, b._data.shape))  # PyTorch checks the shapes first
            raise mismatch or NotImplementedError(f"\"{name}_cpu\" not implemented for '{a.dtype.kind_name}'")
        if _primitive.tracer is not None:  # recorded, as comparisons are (see `_compare`): masks combine
            return as_primitive(a, b)
        return Tensor._make(as_array(fn(a._data, b._data)))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise `{name}` of integer or bool tensors."
    return op


bitwise_and = _bitwise("bitwise_and", np.bitwise_and)
bitwise_or = _bitwise("bitwise_or", np.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor)


def bitwise_not(input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise `~input`: logical NOT for bool tensors, two's-complement bit flip for integers.

    Args:
        input (Tensor): an integer or bool tensor.
        out (Tensor, optional): a tensor of `input`'s dtype to write the result into.

    Returns:
        Tensor: `~input`, same shape and dtype.

    Examples:
        >>> retrograd.bitwise_not(retrograd.tensor([0, 5, -1]))
        tensor([-1, -6,  0])
        >>> retrograd.bitwise_not(retrograd.tensor([True, False]))
        tensor([False,  True])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("bitwise_not", input)
    if out is not None:
        out_dtype_first("bitwise_not", input, out)
        return write_out(out, bitwise_not, locals(), SAME_INPUT)
    if _dt.is_floating(input._data.dtype) or input._data.dtype.kind == "c":
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{input.dtype.kind_name}'")
    if _vmap.active and (r := batched("elementwise", bitwise_not, input)) is not NOT_BATCHED:
        return r
    if _primitive.tracer is not None:  # recorded, as comparisons are (see `_compare`): `~mask`
        return _invert(input)
    return Tensor._make(np.invert(input._data))


_invert = Primitive("bitwise_not", lambda xp, a: xp.invert(a), [None])


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """`|input - other| <= atol + rtol * |other|` elementwise.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor; broadcasts against `input`.
        rtol (float): relative tolerance.
        atol (float): absolute tolerance.
        equal_nan (bool): whether two NaNs count as close.

    Returns:
        Tensor: a bool tensor of the broadcast shape.

    Examples:
        >>> retrograd.isclose(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 2.1]))
        tensor([ True, False])
    """
    rtol, atol = _tolerances("isclose", input, other, rtol, atol, equal_nan)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype.kind_name} did not match {other.dtype.kind_name}")  # no promotion here
    if _vmap.active:
        r = batched("elementwise", isclose, input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)
        if r is not NOT_BATCHED:
            return r
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if tolerance < 0:  # (C++ prints the double as %g does)
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tolerance:g}")
    a, b = promote(input, other)
    try:
        return Tensor._make(as_array(np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan)))
    except ValueError as e:  # shapes that do not broadcast: PyTorch's RuntimeError
        raise numpy_errors.translate(e, [a._data, b._data]) from None


def _tolerances(fn: str, input: Any, other: Any, rtol: Any, atol: Any, equal_nan: Any) -> tuple[float, float]:
    """The argument parser's checks of isclose/allclose (two tensors, float tolerances, a bool);
    the tolerances as floats."""
    check_tensors(fn, input=input, other=other)
    tolerances = float_arg(fn, "rtol", 3, rtol), float_arg(fn, "atol", 4, atol)
    bool_arg(fn, "equal_nan", 5, equal_nan)
    return tolerances


def allclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True when every element is close (see `isclose`).

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor; broadcasts against `input`.
        rtol (float): relative tolerance.
        atol (float): absolute tolerance.
        equal_nan (bool): whether two NaNs count as close.

    Returns:
        bool: whether `|input - other| <= atol + rtol * |other|` everywhere.

    Examples:
        >>> retrograd.allclose(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 2.0000001]))
        True
    """
    rtol, atol = _tolerances("allclose", input, other, rtol, atol, equal_nan)
    if _vmap.active:
        batched("allclose", allclose, input, other)  # a Python bool cannot be batched: PyTorch's error
    return bool(isclose(input, other, rtol, atol, equal_nan).all())  # (Tensor's bool: meta tensors refuse)


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape and the same elements.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Returns:
        bool: True if the shapes and all elements match, else False.

    Examples:
        >>> retrograd.equal(retrograd.tensor([1, 2]), retrograd.tensor([1, 2]))
        True
        >>> retrograd.equal(retrograd.tensor([1, 2]), retrograd.tensor([1, 3]))
        False
    """
    check_tensors("equal", input=input, other=other)
    if _vmap.active:
        batched("equal", equal, input, other)  # a Python bool cannot be batched: PyTorch's error
    if input.is_meta or other.is_meta:
        raise meta.unmet("equal")
    return input.shape == other.shape and bool((input._data == other._data).all())


def _reduce_bool(fn: Callable[..., Any], input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    if _vmap.active:
        r = batched("along", lambda x, d: _reduce_bool(fn, x, d, keepdim), input, dim)
        if r is not NOT_BATCHED:
            return r
    data = input._data
    axes = None if dim is None else wrap_dims(dim, data.ndim)[: data.ndim]  # a 0-d input's dim 0 reduces nothing
    if _primitive.tracer is not None:  # recorded, as comparisons are (see `_compare`): a mask's rows
        return _bool_reductions[fn.__name__](constant(input), name=fn.__name__, axes=axes, keepdim=keepdim)
    return Tensor._make(_bool_kernel(namespace(data), data, fn.__name__, axes, keepdim))


def _bool_kernel(xp: Any, a: Any, name: str, axes: Any, keepdim: bool) -> Any:
    out = as_array(getattr(xp, name)(a, axis=axes, keepdims=keepdim))
    return out.astype(xp.uint8) if a.dtype == xp.uint8 else out


_bool_reductions = {n: Primitive(n, _bool_kernel, [None]) for n in ("any", "all")}


def any(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Whether any element (of all, or along `dim`) is nonzero.

    Args:
        input (Tensor): any shape and dtype.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a bool tensor (uint8 for uint8 input): 0-d, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[0, 0, 1], [0, 0, 0]])
        >>> retrograd.any(x)
        tensor(True)
        >>> x.any(dim=1)
        tensor([ True, False])
    """
    keepdim_arg("any", keepdim)
    if not isinstance(input, Tensor):
        raise invalid_combination("any", (input,), _REDUCE_ALL_SIGNATURES)
    if out is not None:
        return write_out(out, any, locals(), same("{name} only supports bool tensor for result, got: {dst}"))
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("any", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("any", keepdim, False, keepdims, "keepdims")
    return _reduce_bool(np.any, input, dim, keepdim)


# how PyTorch lists all()/any() when the input is not a tensor
_REDUCE_ALL_SIGNATURES = (
    "Tensor input, *, Tensor out = None",
    "Tensor input, tuple of ints dim = None, bool keepdim = False, *, Tensor out = None",
    "Tensor input, int dim, bool keepdim = False, *, Tensor out = None",
)


def all(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Whether every element (of all, or along `dim`) is nonzero.

    Args:
        input (Tensor): any shape and dtype.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a bool tensor (uint8 for uint8 input): 0-d, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [1, 0, 3]])
        >>> retrograd.all(x)
        tensor(False)
        >>> x.all(dim=1, keepdim=True)
        tensor([[ True],
                [False]])
    """
    keepdim_arg("all", keepdim)
    if not isinstance(input, Tensor):
        raise invalid_combination("all", (input,), _REDUCE_ALL_SIGNATURES)
    if out is not None:
        return write_out(out, all, locals(), same("{name} only supports bool tensor for result, got: {dst}"))
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("all", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("all", keepdim, False, keepdims, "keepdims")
    return _reduce_bool(np.all, input, dim, keepdim)


def is_nonzero(input: Tensor) -> bool:
    """Whether the one element of a one-element tensor is nonzero.

    Args:
        input (Tensor): a tensor with exactly one element.

    Returns:
        bool: True or False; a RuntimeError for tensors with more (or fewer) than one element.

    Examples:
        >>> retrograd.is_nonzero(retrograd.tensor([0.0]))
        False
        >>> retrograd.is_nonzero(retrograd.tensor(3))
        True
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("is_nonzero", input)
    if input.numel() != 1:
        many = "no values" if input.numel() == 0 else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {many} is ambiguous")
    if _vmap.active:
        batched("data_dependent", is_nonzero, input)
    return bool(input)

_op_docs.install(globals())  # the full docstrings of the factory-made ops above
