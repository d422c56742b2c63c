"""The exponential linear units: elu, selu and celu (PyTorch's elu kernel with its scales).

x·scale for x > 0, scale·alpha·(e^(x·input_scale) - 1) at and below 0: elu is (alpha, 1, 1), selu
the self-normalizing constants (alpha ≈ 1.6733, scale ≈ 1.0507), celu (alpha, 1, 1/alpha). One
primitive (and its in-place twin) per node name; the backward is PyTorch's `elu_backward`, one op.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine import inplace as _inplace
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..elementwise.clamp_where import where
from ..kernels.arg_types import scalar_arg
from ..kernels.select import select
from ..kernels.special import rounded_once
from .smooth import one_op_or, run, twins

__all__ = ["selu", "selu_", "celu", "celu_"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


_expm1 = rounded_once("expm1")  # float32 via float64, as accurate as PyTorch's (NumPy's float32 loop is not)


def _elu_forward(xp: Any, a: Any, alpha: float, scale: float, input_scale: float) -> Any:
    # min(a, 0) keeps exp from overflowing in the branch `where` discards
    negative = _expm1(xp, xp.minimum(a, 0) * input_scale) * (alpha * scale)
    return select(xp, a > 0, a * scale, negative)


def _elu_grad(g: Tensor, a: Tensor, alpha: float, scale: float, input_scale: float) -> Tensor:
    # scale·alpha·input_scale·e^(a·input_scale) at and below 0; scale above (NaN included). The
    # exponential is written for a < 0 only, so the second derivative is 0 at the kink, as PyTorch's.
    # Multiplied in PyTorch's order, g·input_scale·(alpha·scale)·e^(...), for its bits
    e = where(a < 0, (a.clamp(max=0) * input_scale).exp(), 1.0)
    return where(a <= 0, g * input_scale * (alpha * scale) * e, g * scale)


def _elu_curvature(a: Tensor, alpha: float, scale: float, input_scale: float) -> Tensor:
    # scale·alpha·input_scale²·e^(a·input_scale) below 0; 0 at the kink and above
    return where(a < 0, (a.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale * input_scale), 0.0)


# PyTorch's elu_backward as one op (EluBackwardBackward0 when recorded), shared by elu, selu and celu
_elu_backward: Primitive = Primitive(
    "elu_backward",
    lambda xp, g, a, alpha, scale, input_scale: _elu_grad(
        Tensor._make(g), Tensor._make(a), alpha, scale, input_scale
    )._data,
    [
        lambda gg, a, alpha, scale, input_scale: one_op_or(
            _elu_backward, _elu_grad, gg, a, alpha=alpha, scale=scale, input_scale=input_scale
        ),
        lambda gg, g, a, alpha, scale, input_scale: gg * g * _elu_curvature(a, alpha, scale, input_scale),
    ],
    inputs=("g", "a"),
    node_name="EluBackwardBackward0",
)


def _elu_rule(g: Tensor, a: Tensor, alpha: float, scale: float, input_scale: float) -> Tensor:
    return one_op_or(_elu_backward, _elu_grad, g, a, alpha=alpha, scale=scale, input_scale=input_scale)


_elu = twins("elu", _elu_forward, _elu_rule, "Elu")


def _celu_rule(g: Tensor, a: Tensor, alpha: float, scale: float, input_scale: float) -> Tensor:
    # PyTorch's celu backward rounds alpha to float32 before taking 1/alpha (its forward does not)
    backward_scale = 1.0 / float(np.float32(alpha))
    return one_op_or(_elu_backward, _elu_grad, g, a, alpha=alpha, scale=scale, input_scale=backward_scale)


_celu = twins("celu", _elu_forward, _celu_rule, "Celu")


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """`input` for positive values, `alpha * (exp(input) - 1)` elsewhere."""
    return run(input, _elu[0], "elu_cpu", alpha=scalar_arg("elu", "alpha", 2, alpha), scale=1.0, input_scale=1.0)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place `elu`.

    Args:
        input (Tensor): a floating tensor of any shape.
        alpha (float): the negative part saturates at `-alpha` (default 1).

    Returns:
        Tensor: `input`, overwritten with the result.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> y = F.elu_(x)
        >>> y is x, x
        (True, tensor([-0.6321,  0.0000,  2.0000]))
    """
    alpha = scalar_arg("elu_", "alpha", 2, alpha)
    return _inplace.apply(input, run, _elu[1], "elu_cpu", alpha=alpha, scale=1.0, input_scale=1.0)


def selu(input: Tensor) -> Tensor:
    """SELU: `scale * elu(input, alpha)` with the self-normalizing constants of Klambauer et al. (2017).

    `alpha` is about 1.6733 and `scale` about 1.0507, chosen so activations keep zero mean and
    unit variance through deep stacks.

    Args:
        input (Tensor): any shape, floating point.

    Returns:
        Tensor: `input`'s shape and dtype.

    Examples:
        >>> retrograd.selu(retrograd.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-1.5202, -0.6918,  0.0000,  1.5761])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("selu", input)
    return run(input, _elu[0], "elu_cpu", alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def selu_(input: Tensor) -> Tensor:
    """In-place `selu`.

    Args:
        input (Tensor): a floating tensor of any shape.

    Returns:
        Tensor: `input`, overwritten with the result.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> y = F.selu_(x)
        >>> y is x, x
        (True, tensor([-1.1113,  0.0000,  2.1014]))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("selu_", input)
    return _inplace.apply(input, run, _elu[1], "elu_cpu", alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def _celu_attrs(alpha: float) -> dict:
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return dict(alpha=alpha, scale=1.0, input_scale=1.0 / alpha)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """CELU: `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))` for each element `x`.

    A continuously differentiable ELU: the negative part saturates at `-alpha`.

    Args:
        input (Tensor): any shape, floating point.
        alpha (float): the scale of the negative part; must not be 0 (default 1).

    Returns:
        Tensor: `input`'s shape and dtype.

    Examples:
        >>> x = retrograd.tensor([-2.0, -0.5, 0.0, 1.5])
        >>> retrograd.celu(x)
        tensor([-0.8647, -0.3935,  0.0000,  1.5000])
        >>> retrograd.celu(x, 2.0)
        tensor([-1.2642, -0.4424,  0.0000,  1.5000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("celu", input)
    return run(input, _celu[0], "elu_cpu", **_celu_attrs(scalar_arg("celu", "alpha", 2, alpha)))


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place `celu`.

    Args:
        input (Tensor): a floating tensor of any shape.
        alpha (float): the scale of the negative part; must not be 0 (default 1).

    Returns:
        Tensor: `input`, overwritten with the result.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> y = F.celu_(x, 2.0)
        >>> y is x, x
        (True, tensor([-0.7869,  0.0000,  2.0000]))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("celu_", input)
    return _inplace.apply(input, run, _celu[1], "elu_cpu", **_celu_attrs(scalar_arg("celu_", "alpha", 2, alpha)))
