"""Smooth activations (gelu, silu, mish, softplus, logsigmoid, hardsigmoid, ...) and shared helpers.

Part of `retrograd.ops.activation`; `retrograd.nn.functional`
exposes these functions. Each is one primitive: forward on arrays, derivative on
tensors (differentiable, so double backward works).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...backend import namespace
from ...backend.cuda_kernels import kernel
from ...engine import bfloat16 as _half
from ...engine.grad_mode import state as grad_state
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..elementwise.clamp_where import gated, where
from ..elementwise.pointwise import erf, exp, sigmoid, tanh
from ..kernels.arg_types import plain_number, scalar_arg
from ..kernels.select import select
from ..kernels.special import erf_array, rounded_once, tanh_array

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K = 0.044715
# float32 exp and log1p computed in float64 and rounded once, as accurate as PyTorch's kernels: with
# NumPy's float32 loops a third of silu's and a quarter of mish's last bits differed (now 4-5%)
_exp, _log1p = rounded_once("exp"), rounded_once("log1p")


def floating(input: Tensor, kernel: str) -> Tensor:
    """`input` if it is floating point, else PyTorch's 'not implemented' error for `kernel`."""
    if not _dt.is_floating(input._data.dtype):
        kind = input.dtype.kind_name
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{kind}'")
    return input


def twins(name: str, forward: Any, rule: Any, node: str, **kw: Any) -> tuple[Primitive, Primitive]:
    """The out-of-place primitive (`<node>Backward0`) and its in-place twin (`<node>Backward1`)."""
    return (
        Primitive(name, forward, [rule], node_name=node + "Backward0", **kw),
        Primitive(name, forward, [rule], node_name=node + "Backward1", **kw),
    )


def run(input: Tensor, prim: Primitive, kernel: str, **attrs: Any) -> Tensor:
    """`prim(input, **attrs)` for a floating-point input (else PyTorch's error for `kernel`).

    A NumPy scalar attribute (`alpha=np.float64(0.5)`) is read as a Python number, as PyTorch's
    parser does: NumPy would otherwise compute a float32 input in float64.
    """
    return prim(floating(input, kernel), **{k: plain_number(v) for k, v in attrs.items()})


def sigmoid_array(xp: Any, a: Any) -> Any:
    """The logistic function on an array, 1 / (1 + e^-a) as PyTorch's kernels compute it (e^-a = inf
    below about -88 gives the limit 0; the overflow warning is silenced by the package's filter)."""
    return 1 / (1 + _exp(xp, -a))


# --- smooth activations -----------------------------------------------------------------


def _gelu_forward(xp: Any, a: Any, approximate: str) -> Any:
    fused = kernel(xp, "gelu_tanh" if approximate == "tanh" else "gelu", a)
    if fused is not None:
        return fused(a)
    if approximate == "tanh":
        return 0.5 * a * (1 + tanh_array(xp, (a + _GELU_K * a * a * a) * _SQRT_2_OVER_PI))
    return 0.5 * a * (1 + erf_array(a * math.sqrt(0.5)))


def _gelu_slope(a: Tensor, approximate: str) -> Tensor:
    """gelu'(a), on tensors (so it is differentiable again)."""
    if approximate == "tanh":
        # ½(1 + t) + ½a(1 - t²)·√(2/π)(1 + 3k a²), t = tanh(√(2/π)(a + k a³)).
        # Beyond |a| = 10, t is ±1 exactly: clamping there changes nothing but avoids a³ overflow.
        near = a.clamp(-10.0, 10.0)
        t = tanh((near + _GELU_K * near * near * near) * _SQRT_2_OVER_PI)
        inner = (1 + (3 * _GELU_K) * near * near) * _SQRT_2_OVER_PI
        return 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * inner
    # Φ(a) + a·φ(a); φ underflows to 0 beyond |a| = 40, where clamping avoids a² overflow
    cdf = 0.5 * (1 + erf(a * math.sqrt(0.5)))
    near = a.clamp(-40.0, 40.0)
    return cdf + a * ((near * near * -0.5).exp() * _INV_SQRT_2PI)


