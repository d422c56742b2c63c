"""Special functions of two arguments: xlog1py, zeta (Hurwitz), gammainc and gammaincc.

Each is one primitive over the kernels of `kernels.special_math`, with the derivatives
PyTorch defines (none where it has none, e.g. in the first argument of gammainc).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels import special_math as _k
from ..kernels.arg_types import check_tensors
from ..kernels.dtype_support import no_complex_kernel
from ..kernels.out_arg import write_out
from .binary_math import x_log_half
from .clamp_where import where
from .special_functions import _float_pair, gammaln

__all__ = ["xlog1py", "zeta", "gammainc", "gammaincc"]


# --- two-argument functions ---------------------------------------------------------------------


def _refuse(what: str) -> Callable[..., Tensor]:
    def rule(g: Tensor) -> Tensor:
        raise NotImplementedError(f"the derivative for '{what}' is not implemented.")

    return rule


def _xlog1py_grad_x(g: Tensor, a: Tensor, b: Tensor) -> Tensor:
    # xlog1py(g, y) = g log1p(y), but 0 where x = 0 and y ≤ -1 (the output is pinned to 0 there)
    return where((a == 0) & (b <= -1), 0.0, _xlog1py(g, b))


_xlog1py = Primitive(
    "special_xlog1py",
    lambda xp, a, b: xp.where((a == 0) & ~xp.isnan(b), a.dtype.type(0), a * xp.log1p(b)),
    [_xlog1py_grad_x, lambda g, a, b: g * a / (b + 1)],  # ∂/∂x = log1p y, ∂/∂y = x/(1+y)
    inputs=("a", "b"),
    quiet=True,
    node_name="SpecialXlog1PyBackward0",
    half_forward=lambda xp, a, b: x_log_half(xp, a, b, xp.log1p),
)
_zeta = Primitive(
    "special_zeta",
    lambda xp, a, b: _k.hurwitz_zeta(a, b).astype(a.dtype, copy=False),
    [_refuse("zeta"), lambda g, a, b: g * (-a * zeta(a + 1, b))],  # ∂ζ(s, q)/∂q = -s ζ(s+1, q)
    inputs=("a", "b"),
    quiet=True,
)


def _incomplete_gamma_density(a: Tensor, b: Tensor) -> Tensor:
    return ((a - 1) * b.log() - b - gammaln(a)).exp()  # x^(a-1) e^(-x) / Γ(a)


_gammainc = Primitive(
    "igamma",
    lambda xp, a, b: _k.gammainc(a, b).astype(a.dtype, copy=False),
    [_refuse("igamma: input"), lambda g, a, b: g * _incomplete_gamma_density(a, b)],
    inputs=("a", "b"),
    quiet=True,
)
_gammaincc = Primitive(
    "igammac",
    lambda xp, a, b: _k.gammaincc(a, b).astype(a.dtype, copy=False),
    [_refuse("igammac: input"), lambda g, a, b: -g * _incomplete_gamma_density(a, b)],
    inputs=("a", "b"),
    quiet=True,
)


def xlog1py(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """x·log1p(y), and 0 where x = 0 (unless y is NaN).

    Args:
        input (Tensor or number): x.
        other (Tensor or number): y; broadcasts with `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, a floating dtype.

    Examples:
        >>> retrograd.special.xlog1py(retrograd.tensor([0.0, 2.0, 3.0]), retrograd.tensor([-1.0, 0.0, 1.0]))
        tensor([0.0000, 0.0000, 2.0794])
    """
    if out is not None:
        return write_out(out, xlog1py, locals())
    no_complex_kernel("xlog1py_cpu", input, other)
    return _xlog1py(*_float_pair(input, other))


def zeta(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """The Hurwitz zeta function ζ(x, q) = Σ_k (q + k)^-x (differentiable in q only, as in PyTorch).

    Args:
        input (Tensor or number): x, the exponent.
        other (Tensor or number): q, the shift; broadcasts with `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, a floating dtype.

    Examples:
        >>> retrograd.special.zeta(retrograd.tensor([2.0, 4.0]), 1.0)
        tensor([1.6449, 1.0823])
    """
    if out is not None:
        return write_out(out, zeta, locals())
    no_complex_kernel("zeta_cpu", input, other)
    return _zeta(*_float_pair(input, other))


def gammainc(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """The regularized lower incomplete gamma function P(a, x), elementwise (`special.gammainc`).

    Args:
        input (Tensor): the shape parameters `a` > 0.
        other (Tensor): the points `x` >= 0; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: P(input, other) in [0, 1], the broadcast shape; differentiable in `other` only.

    Examples:
        >>> retrograd.igamma(retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([1.0, 1.0, 5.0]))
        tensor([0.6321, 0.2642, 0.8753])
    """
    if out is not None:
        return write_out(out, gammainc, locals())
    check_tensors("igamma", input=input, other=other)
    no_complex_kernel("igamma_cpu", input, other)
    return _gammainc(*_float_pair(input, other))


def gammaincc(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), elementwise (`special.gammaincc`).

    Args:
        input (Tensor): the shape parameters `a` > 0.
        other (Tensor): the points `x` >= 0; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: Q(input, other) in [0, 1], the broadcast shape; differentiable in `other` only.

    Examples:
        >>> retrograd.igammac(retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([1.0, 1.0, 5.0]))
        tensor([0.3679, 0.7358, 0.1247])
    """
    if out is not None:
        return write_out(out, gammaincc, locals())
    check_tensors("igammac", input=input, other=other)
    no_complex_kernel("igammac_cpu", input, other)
    return _gammaincc(*_float_pair(input, other))
