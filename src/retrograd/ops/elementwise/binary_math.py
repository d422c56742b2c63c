"""Two-argument float math: atan2, hypot, logaddexp, logaddexp2, xlogy.

Integer and bool operands give the default float dtype (or PyTorch's error, for the ops that
have no integer kernel); complex operands have no kernel but logaddexp's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import _op_docs
from ... import dtypes as _dt
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import check_binary_operands, check_tensors
from ..kernels.operands import as_tensor_of, promote
from ..kernels.out_arg import write_out
from .clamp_where import where

__all__ = ["atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "xlogy"]

_LN2 = math.log(2.0)


_atan2 = Primitive(
    "atan2",
    lambda xp, a, b: xp.arctan2(a, b),
    [
        lambda g, a, b: g * b * _atan2_scale(a, b),  # ∂/∂a atan2(a, b) = b/(a²+b²)
        lambda g, a, b: g * -a * _atan2_scale(a, b),
    ],  # ∂/∂b = -a/(a²+b²); both 0 at (0, 0), as in PyTorch
    inputs=("a", "b"),
    quiet=True,
)
_hypot = Primitive(
    "hypot",
    lambda xp, a, b: xp.hypot(a, b),
    [lambda g, a, out: g * a / out, lambda g, b, out: g * b / out],  # a/√(a²+b²)
    inputs=("a", "b"),
    quiet=True,
)
_logaddexp = Primitive(
    "logaddexp",
    lambda xp, a, b: xp.logaddexp(a, b),
    [lambda g, a, out: g * (a - out).exp(), lambda g, b, out: g * (b - out).exp()],  # eᵃ/(eᵃ+eᵇ)
    inputs=("a", "b"),
    quiet=True,
)
_logaddexp2 = Primitive(
    "logaddexp2",
    lambda xp, a, b: xp.logaddexp2(a, b),
    [lambda g, a, out: g * ((a - out) * _LN2).exp(), lambda g, b, out: g * ((b - out) * _LN2).exp()],
    inputs=("a", "b"),
    quiet=True,
)
_xlogy = Primitive(
    "xlogy",
    lambda xp, a, b: _xlogy_array(xp, a, b),
    [
        # xlogy(g, b) = g log b, but 0 where x = 0 and y ≤ 0 (the output is pinned to 0 there)
        lambda g, a, b: where((a == 0) & (b <= 0), 0.0, _xlogy(g, b)),
        lambda g, a, b: g * a / b,  # a/b (NaN at 0/0, as in PyTorch)
    ],
    inputs=("a", "b"),
    quiet=True,
    half_forward=lambda xp, a, b: x_log_half(xp, a, b, xp.log),
)


def _atan2_scale(a: Tensor, b: Tensor) -> Tensor:
    """1/(a²+b²), and 0 where a = b = 0 (no NaN even under a second derivative)."""
    r2 = a * a + b * b
    zero = r2 == 0
    return where(zero, 0.0, 1 / where(zero, 1.0, r2))


def _xlogy_array(xp: Any, a: Any, b: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = a * xp.log(b)
    return xp.where((a == 0) & ~xp.isnan(b), xp.zeros((), a.dtype), out)


def x_log_half(xp: Any, a: Any, b: Any, log: Callable[[Any], Any]) -> Any:
    """float16/bfloat16 `x·log(y)` (xlogy; xlog1py with `log1p`) as PyTorch's kernels compute it:
    log y rounded to the half dtype (their `std::log` of a Half is a Half), the product in float32
    rounded again; 0 where x = 0 and y is not NaN."""
    wide = b.astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_b = log(wide).astype(b.dtype).astype(np.float32)
    out = a.astype(np.float32) * log_b
    return xp.where((a == 0) & ~xp.isnan(wide), xp.zeros((), np.float32), out).astype(a.dtype)


def _logaddexp_complex(a: Tensor, b: Tensor) -> Tensor:
    """log(eᵃ + eᵇ) for complex a, b, shifted by the operand of larger real part (composed ops: the
    gradient follows)."""
    first = a.real >= b.real
    high, low = where(first, a, b), where(first, b, a)
    return high + (low - high).exp().log1p()


def _float_binary(prim: Primitive, floats_only: bool = False, tensors_only: bool = False,
                  on_complex: Callable[[Tensor, Tensor], Tensor] | None = None,
                  alias: str = "") -> Callable[..., Tensor]:
    """A binary op on floats: integer and bool operands give the default float dtype, or PyTorch's
    error when `floats_only`; complex operands run `on_complex`, or PyTorch's error without one
    (NumPy would drop their imaginary parts). `tensors_only`: PyTorch has no overload taking a number
    (otherwise a Number goes on either side of a tensor). `alias`: the public name argument errors give."""
    public = alias or prim.name

    def op(input: Any, other: Any, *, out: Any = None) -> Tensor:
        if tensors_only and (type(input) is not Tensor or type(other) is not Tensor):
            check_tensors(public, input=input, other=other)
        check_binary_operands(public, input, other, out, number_first="out")
        if out is not None:
            return write_out(out, op, locals())
        a, b = promote(input, other)
        if not _dt.is_floating(a._data.dtype):
            if a._data.dtype.kind == "c" and on_complex is not None:
                return on_complex(a, b)
            if floats_only or a._data.dtype.kind == "c":
                raise NotImplementedError(f"\"{prim.name}_cpu\" not implemented for '{a.dtype.kind_name}'")
            dt = _dt.get_default_dtype()
            a, b = as_tensor_of(a, dt), as_tensor_of(b, dt)
        return prim(a, b)

    op.__name__ = op.__qualname__ = public
    op.__doc__ = f"Elementwise `{prim.name}` of two tensors (broadcasting; integers give floats)."
    return op


atan2 = _float_binary(_atan2, tensors_only=True)
arctan2 = _float_binary(_atan2, tensors_only=True, alias="arctan2")
hypot = _float_binary(_hypot, floats_only=True, tensors_only=True)
logaddexp = _float_binary(_logaddexp, floats_only=True, tensors_only=True, on_complex=_logaddexp_complex)
logaddexp2 = _float_binary(_logaddexp2, floats_only=True, tensors_only=True)
xlogy = _float_binary(_xlogy)

_op_docs.install(globals())  # the full docstrings of the factory-made ops above