def _gelu_curvature(a: Tensor, approximate: str) -> Tensor:
    """gelu''(a): φ(a)(2 - a²) exactly (PyTorch's pdf·2 - a²·pdf), or the tanh form's
    (1 - t²)(u' + ½a(u'' - 2t u'²)) with u = √(2/π)(a + k a³)."""
    if approximate == "tanh":
        near = a.clamp(-10.0, 10.0)
        t = tanh((near + _GELU_K * near * near * near) * _SQRT_2_OVER_PI)
        du = (1 + (3 * _GELU_K) * near * near) * _SQRT_2_OVER_PI
        ddu = (6 * _GELU_K * _SQRT_2_OVER_PI) * near
        return (1 - t * t) * (du + 0.5 * a * (ddu - 2 * t * du * du))
    near = a.clamp(-40.0, 40.0)
    pdf = (near * near * -0.5).exp() * _INV_SQRT_2PI
    return pdf * 2 - (a * a) * pdf


# PyTorch's gelu_backward, an op of (g, a): a create_graph gradient records GeluBackwardBackward0
_gelu_backward = Primitive(
    "gelu_backward",
    lambda xp, g, a, approximate: _gelu_backward_array(xp, g, a, approximate),
    [
        lambda gg, a, approximate: gelu_backward(gg, a, approximate),
        lambda gg, g, a, approximate: (gg * g) * _gelu_curvature(a, approximate),
    ],
    inputs=("g", "a"), node_name="GeluBackwardBackward0", quiet=True,
)


def _gelu_backward_array(xp: Any, g: Any, a: Any, approximate: str) -> Any:
    fused = kernel(xp, "gelu_tanh_backward" if approximate == "tanh" else "gelu_backward", g, a)
    if fused is not None:
        return fused(g, a)
    return (Tensor._make(g) * _gelu_slope(Tensor._make(a), approximate))._data


def gelu_backward(g: Tensor, a: Tensor, approximate: str = "none") -> Tensor:
    """g·gelu'(a), recorded as one node when autograd records it."""
    # _half.BF16 read at call time: the bfloat16 dtype is swapped in when ml_dtypes loads
    half = type(a) is Tensor and (a._data.dtype is _half.BF16 or a._data.dtype is _half.F16)
    if not grad_state.enabled and type(g) is Tensor and type(a) is Tensor and not half:
        return Tensor._make(_gelu_backward_array(namespace(a._data), g._data, a._data, approximate))
    # recorded, or bfloat16/float16: the primitive computes those in float32 and rounds once, as
    # PyTorch's kernel does (op by op in half precision, each step would round)
    return _gelu_backward(g, a, approximate=approximate)


def _gelu_rule(g: Tensor, a: Tensor, approximate: str) -> Tensor:
    return gelu_backward(g, a, approximate)


_gelu = Primitive("gelu", _gelu_forward, [_gelu_rule], quiet=True)


def _is_half(t: Tensor) -> bool:
    """Whether `t` is float16 or bfloat16, whose kernels compute in float32 and round once."""
    return t._data.dtype is _half.F16 or t._data.dtype is _half.BF16  # (read now: bfloat16 loads late)


# PyTorch's silu_backward: g·silu'(a) in one kernel (one rounding for float16/bfloat16). A
# create_graph backward composes silu' from ops instead (as PyTorch), so these rules serve
# forward-mode tangents through a backward (jacfwd of jacrev)
_silu_backward = Primitive(
    "silu_backward",
    lambda xp, g, a: (Tensor._make(g) * _silu_slope(Tensor._make(a)))._data,
    [lambda gg, a: gg * _silu_slope(a), lambda gg, g, a: gg * g * _silu_curvature(a)],
    inputs=("g", "a"), node_name="SiluBackwardBackward0", quiet=True,
)


def _silu_rule(g: Tensor, a: Tensor) -> Tensor:
    # PyTorch differentiates silu by its fused kernel when nothing records the backward, else by
    # ops (infinitely_differentiable_silu_backward); the two differ only in float16/bfloat16 rounding
    if not grad_state.enabled and type(g) is Tensor and type(a) is Tensor:
        return _silu_backward(g, a)
    return g * _silu_slope(a)


_silu = Primitive(  # quiet: -inf · σ(-inf) is NaN, silently, as in PyTorch
    "silu",
    lambda xp, a: a / (1 + _exp(xp, -a)),  # PyTorch's kernel divides by 1 + e^-a
    [_silu_rule],
    quiet=True,
)
_mish = Primitive(
    "mish",
    lambda xp, a: a * tanh_array(xp, _log1p(xp, _exp(xp, a))),  # a·tanh(log(1 + e^a)), PyTorch's steps
    [lambda g, a: g * _mish_slope(a)],
    quiet=True,
)


