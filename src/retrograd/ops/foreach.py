"""`torch._foreach_add(tensors, other)` and friends: one op applied to each tensor of a list.

PyTorch fuses these into one kernel launch per device; retrograd runs the Tensor method of the
same name once per tensor, which gives PyTorch's values and records each result's gradient
(EMA updates, fused optimizer steps and gradient scaling call them). Out-of-place forms return a
tuple; in-place forms (`_foreach_mul_`) change each tensor and return the list they were given.

`other` may be a number, a list of numbers (one per tensor), a list of tensors, or (for add, mul
and div) one 0-d tensor, as in PyTorch's overloads; they are written `(tensors, other)` here and
take keywords by these names only.

    >>> ema = [retrograd.ones(2), retrograd.zeros(3)]
    >>> _ = _foreach_lerp_(ema, [retrograd.zeros(2), retrograd.ones(3)], 0.25)
    >>> ema
    [tensor([0.7500, 0.7500]), tensor([0.2500, 0.2500, 0.2500])]
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..engine.bfloat16 import BF16, F16, added_number
from ..tensor import Tensor
from .kernels.arg_types import check_elements, invalid_combination

__all__ = [
    "_foreach_abs", "_foreach_abs_", "_foreach_acos", "_foreach_acos_", "_foreach_add", "_foreach_add_",
    "_foreach_addcdiv", "_foreach_addcdiv_", "_foreach_addcmul", "_foreach_addcmul_", "_foreach_asin",
    "_foreach_asin_", "_foreach_atan", "_foreach_atan_", "_foreach_ceil", "_foreach_ceil_", "_foreach_clamp_max",
    "_foreach_clamp_max_", "_foreach_clamp_min", "_foreach_clamp_min_", "_foreach_clone", "_foreach_copy_",
    "_foreach_cos", "_foreach_cos_", "_foreach_cosh", "_foreach_cosh_", "_foreach_div", "_foreach_div_",
    "_foreach_erf", "_foreach_erf_", "_foreach_erfc", "_foreach_erfc_", "_foreach_exp", "_foreach_exp_",
    "_foreach_expm1", "_foreach_expm1_", "_foreach_floor", "_foreach_floor_", "_foreach_frac", "_foreach_frac_",
    "_foreach_lerp", "_foreach_lerp_", "_foreach_lgamma", "_foreach_lgamma_", "_foreach_log", "_foreach_log10",
    "_foreach_log10_", "_foreach_log1p", "_foreach_log1p_", "_foreach_log2", "_foreach_log2_", "_foreach_log_",
    "_foreach_max", "_foreach_maximum", "_foreach_maximum_", "_foreach_minimum", "_foreach_minimum_",
    "_foreach_mm", "_foreach_mul", "_foreach_mul_", "_foreach_neg", "_foreach_neg_", "_foreach_norm",
    "_foreach_pow", "_foreach_pow_", "_foreach_powsum", "_foreach_reciprocal", "_foreach_reciprocal_",
    "_foreach_round", "_foreach_round_", "_foreach_rsqrt", "_foreach_rsqrt_", "_foreach_sigmoid",
    "_foreach_sigmoid_", "_foreach_sign", "_foreach_sign_", "_foreach_sin", "_foreach_sin_", "_foreach_sinh",
    "_foreach_sinh_", "_foreach_sqrt", "_foreach_sqrt_", "_foreach_sub", "_foreach_sub_", "_foreach_tan",
    "_foreach_tan_", "_foreach_tanh", "_foreach_tanh_", "_foreach_trunc", "_foreach_trunc_", "_foreach_zero_",
]  # fmt: skip

# PyTorch's overloads, as its TypeError lists them
_NUMBER = "tuple of Tensors self, Number scalar"
_SCALARS = "tuple of Tensors self, tuple of Scalars scalars"
_ADD = (
    _NUMBER,
    _SCALARS,
    "tuple of Tensors self, Tensor other, *, Number alpha = 1",
    "tuple of Tensors self, tuple of Tensors other, *, Number alpha = 1",
)
_SUB = (_NUMBER, _SCALARS, "tuple of Tensors self, tuple of Tensors other, *, Number alpha = 1")
_MUL = (_SCALARS, "tuple of Tensors self, Tensor other", "tuple of Tensors self, tuple of Tensors other", _NUMBER)
_CLAMP = (_NUMBER, _SCALARS, "tuple of Tensors self, tuple of Tensors other")
_POW = (
    "Number self, tuple of Tensors exponent",
    "tuple of Tensors self, Number exponent",
    "tuple of Tensors self, tuple of Scalars exponent",
    "tuple of Tensors self, tuple of Tensors exponent",
)
_LERP = (
    "tuple of Tensors self, tuple of Tensors tensors1, Number weight",
    "tuple of Tensors self, tuple of Tensors tensors1, tuple of Scalars weight",
    "tuple of Tensors self, tuple of Tensors tensors1, tuple of Tensors weights",
)
_ADDC = (
    "tuple of Tensors self, tuple of Tensors tensor1, tuple of Tensors tensor2, tuple of Scalars scalars",
    "tuple of Tensors self, tuple of Tensors tensor1, tuple of Tensors tensor2, Tensor scalars",
    "tuple of Tensors self, tuple of Tensors tensor1, tuple of Tensors tensor2, Number value = 1",
)


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Number, np.bool_))


def _tensors(fn: str, value: Any, argument: int = 0, name: str = "self") -> Sequence[Tensor]:
    """`value` (the argument at index `argument`) if it is a non-empty list or tuple of tensors; PyTorch's errors
    otherwise."""
    if not isinstance(value, (list, tuple)):
        kind = type(value).__name__
        raise TypeError(f"{fn}(): argument '{name}' (position {argument + 1}) must be tuple of Tensors, not {kind}")
    check_elements(value, argument)
    if not value:
        raise RuntimeError("Tensor list must have at least one tensor.")
    return value


def _same_length(tensors: Sequence[Tensor], others: Sequence[Tensor]) -> None:
    if len(tensors) != len(others):
        raise RuntimeError(f"Tensor lists must have the same number of tensors, got {len(tensors)} and {len(others)}")


def _takes(overloads: tuple[str, ...], kind: str, at: int) -> bool:
    """Whether one of `overloads` takes a `kind` ("Number", "Tensor", "tuple of Scalars") as argument `at`."""
    return any(o.split(", ")[at].startswith(kind + " ") for o in overloads)


def _operands(
    fn: str,
    call: tuple,
    tensors: Sequence[Tensor],
    other: Any,
    overloads: tuple[str, ...],
    alpha: Any = None,
    at: int = 1,
) -> list[Any]:
    """The operand each tensor of `tensors` meets: `other` (argument `at`) itself, its i-th number or its i-th
    tensor."""
    keywords = {} if alpha is None else {"alpha": alpha}
    if alpha is not None and "alpha" not in "".join(overloads):
        raise invalid_combination(fn, call, overloads, keywords)
    takes_tensor = _takes(overloads, "Tensor", at)
    if isinstance(other, Tensor) and other.dim() == 0 and not takes_tensor:
        other = other.item()  # a 0-d tensor is a Number where no overload takes a Tensor
    if isinstance(other, Tensor) and takes_tensor:
        if other.dim() != 0:
            raise RuntimeError(
                f"scalar tensor expected to be 0 dim but it has {other.dim()} dimensions and {other.numel()} elements."
            )
        return [other] * len(tensors)
    numbers_too = alpha is None  # alpha belongs to the tensor overloads only
    if _is_number(other) and numbers_too and _takes(overloads, "Number", at):
        return [other] * len(tensors)
    if isinstance(other, (list, tuple)):
        scalars = numbers_too and _takes(overloads, "tuple of Scalars", at)
        if scalars and other and all(_is_number(o) for o in other):
            if len(other) != len(tensors):
                raise RuntimeError("Tensor list must have same number of elements as scalar list.")
            return list(other)
        check_elements(other, at)
        _same_length(tensors, other)
        return list(other)
    raise invalid_combination(fn, call, overloads, keywords)


def _unary(name: str) -> Callable[[Sequence[Tensor]], tuple[Tensor, ...]]:
    """`_foreach_<name>(tensors)`: `t.<name>()` for each tensor."""
    fn = f"_foreach_{name}"

    def function(self: Sequence[Tensor]) -> tuple[Tensor, ...]:
        return tuple(getattr(t, name)() for t in _tensors(fn, self))

    function.__name__ = function.__qualname__ = fn
    function.__doc__ = f"`{name}` of each tensor of a list (a tuple of results)."
    return function


def _unary_(name: str) -> Callable[[Sequence[Tensor]], Sequence[Tensor]]:
    """`_foreach_<name>_(tensors)`: `t.<name>_()` for each tensor; returns the list."""
    fn = f"_foreach_{name}_"

    def function(self: Sequence[Tensor]) -> Sequence[Tensor]:
        for t in _tensors(fn, self):
            getattr(t, name + "_")()
        return self

    function.__name__ = function.__qualname__ = fn
    function.__doc__ = f"`{name}_` on each tensor of a list, in place (returns the list)."
    return function


def _binary(
    name: str, overloads: tuple[str, ...], method: str | None = None, number_method: str | None = None
) -> Callable[..., Any]:
    """`_foreach_<name>(tensors, other)` (`_` last: in place): `t.<method>(operand)` for each tensor.

    `number_method` is the method a number operand takes where it differs (`maximum` with a
    number is `clamp_min`, as PyTorch's scalar overloads compute it)."""
    fn = f"_foreach_{name}"
    inplace = name.endswith("_")

    def function(self: Sequence[Tensor], other: Any, *, alpha: Any = None) -> Any:
        tensors = _tensors(fn, self)
        each = _operands(fn, (self, other), tensors, other, overloads, alpha)
        keywords = {} if alpha is None else {"alpha": alpha}
        results = []
        for t, o in zip(tensors, each):
            if name == "mul_" and type(o) in (int, float) and t._data.dtype in (BF16, F16):
                o = added_number(t._data, o)  # PyTorch's in-place kernel holds it in the half dtype (mul_ does not)
            called = number_method if number_method is not None and _is_number(o) else method or name
            results.append(getattr(t, called)(o, **keywords))
        return self if inplace else tuple(results)

    function.__name__ = function.__qualname__ = fn
    where = "in place (returns the list)" if inplace else "(a tuple of results)"
    function.__doc__ = f"`{name}` of each tensor of a list with a number, a number each or a tensor each, {where}."
    return function


_foreach_abs, _foreach_abs_ = _unary("abs"), _unary_("abs")
_foreach_acos, _foreach_acos_ = _unary("acos"), _unary_("acos")
_foreach_asin, _foreach_asin_ = _unary("asin"), _unary_("asin")
_foreach_atan, _foreach_atan_ = _unary("atan"), _unary_("atan")
_foreach_ceil, _foreach_ceil_ = _unary("ceil"), _unary_("ceil")
_foreach_cos, _foreach_cos_ = _unary("cos"), _unary_("cos")
_foreach_cosh, _foreach_cosh_ = _unary("cosh"), _unary_("cosh")
_foreach_erf, _foreach_erf_ = _unary("erf"), _unary_("erf")
_foreach_erfc, _foreach_erfc_ = _unary("erfc"), _unary_("erfc")
_foreach_exp, _foreach_exp_ = _unary("exp"), _unary_("exp")
_foreach_expm1, _foreach_expm1_ = _unary("expm1"), _unary_("expm1")
_foreach_floor, _foreach_floor_ = _unary("floor"), _unary_("floor")
_foreach_frac, _foreach_frac_ = _unary("frac"), _unary_("frac")
_foreach_lgamma, _foreach_lgamma_ = _unary("lgamma"), _unary_("lgamma")
_foreach_log, _foreach_log_ = _unary("log"), _unary_("log")
_foreach_log10, _foreach_log10_ = _unary("log10"), _unary_("log10")
_foreach_log1p, _foreach_log1p_ = _unary("log1p"), _unary_("log1p")
_foreach_log2, _foreach_log2_ = _unary("log2"), _unary_("log2")
_foreach_neg, _foreach_neg_ = _unary("neg"), _unary_("neg")
_foreach_reciprocal, _foreach_reciprocal_ = _unary("reciprocal"), _unary_("reciprocal")
_foreach_round, _foreach_round_ = _unary("round"), _unary_("round")
_foreach_rsqrt, _foreach_rsqrt_ = _unary("rsqrt"), _unary_("rsqrt")
_foreach_sigmoid, _foreach_sigmoid_ = _unary("sigmoid"), _unary_("sigmoid")
_foreach_sign, _foreach_sign_ = _unary("sign"), _unary_("sign")
_foreach_sin, _foreach_sin_ = _unary("sin"), _unary_("sin")
_foreach_sinh, _foreach_sinh_ = _unary("sinh"), _unary_("sinh")
_foreach_sqrt, _foreach_sqrt_ = _unary("sqrt"), _unary_("sqrt")
_foreach_tan, _foreach_tan_ = _unary("tan"), _unary_("tan")
_foreach_tanh, _foreach_tanh_ = _unary("tanh"), _unary_("tanh")
_foreach_trunc, _foreach_trunc_ = _unary("trunc"), _unary_("trunc")
_foreach_zero_ = _unary_("zero")
_foreach_clone = _unary("clone")

_foreach_add, _foreach_add_ = _binary("add", _ADD), _binary("add_", _ADD)
_foreach_sub, _foreach_sub_ = _binary("sub", _SUB), _binary("sub_", _SUB)
_foreach_mul, _foreach_mul_ = _binary("mul", _MUL), _binary("mul_", _MUL)
_foreach_div, _foreach_div_ = _binary("div", _MUL), _binary("div_", _MUL)
_foreach_clamp_min, _foreach_clamp_min_ = _binary("clamp_min", _CLAMP), _binary("clamp_min_", _CLAMP)
_foreach_clamp_max, _foreach_clamp_max_ = _binary("clamp_max", _CLAMP), _binary("clamp_max_", _CLAMP)
_foreach_maximum = _binary("maximum", _CLAMP, number_method="clamp_min")
_foreach_maximum_ = _binary("maximum_", _CLAMP, method="clamp_min_")  # no Tensor.maximum_: the same values
_foreach_minimum = _binary("minimum", _CLAMP, number_method="clamp_max")
_foreach_minimum_ = _binary("minimum_", _CLAMP, method="clamp_max_")
_foreach_pow_ = _binary("pow_", _POW[1:])


def _foreach_pow(self: Any, exponent: Any) -> tuple[Tensor, ...]:
    """Each tensor of a list to a power (a number, a number each or a tensor each), or a number to each
    tensor's power (`_foreach_pow(2.0, tensors)`)."""
    if _is_number(self):
        return tuple(t.__rpow__(self) for t in _tensors("_foreach_pow", exponent, 1, "exponent"))
    tensors = _tensors("_foreach_pow", self)
    each = _operands("_foreach_pow", (self, exponent), tensors, exponent, _POW)
    return tuple(t.pow(e) for t, e in zip(tensors, each))


def _foreach_mm(self: Sequence[Tensor], mat2: Sequence[Tensor]) -> tuple[Tensor, ...]:
    """The matrix product of each matrix of a list with its partner in `mat2` (a tuple)."""
    tensors, others = _tensors("_foreach_mm", self), _tensors("_foreach_mm", mat2, 1, "mat2")
    _same_length(tensors, others)
    return tuple(t.mm(m) for t, m in zip(tensors, others))


def _foreach_copy_(self: Sequence[Tensor], src: Sequence[Tensor], non_blocking: bool = False) -> Sequence[Tensor]:
    """Copy each tensor of `src` into the tensor of `self` at its index, in place (returns `self`)."""
    tensors, sources = _tensors("_foreach_copy_", self), _tensors("_foreach_copy_", src, 1, "src")
    _same_length(tensors, sources)
    for t, s in zip(tensors, sources):
        t.copy_(s, non_blocking=non_blocking)
    return self


def _foreach_norm(self: Sequence[Tensor], ord: Any = 2, dtype: Any = None) -> tuple[Tensor, ...]:
    """The `ord`-norm of each tensor of a list over all its elements (`linalg.vector_norm`), a 0-d tensor each."""
    from .reduction.norms import vector_norm

    if not _is_number(ord):
        raise TypeError(f"_foreach_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    return tuple(vector_norm(t, ord, dtype=dtype) for t in _tensors("_foreach_norm", self))


def _foreach_powsum(self: Sequence[Tensor], ord: Any = 2, dtype: Any = None) -> tuple[Tensor, ...]:
    """The sum of `|x|^ord` over each tensor of a list (its norm before the root), a 0-d tensor each."""
    if not _is_number(ord):
        raise TypeError(f"_foreach_powsum(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    tensors = _tensors("_foreach_powsum", self)
    return tuple((t if dtype is None else t.to(dtype)).abs().pow(ord).sum() for t in tensors)


def _foreach_max(self: Sequence[Tensor]) -> tuple[Tensor, ...]:
    """The largest element of each tensor of a list, a 0-d tensor each."""
    tensors = _tensors("_foreach_max", self)
    if any(t.numel() == 0 for t in tensors):
        raise RuntimeError(
            "_foreach_max cannot compute the maximum of an empty tensor; max over zero elements is undefined."
        )
    return tuple(t.max() for t in tensors)


def _weights(fn: str, tensors: Sequence[Tensor], weight: Any) -> list[Any]:
    """lerp's weight for each tensor: a number, a number each or a tensor each."""
    return _operands(fn, (tensors, tensors, weight), tensors, weight, _LERP, at=2)


def _foreach_lerp(self: Sequence[Tensor], tensors1: Sequence[Tensor], weight: Any) -> tuple[Tensor, ...]:
    """`start + weight * (end - start)` for each pair of a list of starts and a list of ends (a tuple)."""
    starts, ends = _tensors("_foreach_lerp", self), _tensors("_foreach_lerp", tensors1, 1, "tensors1")
    _same_length(starts, ends)
    return tuple(s.lerp(e, w) for s, e, w in zip(starts, ends, _weights("_foreach_lerp", starts, weight)))


def _foreach_lerp_(self: Sequence[Tensor], tensors1: Sequence[Tensor], weight: Any) -> Sequence[Tensor]:
    """`lerp_` of each tensor of a list towards its partner in `tensors1`, in place (returns the list)."""
    starts, ends = _tensors("_foreach_lerp_", self), _tensors("_foreach_lerp_", tensors1, 1, "tensors1")
    _same_length(starts, ends)
    for s, e, w in zip(starts, ends, _weights("_foreach_lerp_", starts, weight)):
        s.lerp_(e, w)
    return self


def _values(fn: str, tensors: Sequence[Tensor], value: Any) -> list[Any]:
    """addcmul's and addcdiv's multiplier for each tensor: a number, a list of numbers, or a 1-D tensor of them."""
    if isinstance(value, Tensor):
        if value.dim() != 1:
            raise RuntimeError(f"Expected packed scalar Tensor to be of dimension 1. Got {value.dim()} instead.")
        if value.numel() != len(tensors):
            raise RuntimeError(
                f"Expected length of scalars to match input of length {len(tensors)} but got {value.numel()} instead."
            )
        return value.tolist()
    if _is_number(value):
        return [value] * len(tensors)
    if isinstance(value, (list, tuple)) and all(_is_number(v) for v in value):
        if len(value) != len(tensors):
            raise RuntimeError("Tensor list must have same number of elements as scalar list.")
        return list(value)
    raise invalid_combination(fn, (tensors, tensors, tensors, value), _ADDC)


def _addc(name: str) -> Callable[..., Any]:
    """`_foreach_addcmul` / `_foreach_addcdiv` (`_` last: in place): `t + value * t1 (*|/) t2` for each tensor."""
    fn = f"_foreach_{name}"
    inplace = name.endswith("_")

    def function(self: Sequence[Tensor], tensor1: Sequence[Tensor], tensor2: Sequence[Tensor], value: Any = 1) -> Any:
        tensors = _tensors(fn, self)
        firsts, seconds = _tensors(fn, tensor1, 1, "tensor1"), _tensors(fn, tensor2, 2, "tensor2")
        _same_length(tensors, firsts)
        _same_length(tensors, seconds)
        each = _values(fn, tensors, value)
        results = [getattr(t, name)(a, b, value=v) for t, a, b, v in zip(tensors, firsts, seconds, each)]
        return self if inplace else tuple(results)

    function.__name__ = function.__qualname__ = fn
    where = "in place (returns the list)" if inplace else "(a tuple of results)"
    function.__doc__ = f"`{name.rstrip('_')}` of each tensor of a list with its partners in two lists, {where}."
    return function


_foreach_addcmul, _foreach_addcmul_ = _addc("addcmul"), _addc("addcmul_")
_foreach_addcdiv, _foreach_addcdiv_ = _addc("addcdiv"), _addc("addcdiv_")
