"""Pointwise math of one tensor: exp, log, trigonometry, rounding, special functions.

One row per op: the forward on arrays, then the derivative in terms of the
incoming gradient `g`, the input `a` and/or the output `out`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ... import _op_docs
from ... import dtypes as _dt
from ..._type_info import finfo
from ...backend import namespace
from ...engine.grad_mode import is_grad_enabled
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..kernels.arg_types import float_arg
from ..kernels.dtype_support import floating_kernel_only, no_bool_kernel, no_complex, no_complex_kernel
from ..kernels.operands import promote_float, tensor_of
from ..kernels.out_arg import CAST, SAME_INPUT, out_dtype_first, same, write_out
from ..kernels.special import erf_array, erfc_array, erfinv_array, rounded_once, tanh_array
from .arithmetic import mul_number
from .clamp_where import gated, where
from .output_derivatives import sigmoid_backward_array, sigmoid_rule, tanh_backward_array, tanh_rule

__all__ = [
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "sigmoid",
    "logit",
    "erf",
    "erfc",
    "erfinv",
    "floor",
    "ceil",
    "round",
    "trunc",
    "fix",
    "frac",
    "abs",
    "absolute",
    "sign",
    "sinc",
    "nan_to_num",
    "deg2rad",
    "rad2deg",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _float_unary(
    name: str, forward: Callable, derivative: Callable | None, node: str | None = None, quiet: bool = False,
    array_rule: Callable | None = None, real_only: Callable[[Tensor], None] | None = None,
    into: Callable | None = None,
) -> Callable[..., Tensor]:
    """A pointwise op on floats; integer and bool inputs are promoted to the default float.

    Complex inputs get the same forward and the rule conjugated, g·conj(f'(z)) (PyTorch's
    convention for holomorphic f); the rules are written as g·f'(a), so conj(rule(conj g)) is that.
    Ops PyTorch has no complex kernel for pass `real_only`, which raises its error for them.
    `array_rule` is the derivative on real arrays (engine.primitive's array rules), `into` the
    forward written into a given array (engine.primitive's `into`).
    """
    prim = Primitive(name, forward, [derivative], node_name=node, quiet=quiet,
                     array_rules=[array_rule] if array_rule is not None else (), into=into)
    on_complex = Primitive(name, forward, [_conjugated(derivative)], node_name=node, quiet=quiet)

    def op(input: Tensor, *, out: Any = None) -> Tensor:
        if out is not None:
            return write_out(out, op, locals())
        x = tensor_of(input)
        if x._data.dtype.kind == "c":
            if real_only is not None:
                real_only(x)
            return on_complex(x)
        return prim(promote_float(x))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise `{name}` (integer inputs give the default float dtype)."
    return op


def _no_complex_kernel(kernel: str) -> Callable[[Tensor], None]:
    return lambda x: no_complex_kernel(kernel, x)


def _unsupported_complex(name: str) -> Callable[[Tensor], None]:
    return lambda x: no_complex(RuntimeError, f"{name} is not supported for complex tensors.", x)


def _conjugated(rule: Callable | None) -> Callable | None:
    """conj(rule(conj g, ...)), reading the same saved values as `rule` (by parameter name)."""
    if rule is None:
        return None
    reads = rule.__code__.co_varnames[1 : rule.__code__.co_argcount]
    if reads == ("a",):
        return lambda g, a: rule(g.conj(), a).conj()
    if reads == ("out",):
        return lambda g, out: rule(g.conj(), out).conj()
    assert reads == (), reads
    return lambda g: rule(g.conj()).conj()


def _same_dtype_unary(name: str, forward: Callable, derivative: Callable | None,
                      refuse: Callable[[Tensor], None] | None = None,
                      refuse_first: Callable[[Tensor], None] | None = None,
                      real_of_complex: bool = False) -> Callable[..., Tensor]:
    """A pointwise op that keeps its input's dtype (rounding, abs, sign); `refuse` raises PyTorch's
    error for the dtypes it has no kernel for, after `out=`'s dtype check (`refuse_first`: the part
    of it that comes before, checked as PyTorch sets the op up). `real_of_complex` (abs): a complex
    input gives its real dtype, which `out=` may take in any dtype it casts to."""
    prim = Primitive(name, forward, [derivative])

    def op(input: Tensor, *, out: Any = None) -> Tensor:
        if out is not None:
            if refuse_first is not None:
                refuse_first(tensor_of(input))
            if real_of_complex and isinstance(input, Tensor) and input.is_complex():
                return write_out(out, op, locals(), CAST)
            out_dtype_first(name, input, out)
            return write_out(out, op, locals(), SAME_INPUT)
        x = tensor_of(input)
        if refuse is not None:
            refuse(x)
        return prim(x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise `{name}`, keeping the input's dtype."
    return op


# float32 computed in float64 and rounded once, as accurate as PyTorch's kernels (kernels.special)
_exp, _exp2, _expm1, _log, _log2, _log10, _log1p = map(
    rounded_once, ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p"))
_sin, _cos, _tan, _arcsin, _arccos, _arctan, _sinh, _cosh, _arctanh = map(
    rounded_once, ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arctanh"))

#                  name     forward (arrays)                  derivative (tensors)
exp = _float_unary("exp", lambda xp, a: _exp(xp, a), lambda g, out: g * out, array_rule=lambda xp, g, out: g * out,
                  into=lambda xp, a, out: _exp(xp, a, out))
exp2 = _float_unary("exp2", lambda xp, a: _exp2(xp, a), lambda g, out: mul_number.scalar(g * out, _LN2))  # 2ᵃ ln 2
expm1 = _float_unary("expm1", lambda xp, a: _expm1(xp, a), lambda g, out: g * (out + 1))  # eᵃ
log = _float_unary("log", lambda xp, a: _log(xp, a), lambda g, a: g / a, array_rule=lambda xp, g, a: g / a)  # 1/a
log2 = _float_unary("log2", lambda xp, a: _log2(xp, a), lambda g, a: g / mul_number.scalar(a, _LN2))  # 1/(a ln 2)
log10 = _float_unary("log10", lambda xp, a: _log10(xp, a), lambda g, a: g / mul_number.scalar(a, _LN10))  # 1/(a ln 10)
log1p = _float_unary("log1p", lambda xp, a: _log1p(xp, a), lambda g, a: g / (a + 1), "Log1PBackward0")  # 1/(1+a)
sqrt = _float_unary("sqrt", lambda xp, a: xp.sqrt(a), lambda g, out: g / (2 * out))  # 1/(2√a)
rsqrt = _float_unary("rsqrt", lambda xp, a: 1 / xp.sqrt(a), lambda g, out: g * (-0.5 * out**3))  # -a^(-3/2)/2
sin = _float_unary("sin", lambda xp, a: _sin(xp, a), lambda g, a: g * a.cos())  # cos a
cos = _float_unary("cos", lambda xp, a: _cos(xp, a), lambda g, a: g * -a.sin())  # -sin a
tan = _float_unary("tan", lambda xp, a: _tan(xp, a), lambda g, out: g * (1 + out * out))  # 1 + tan²a
asin = _float_unary("asin", lambda xp, a: _arcsin(xp, a), lambda g, a: g * (1 - a * a).rsqrt())  # 1/√(1-a²)
acos = _float_unary("acos", lambda xp, a: _arccos(xp, a), lambda g, a: g * -(1 - a * a).rsqrt())  # -1/√(1-a²)
atan = _float_unary("atan", lambda xp, a: _arctan(xp, a), lambda g, a: g / (1 + a * a))  # 1/(1+a²)
sinh = _float_unary("sinh", lambda xp, a: _sinh(xp, a), lambda g, a: g * a.cosh())  # cosh a
cosh = _float_unary("cosh", lambda xp, a: _cosh(xp, a), lambda g, a: g * a.sinh())  # sinh a
tanh = _float_unary(
    "tanh", lambda xp, a: tanh_array(xp, a), tanh_rule,
    array_rule=lambda xp, g, out: tanh_backward_array(xp, g, out), into=lambda xp, a, out: tanh_array(xp, a, out),
)  # 1 - tanh²a
asinh = _float_unary("asinh", lambda xp, a: xp.arcsinh(a), lambda g, a: g * (a.pow(2) + 1).rsqrt())  # 1/√(a²+1)
acosh = _float_unary("acosh", lambda xp, a: xp.arccosh(a), lambda g, a: g * (a * a - 1).rsqrt())  # 1/√(a²-1)
atanh = _float_unary("atanh", lambda xp, a: _arctanh(xp, a), lambda g, a: g / (1 - a.pow(2)))  # 1/(1-a²)
sigmoid = _float_unary(
    "sigmoid", lambda xp, a: _sigmoid(xp, a), sigmoid_rule,
    array_rule=lambda xp, g, out: sigmoid_backward_array(xp, g, out),
)  # σ(1-σ)
erf = _float_unary(
    "erf", lambda xp, a: erf_array(a), lambda g, a: g * (_TWO_OVER_SQRT_PI * (-a.pow(2)).exp()),
    real_only=_no_complex_kernel("erf_vml_cpu"),
)  # 2/√π e^(-a²)
erfc = _float_unary(
    "erfc", lambda xp, a: erfc_array(a), lambda g, a: g * (-_TWO_OVER_SQRT_PI * (-a.pow(2)).exp()),
    real_only=_no_complex_kernel("erfc_vml_cpu"),
)  # -2/√π e^(-a²)
erfinv = _float_unary(
    "erfinv", lambda xp, a: erfinv_array(a), lambda g, out: g * (math.sqrt(math.pi) / 2 * (out * out).exp()),
    real_only=_no_complex_kernel("erfinv_vml_cpu"),
)  # √π/2 e^(y²)
# np.sinc is Python code in NumPy's module: its warnings need the errstate (quiet)
sinc = _float_unary("sinc", lambda xp, a: xp.sinc(a), lambda g, a: g * _sinc_derivative(a), quiet=True)
deg2rad = _float_unary("deg2rad", lambda xp, a: a * (math.pi / 180), lambda g: g * (math.pi / 180),
                      "Deg2RadBackward0", real_only=_unsupported_complex("deg2rad"))
rad2deg = _float_unary("rad2deg", lambda xp, a: a * (180 / math.pi), lambda g: g * (180 / math.pi),
                      "Rad2DegBackward0", real_only=_unsupported_complex("rad2deg"))
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh

# Piecewise-constant ops have zero derivative almost everywhere (PyTorch returns zeros).
def _no_gradient(g: Tensor) -> Tensor:
    """The derivative of a step function: zeros (+0 even for an inf or NaN `g`, as PyTorch's), kept in
    the graph through `g`."""
    return gated(g, Tensor._make(namespace(g._data).zeros((), dtype=bool)))  # a 0-d False: selects 0 everywhere


def _integral_rounding(name: str) -> Callable[[Tensor], None]:
    """floor, ceil, trunc: no complex or bool kernel in PyTorch (integers are returned as they are)."""
    def refuse(x: Tensor) -> None:
        _no_complex_rounding(name)(x)
        no_bool_kernel(f"{name}_vml_cpu", x)

    return refuse


def _no_complex_rounding(name: str) -> Callable[[Tensor], None]:
    """floor, ceil, trunc's refusal of complex inputs, made before `out=`'s dtype is checked."""
    return lambda x: no_complex(NotImplementedError, f"{name} is not supported for complex inputs", x)


def _floats_only(x: Tensor) -> None:
    if not _dt.is_floating(x._data.dtype):
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{x.dtype.kind_name}'")


def _real_sign(x: Tensor) -> None:
    no_complex(NotImplementedError, "Unlike NumPy, torch.sign is not intended to support complex numbers. "
               "Please use torch.sgn instead.", x)


floor = _same_dtype_unary("floor", lambda xp, a: xp.floor(a) if a.dtype.kind == "f" else a.copy(), _no_gradient,
                          _integral_rounding("floor"), _no_complex_rounding("floor"))
ceil = _same_dtype_unary("ceil", lambda xp, a: xp.ceil(a) if a.dtype.kind == "f" else a.copy(), _no_gradient,
                         _integral_rounding("ceil"), _no_complex_rounding("ceil"))
trunc = _same_dtype_unary("trunc", lambda xp, a: xp.trunc(a) if a.dtype.kind == "f" else a.copy(), _no_gradient,
                          _integral_rounding("trunc"), _no_complex_rounding("trunc"))
fix = trunc
frac = _same_dtype_unary("frac", lambda xp, a: a - xp.trunc(a), lambda g: g, _floats_only)  # a - trunc(a)
sign = _same_dtype_unary("sign", lambda xp, a: _sign(xp, a), _no_gradient, _real_sign, _real_sign)
abs = _same_dtype_unary("abs", lambda xp, a: xp.abs(a), lambda g, a: g * _sgn(a),
                        lambda x: no_bool_kernel("abs_cpu", x), real_of_complex=True)  # sign a, z/|z|
absolute = abs


def _sgn(a: Tensor) -> Tensor:
    from .complex_parts import sgn

    return sgn(a)


def _sign(xp: Any, a: Any) -> Any:
    # PyTorch's sign(nan) is 0, so abs and norms give 0 gradients there, not NaN
    if a.dtype == bool:
        return a.copy()
    if a.dtype.kind == "f":
        return xp.where(a != a, xp.zeros((), a.dtype), xp.sign(a))
    return xp.sign(a)


def _sigmoid(xp: Any, a: Any) -> Any:
    # accurate to an ulp for every a (as PyTorch computes it): for large negative a, 1 + e^-a
    # rounds to e^-a and the quotient to e^a; e^-a = inf gives the limit 0 (the overflow
    # warning is silenced by the package's filter). e^-a rounded once from float64, as accurate
    # as PyTorch's (NumPy's float32 exp made 16% of a float32 sigmoid's last bits differ, now 4%)
    return 1 / (1 + _exp(xp, -a))


def _sinc_derivative(a: Tensor) -> Tensor:
    # d/da sin(πa)/(πa) = (cos(πa)·πa - sin(πa)) / (πa²), and 0 at a = 0
    pa = a * math.pi
    safe = where(a == 0, 1.0, a)
    d = ((pa.cos() * pa) - pa.sin()) / (safe * safe * math.pi)
    return where(a == 0, 0.0, d)


_round = Primitive("round", lambda xp, a, decimals: xp.round(a, decimals), [_no_gradient], quiet=True)
# round(x, decimals=n) is an overload of its own in PyTorch, recorded as RoundBackward1 (also for n = 0)
_round_decimals = Primitive(
    "round", lambda xp, a, decimals: xp.round(a, decimals), [_no_gradient], quiet=True, node_name="RoundBackward1"
)


class _Unset(int):
    """A 0 that tells an omitted `decimals` from an explicit 0 (it shows as 0 in the signature)."""


_DECIMALS_OMITTED = _Unset(0)


def round(input: Tensor, *, decimals: int = _DECIMALS_OMITTED, out: Any = None) -> Tensor:
    """Elementwise rounding to the nearest integer, halves to even, or to `decimals` places.

    Args:
        input (Tensor): any shape and dtype.
        decimals (int): digits after the point to keep (negative rounds to tens, hundreds, ...; default 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: rounded `input`, same shape and dtype.

    Examples:
        >>> retrograd.round(retrograd.tensor([0.5, 1.5, 2.5, -0.5, 1.26]))
        tensor([0., 2., 2., -0., 1.])
        >>> retrograd.round(retrograd.tensor([1.2345, 12.5]), decimals=2)
        tensor([ 1.2300, 12.5000])
    """
    if out is not None:
        out_dtype_first("round", input, out)
        return write_out(out, round, locals(), SAME_INPUT)
    if decimals is _DECIMALS_OMITTED:  # integer tensors pass through unchanged only here
        no_complex_kernel("round_vml_cpu", input)
        no_bool_kernel("round_vml_cpu", input)
        return _round(input, decimals=0)
    # the decimals overload has float kernels only, and a kernel of its own for decimals != 0
    floating_kernel_only("round_vml_cpu" if decimals == 0 else "round_cpu", input)
    return _round_decimals(input, decimals=decimals)


_logit = Primitive(
    "logit",
    lambda xp, a, eps: xp.log(_clip_eps(xp, a, eps) / (1 - _clip_eps(xp, a, eps))),
    [lambda g, a, eps: _logit_grad(g, a, eps)],  # 1/(a(1-a)); outside [eps, 1-eps] 0, outside [0, 1] NaN
    quiet=True,
)


def _clip_eps(xp: Any, a: Any, eps: float | None) -> Any:
    # PyTorch's `a < eps ? eps : (a > 1 - eps ? 1 - eps : a)`, which differs from a clip when eps > 0.5
    return a if eps is None else xp.where(a < eps, eps, xp.where(a > 1 - eps, 1 - eps, a))


def _logit_grad(g: Tensor, a: Tensor, eps: float | None) -> Tensor:
    # PyTorch's g / (a(1 - a)) (its bits); without eps, NaN where the input is no probability
    d = g / (a * (1 - a))
    if eps is None:
        return where((a < 0) | (a > 1), math.nan, d)
    return where((a < eps) | (a > 1 - eps), 0.0, d)


def logit(input: Tensor, eps: float | None = None, *, out: Any = None) -> Tensor:
    """Elementwise log-odds `log(p / (1 - p))`, with `p` clamped to `[eps, 1 - eps]` when `eps` is given.

    Args:
        input (Tensor): probabilities, any shape; integer inputs are promoted to the default float.
        eps (float, optional): the clamping margin; no clamping when None (default).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the log-odds, same shape (`±inf` at 1 and 0 when `eps` is None).

    Examples:
        >>> retrograd.logit(retrograd.tensor([0.5, 0.75, 0.0]))
        tensor([0.0000, 1.0986,   -inf])
        >>> retrograd.logit(retrograd.tensor([0.5, 0.75, 0.0]), eps=1e-6)
        tensor([  0.0000,   1.0986, -13.8155])
    """
    if out is not None:
        return write_out(out, logit, locals())
    if not isinstance(input, Tensor):
        raise not_a_tensor("logit", input)
    if eps is not None:
        eps = float_arg("logit", "eps", 2, eps)
    no_complex_kernel("logit_cpu", input)
    return _logit(promote_float(input), eps=eps)


_nan_to_num = Primitive(
    "nan_to_num",
    lambda xp, a, nan, posinf, neginf: xp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf),
    [lambda g, a: g * a.isfinite()],  # 1 where finite, 0 where replaced
    quiet=True,
)


def nan_to_num(
    input: Tensor, nan: float | None = 0.0, posinf: float | None = None, neginf: float | None = None, *,
    out: Any = None
) -> Tensor:
    """Replace NaN, +inf and -inf by finite numbers (by default 0 and the dtype's largest and smallest values).

    Args:
        input (Tensor): any shape; non-floating tensors are returned as a copy.
        nan (float, optional): the value for NaN (default 0.0; None means 0.0 too).
        posinf (float, optional): the value for +inf; the dtype's max when None.
        neginf (float, optional): the value for -inf; the dtype's min when None.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a copy of `input` with those values replaced, same shape and dtype.

    Examples:
        >>> x = retrograd.tensor([float('nan'), float('inf'), -float('inf'), 1.5])
        >>> retrograd.nan_to_num(x)
        tensor([ 0.0000e+00,  3.4028e+38, -3.4028e+38,  1.5000e+00])
        >>> retrograd.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0)
        tensor([ 0.0000,  9.0000, -9.0000,  1.5000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("nan_to_num", input)
    if out is not None:
        return write_out(
            out, nan_to_num, locals(), same("nan_to_num: dtype of out: {dst} should be same as input: {src}")
        )
    nan, posinf, neginf = (
        None if value is None else float_arg("nan_to_num", name, position, value)
        for name, position, value in (("nan", 2, nan), ("posinf", 3, posinf), ("neginf", 4, neginf))
    )
    if not (input.dtype.is_floating_point or input.dtype.is_complex):  # complex: each part is replaced
        return input.clone()
    if input.dtype.is_complex and input._requires_grad and is_grad_enabled():  # PyTorch has no complex rule
        raise RuntimeError("nan_to_num does not support automatic differentiation for outputs with complex dtype.")
    if posinf is None or neginf is None:  # half dtypes run in float32, whose max would round to inf
        largest = finfo(input.dtype).max
        posinf = largest if posinf is None else posinf
        neginf = -largest if neginf is None else neginf
    return _nan_to_num(input, nan=0.0 if nan is None else nan, posinf=posinf, neginf=neginf)

_op_docs.install(globals())  # the full docstrings of the factory-made ops above