# --- backwards as one op: PyTorch's `<op>_backward(g, a)`, so that a recorded backward (create_graph)
# shows its <Op>BackwardBackward0 node. Each is linear in g (its rule in g is the op again) and its
# rule in `a` is g·f''(a). A vmap batch takes the composed gradient instead (`one_op_or`).


def one_op_or(prim: Primitive, composed: Any, g: Tensor, a: Tensor, **attrs: Any) -> Tensor:
    """`prim(g, a, **attrs)`, or `composed(g, a, **attrs)` (the same gradient from ops) for a vmap batch."""
    if type(g) is Tensor and type(a) is Tensor:
        return prim(g, a, **attrs)
    return composed(g, a, **attrs)


def _softplus_grad(g: Tensor, a: Tensor, beta: float, th: float) -> Tensor:
    # σ(βa) = z / (z + 1) with z = e^(βa), as PyTorch's kernel writes it (its bits); 1 above the
    # threshold, where the clamp keeps the discarded exponential finite
    scaled = a * beta
    z = scaled.clamp(max=th).exp()
    return where(scaled > th, g, g * z / (z + 1))


def _softplus_curvature(a: Tensor, beta: float, th: float) -> Tensor:
    scaled = a * beta
    s = sigmoid(scaled)
    return where(scaled > th, 0.0, s * (1 - s) * beta)  # β·σ(βa)(1 - σ(βa)), and 0 above the threshold


_softplus_backward: Primitive = Primitive(
    "softplus_backward",
    lambda xp, g, a, beta, th: _softplus_grad(Tensor._make(g), Tensor._make(a), beta, th)._data,
    [
        lambda gg, a, beta, th: one_op_or(_softplus_backward, _softplus_grad, gg, a, beta=beta, th=th),
        lambda gg, g, a, beta, th: gg * g * _softplus_curvature(a, beta, th),
    ],
    inputs=("g", "a"), node_name="SoftplusBackwardBackward0", quiet=True,
)
_softplus = Primitive(
    "softplus",
    lambda xp, a, beta, th: select(xp, a * beta > th, a, _log1p(xp, _exp(xp, a * beta)) / beta),
    [lambda g, a, beta, th: one_op_or(_softplus_backward, _softplus_grad, g, a, beta=beta, th=th)],
    quiet=True,
)


def _log_sigmoid_grad(g: Tensor, a: Tensor) -> Tensor:
    # σ(-a), from z = e^(-|a|) as PyTorch's kernel computes it (its bits): 1 - z/(1+z) below 0, z/(1+z) above
    z = (-a.abs()).exp()
    q = z / (1 + z)
    return g * where(a < 0, 1 - q, q)


_log_sigmoid_backward: Primitive = Primitive(
    "log_sigmoid_backward",
    lambda xp, g, a: _log_sigmoid_grad(Tensor._make(g), Tensor._make(a))._data,
    [
        lambda gg, a: one_op_or(_log_sigmoid_backward, _log_sigmoid_grad, gg, a),
        lambda gg, g, a: -(gg * g) * sigmoid(a) * sigmoid(-a),  # d/da σ(-a) = -σ(a)σ(-a)
    ],
    inputs=("g", "a"), node_name="LogSigmoidBackwardBackward0", quiet=True,
)
_log_sigmoid = Primitive(
    "log_sigmoid",
    lambda xp, a: xp.minimum(a, 0) - _log1p(xp, _exp(xp, -xp.abs(a))),  # min(a, 0) - log(1 + e^-|a|)
    [lambda g, a: one_op_or(_log_sigmoid_backward, _log_sigmoid_grad, g, a)],
    node_name="LogSigmoidBackward0",
    quiet=True,
)
# PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32, in every dtype (float64 too)
_ONE_SIXTH = float(np.float32(1 / 6))
_hardsigmoid = Primitive(
    "hardsigmoid",
    lambda xp, a: xp.minimum(xp.maximum(a + 3, 0), 6) / 6,
    [lambda g, a: gated(g, (a > -3) & (a < 3)) * _ONE_SIXTH],  # 1/6 strictly inside (-3, 3), else 0
)


def _hardswish_grad(g: Tensor, a: Tensor) -> Tensor:
    return gated(g, where(a < 3, where(a <= -3, 0.0, a / 3 + 0.5), 1.0))  # 0 at -3, 1 at 3


_hardswish_backward: Primitive = Primitive(
    "hardswish_backward",
    lambda xp, g, a: _hardswish_grad(Tensor._make(g), Tensor._make(a))._data,
    [
        lambda gg, a: one_op_or(_hardswish_backward, _hardswish_grad, gg, a),
        lambda gg, g, a: where((a > -3) & (a < 3), gg * g / 3, 0.0),  # 1/3 strictly inside (-3, 3)
    ],
    inputs=("g", "a"), node_name="HardswishBackwardBackward0", quiet=True,
)
_hardswish = Primitive(  # quiet: a·6 may overflow to inf, silently, as in PyTorch
    "hardswish",
    lambda xp, a: a * xp.minimum(xp.maximum(a + 3, 0), 6) / 6,
    [lambda g, a: one_op_or(_hardswish_backward, _hardswish_grad, g, a)],
    quiet=True,
)


def _silu_slope(a: Tensor) -> Tensor:
    s = sigmoid(a)
    return s * (1 + a * (1 - s))  # σ(a)(1 + a(1 - σ(a)))


def _silu_curvature(a: Tensor) -> Tensor:
    s = sigmoid(a)
    return s * (1 - s) * (2 + a * (1 - 2 * s))  # silu''(a) = σ(1 - σ)(2 + a(1 - 2σ))


def _mish_slope(a: Tensor) -> Tensor:
    t = tanh(softplus(a))
    return t + a * sigmoid(a) * (1 - t * t)  # tanh(sp) + a·σ(a)·sech²(sp)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """`input * Φ(input)`; `approximate='tanh'` uses the tanh approximation.

    Args:
        input (Tensor): a floating tensor of any shape.
        approximate (str): `'none'` for the exact `x·Φ(x)` with the normal CDF Φ, `'tanh'` for the tanh
            approximation (default `'none'`).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.gelu(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.1587,  0.0000,  1.9545])
        >>> F.gelu(retrograd.tensor([-1.0, 0.0, 2.0]), approximate='tanh')
        tensor([-0.1588,  0.0000,  1.9546])
    """
    if not isinstance(approximate, str):
        kind = type(approximate).__name__
        raise TypeError(f"gelu(): argument 'approximate' must be str, not {kind}")
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return run(input, _gelu, "GeluKernelImpl", approximate=approximate)


def silu(input: Tensor) -> Tensor:
    """`input * sigmoid(input)` (swish); a complex input gives `input / (1 + e^-input)`, without a gradient."""
    if isinstance(input, Tensor) and input.dtype.is_complex:  # PyTorch's kernel has it, its autograd not
        if input._requires_grad and grad_state.enabled:
            raise RuntimeError("silu does not support automatic differentiation for outputs with complex dtype.")
        return input / (1 + exp(-input))
    return run(input, _silu, "silu_cpu")


def mish(input: Tensor) -> Tensor:
    """`input * tanh(softplus(input))`."""
    return run(input, _mish, "mish_cpu")


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """`log(1 + exp(beta * input)) / beta`, linear where `beta * input > threshold`."""
    beta, threshold = scalar_arg("softplus", "beta", 2, beta), scalar_arg("softplus", "threshold", 3, threshold)
    return run(input, _softplus, "softplus_cpu", beta=beta, th=threshold)


def log_sigmoid(input: Tensor) -> Tensor:
    """`log(sigmoid(input))`, computed without overflow."""
    return run(input, _log_sigmoid, "log_sigmoid_cpu")


def hardsigmoid(input: Tensor) -> Tensor:
    """`clamp(input / 6 + 1/2, 0, 1)`."""
    return run(input, _hardsigmoid, "hardsigmoid_cpu")


def hardswish(input: Tensor) -> Tensor:
    """`input * hardsigmoid(input)`."""
    return run(input, _hardswish, "hardswish_cpu")


def softsign(input: Tensor) -> Tensor:
    """`input / (1 + |input|)` (composite, like PyTorch's).

    Args:
        input (Tensor): a floating tensor of any shape.

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.softsign(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-0.6667, -0.3333,  0.0000,  0.5000,  0.7500])
    """
    return input / (1 + input.abs())


def tanhshrink(input: Tensor) -> Tensor:
    """`input - tanh(input)` (composite, like PyTorch's).

    Args:
        input (Tensor): a floating tensor of any shape.

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.tanhshrink(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.2384,  0.0000,  1.0360])
    """
    return input - tanh(input)
