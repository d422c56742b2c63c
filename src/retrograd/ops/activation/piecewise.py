"""Piecewise-linear activations: relu, hardtanh, leaky_relu, threshold, prelu, and the shrinks
(rrelu, which draws random slopes, is in `randomized_relu.py`).

One primitive per activation: the forward on arrays, the derivative on tensors
(so gradients of any order work). At kinks the derivative takes PyTorch's
choice, stated next to each rule. `__all__` holds only the names PyTorch has at
top level (`torch.relu`, `torch.prelu`, ...); `retrograd.nn.functional`
exposes the rest (`F.hardtanh`, `F.leaky_relu`, ...). The elu family lives in
`exponential_linear.py`, the smooth activations (gelu, silu, mish, softplus, ...)
in `smooth.py`, softmax and friends in `along_dim.py`.

In-place variants (`relu_`, `F.leaky_relu(x, inplace=True)`) run through
`engine.inplace`; where PyTorch names their node `...Backward1`, a twin
primitive with that name shares the forward and the rule.
"""

from __future__ import annotations

from typing import Any

from ...backend import namespace
from ...backend.cuda_kernels import kernel
from ...engine import inplace as _inplace
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import lower_precision as _lower_precision
from ..elementwise.clamp_where import gated, where
from ..kernels.arg_types import check_tensors, plain_number, scalar_arg
from ..kernels.dtype_support import no_complex, no_complex_or_wide_unsigned_kernel
from ..kernels.select import select, zero_where
from .smooth import floating, run, twins

__all__ = [
    "relu",
    "relu_",
    "threshold",
    "threshold_",
    "prelu",
    "hardshrink",
]

# --- the relu family: piecewise linear ---------------------------------------------------


# The backward of each piecewise-linear activation is an op of (g, a), as PyTorch's `<op>_backward`:
# linear in g (its derivative in g is itself) and flat in a between the kinks. Its rule in `a` gives
# recorded zeros, so a second derivative w.r.t. the activation's input is zeros, as in PyTorch (a
# gradient penalty's Hessian, a Jacobian trace), not "appears to not have been used in the graph".
def flat(gg: Tensor) -> Tensor:
    """The derivative of a piecewise-linear backward in `a`: +0 everywhere, kept in the graph through `gg`."""
    return gated(gg, Tensor._make(namespace(gg._data).zeros((), dtype=bool)))  # a 0-d False: selects 0


# relu's gradient mask as one fused op (one NumPy expression instead of four tensor ops)
def _relu_mask_forward(xp: Any, g: Any, y: Any) -> Any:
    fused = kernel(xp, "relu_backward", g, y)
    if fused is not None:
        return fused(g, y)
    return zero_where(xp, y <= 0, g)  # +0.0 at and below the kink, as PyTorch's threshold_backward


_relu_mask = Primitive(
    "threshold_backward",
    _relu_mask_forward,
    [lambda gg, y: _relu_mask(gg, y), flat],  # (inputs must not be called "out": that names the output)
    inputs=("g", "y"),
    node_name="ThresholdBackwardBackward0",
)
_relu = Primitive(
    "relu",
    lambda xp, a: xp.maximum(a, 0),
    [lambda g, out: _relu_mask(g, out)],  # 0 at and below the kink, 1 elsewhere (NaN included)
    array_rules=[lambda xp, g, out: _relu_mask_forward(xp, g, out)],
    into=lambda xp, a, out: xp.maximum(a, 0, out=out),
)
_hardtanh_backward = Primitive(
    "hardtanh_backward",
    lambda xp, g, a, lo, hi: zero_where(xp, (a <= lo) | (a >= hi), g),  # 0 at and outside the bounds, else 1
    [lambda gg, a, lo, hi: _hardtanh_backward(gg, a, lo=lo, hi=hi), flat],
    inputs=("g", "a"),
    node_name="HardtanhBackwardBackward0",
)
_hardtanh = Primitive(
    "hardtanh",
    lambda xp, a, lo, hi: xp.clip(a, lo, hi).astype(a.dtype, copy=False),
    [lambda g, a, lo, hi: _hardtanh_backward(g, a, lo=lo, hi=hi)],
)
_leaky_relu_backward = Primitive(
    "leaky_relu_backward",
    lambda xp, g, a, slope: select(xp, a > 0, g, g * slope),  # 1 for a > 0, slope at and below 0
    [lambda gg, a, slope: _leaky_relu_backward(gg, a, slope=slope), flat],
    inputs=("g", "a"),
    node_name="LeakyReluBackwardBackward0",
)
_leaky_relu = twins(
    "leaky_relu",
    lambda xp, a, slope: select(xp, a > 0, a, a * slope),
    lambda g, a, slope: _leaky_relu_backward(g, a, slope=slope),
    "LeakyRelu",
)
_threshold_backward = Primitive(
    "threshold_backward",
    lambda xp, g, a, th: zero_where(xp, a <= th, g),  # 0 at and below the threshold
    [lambda gg, a, th: _threshold_backward(gg, a, th=th), flat],
    inputs=("g", "a"),
    node_name="ThresholdBackwardBackward0",
)
_threshold = twins(
    "threshold",
    lambda xp, a, th, value: select(xp, a <= th, xp.asarray(value).astype(a.dtype), a),
    lambda g, a, th: _threshold_backward(g, a, th=th),
    "Threshold",
)


def _shrink_backward(name: str, node: str) -> Primitive:
    """hardshrink's or softshrink's backward: 0 on [-λ, λ], bounds included, 1 elsewhere."""
    op: Primitive = Primitive(
        name,
        lambda xp, g, a, lambd: zero_where(xp, (a >= -lambd) & (a <= lambd), g),
        [lambda gg, a, lambd: op(gg, a, lambd=lambd), flat],
        inputs=("g", "a"),
        node_name=node,
    )
    return op


_hardshrink_backward = _shrink_backward("hardshrink_backward", "HardshrinkBackwardBackward0")
_softshrink_backward = _shrink_backward("softshrink_backward", "SoftshrinkBackwardBackward0")
_hardshrink = Primitive(
    "hardshrink",
    lambda xp, a, lambd: select(xp, (a >= -lambd) & (a <= lambd), 0, a),
    [lambda g, a, lambd: _hardshrink_backward(g, a, lambd=lambd)],
)
_softshrink = Primitive(
    "softshrink",
    lambda xp, a, lambd: select(xp, a > lambd, a - lambd, select(xp, a < -lambd, a + lambd, a * 0)),
    [lambda g, a, lambd: _softshrink_backward(g, a, lambd=lambd)],
    quiet=True,
)
# prelu's gradient in its input: g where a > 0, g·w elsewhere; flat in a, and g where a <= 0 in w
_prelu_input_backward: Primitive = Primitive(
    "prelu_backward",
    lambda xp, g, a, w: select(xp, a > 0, g, g * w),
    [
        lambda gg, a, w: _prelu_input_backward(gg, a, w),
        flat,
        lambda gg, g, a: where(a > 0, 0.0, gg * g),  # (summed over broadcast dims)
    ],
    inputs=("g", "a", "w"),
    node_name="PreluKernelBackwardBackward0",
)
_prelu = Primitive(
    "prelu",
    lambda xp, a, w: select(xp, a > 0, a, a * w),
    [
        lambda g, a, w: _prelu_input_backward(g, a, w),  # 1 for a > 0, w at and below 0
        lambda g, a: where(a > 0, 0.0, g * a),  # a where a <= 0 (summed over broadcast dims)
    ],
    inputs=("a", "w"),
    node_name="PreluKernelBackward0",
)


def relu(input: Tensor) -> Tensor:
    """`max(input, 0)`, keeping integer dtypes; the gradient at 0 is 0.

    Args:
        input (Tensor): any shape.

    Returns:
        Tensor: `max(input, 0)`, same shape and dtype.

    Examples:
        >>> retrograd.relu(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("relu", input)
    kind = input._data.dtype.kind
    if kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    if kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    return _relu(input)


def relu_(input: Tensor) -> Tensor:
    """In-place `relu`.

    Args:
        input (Tensor): a floating tensor of any shape.

    Returns:
        Tensor: `input`, overwritten with the result.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> y = F.relu_(x)
        >>> y is x, x
        (True, tensor([0., 0., 2.]))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("relu_", input)
    return _inplace.apply(input, relu)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """`clamp(input, min_val, max_val)`; the gradient is 0 at and outside the bounds (all `max_val` if
    `min_val > max_val`: `F.hardtanh` refuses that, the op does not)."""
    lo, hi = scalar_arg("hardtanh", "min_val", 2, min_val), scalar_arg("hardtanh", "max_val", 3, max_val)
    no_complex(NotImplementedError, "clamp is not supported for complex types", input)
    return _hardtanh(input, lo=lo, hi=hi)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place `hardtanh`.

    Args:
        input (Tensor): a floating tensor of any shape.
        min_val (float): the lower end of the linear region (default -1).
        max_val (float): the upper end (default 1).

    Returns:
        Tensor: `input`, overwritten with the result.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> y = F.hardtanh_(x, 0.0, 1.0)
        >>> y is x, x
        (True, tensor([0., 0., 1.]))
    """
    lo, hi = scalar_arg("hardtanh_", "min_val", 2, min_val), scalar_arg("hardtanh_", "max_val", 3, max_val)
    return _inplace.apply(input, hardtanh, lo, hi)


def relu6(input: Tensor) -> Tensor:
    """`min(max(input, 0), 6)` (PyTorch records it as a hardtanh)."""
    return hardtanh(input, 0.0, 6.0)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """`input` where positive, `negative_slope * input` elsewhere."""
    slope = scalar_arg("leaky_relu", "negative_slope", 2, negative_slope)
    return run(input, _leaky_relu[0], "leaky_relu_cpu", slope=slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place `leaky_relu`.

    Args:
        input (Tensor): a floating tensor of any shape.
        negative_slope (float): the slope for negative inputs (default 0.01).

    Returns:
        Tensor: `input`, overwritten with the result.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> y = F.leaky_relu_(x, 0.1)
        >>> y is x, x
        (True, tensor([-0.1000,  0.0000,  2.0000]))
    """
    slope = scalar_arg("leaky_relu_", "negative_slope", 2, negative_slope)
    return _inplace.apply(input, run, _leaky_relu[1], "leaky_relu_cpu", slope=slope)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """Keep the elements greater than `threshold`; replace the others with `value`.

    Args:
        input (Tensor): any shape.
        threshold (float): the cut-off; elements at or below it are replaced.
        value (float): what replaces them.

    Returns:
        Tensor: `input`'s shape and dtype.

    Examples:
        >>> x = retrograd.tensor([-2.0, -0.5, 0.0, 1.5])
        >>> retrograd.threshold(x, 0.0, -9.0)
        tensor([-9.0000, -9.0000, -9.0000,  1.5000])
        >>> retrograd.threshold(x, -1.0, 0.0)
        tensor([ 0.0000, -0.5000,  0.0000,  1.5000])
    """
    th, value = scalar_arg("threshold", "threshold", 2, threshold), scalar_arg("threshold", "value", 3, value)
    no_complex_or_wide_unsigned_kernel("threshold_cpu", input)
    return _threshold[0](input, th=th, value=value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place `threshold`.

    Args:
        input (Tensor): a floating tensor of any shape.
        threshold (float): the cut-off; elements at or below it are replaced.
        value (float): what replaces them.

    Returns:
        Tensor: `input`, overwritten with the result.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> y = F.threshold_(x, 0.5, -1.0)
        >>> y is x, x
        (True, tensor([-1., -1.,  2.]))
    """
    th, value = scalar_arg("threshold_", "threshold", 2, threshold), scalar_arg("threshold_", "value", 3, value)
    return _inplace.apply(input, lambda t: _threshold[1](t, th=th, value=value))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """0 on `[-lambd, lambd]`, `input` elsewhere.

    Args:
        input (Tensor): a floating tensor of any shape.
        lambd (float): the half-width of the band sent to 0 (default 0.5).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.hardshrink(retrograd.tensor([-2.0, -0.5, 0.2, 0.6]))
        tensor([-2.0000,  0.0000,  0.0000,  0.6000])
        >>> F.hardshrink(retrograd.tensor([-2.0, -0.5, 0.2, 0.6]), 1.0)
        tensor([-2.,  0.,  0.,  0.])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("hardshrink", input)
    return run(input, _hardshrink, "hardshrink_cpu", lambd=scalar_arg("hardshrink", "lambd", 2, lambd))


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """`input - lambd` above `lambd`, `input + lambd` below `-lambd`, 0 between.

    Args:
        input (Tensor): a floating tensor of any shape.
        lambd (float): the half-width of the band sent to 0; >= 0 (default 0.5).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.softshrink(retrograd.tensor([-2.0, -0.5, 0.2, 1.5]))
        tensor([-1.5000, -0.0000,  0.0000,  1.0000])
    """
    floating(input, "softshrink_check")
    lambd = scalar_arg("softshrink", "lambd", 2, lambd)
    if lambd < 0:
        raise RuntimeError(
            f"lambda must be in range [0, 3.40282e+38] for input dtype {input.dtype.kind_name}, but found {lambd:g}"
        )
    return _softshrink(input, lambd=plain_number(lambd))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """Leaky relu with learned slopes `weight`: one, or one per channel (dim 1 of `(N, C, *)`).

    Args:
        input (Tensor): a floating tensor of any shape.
        weight (Tensor): the slopes: one element, or one per channel (size of dim 1).

    Returns:
        Tensor: `input`'s shape: `input` where positive, `weight * input` elsewhere.

    Examples:
        >>> F.prelu(retrograd.tensor([-1.0, 0.0, 2.0]), retrograd.tensor([0.25]))
        tensor([-0.2500,  0.0000,  2.0000])
        >>> x = retrograd.tensor([[-1.0, -1.0], [2.0, -2.0]])
        >>> F.prelu(x, retrograd.tensor([0.1, 0.5]))
        tensor([[-0.1000, -0.5000],
                [ 2.0000, -1.0000]])
    """
    if _autocasting[0]:
        input, weight = _lower_precision(input, weight)
    check_tensors("prelu", input=input, weight=weight)
    if input._data.dtype != weight._data.dtype:  # PyTorch's kernel takes one dtype, checked first
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {input.dtype.kind_name} and {weight.dtype.kind_name}"
        )
    floating(input, "prelu_cpu")
    n, nd = weight.numel(), input._data.ndim
    channels = input._data.shape[1] if nd >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {channels}."
        )
    w = weight.reshape(()) if n == 1 else weight.reshape((n,) + (1,) * (nd - 2))
    return _prelu(input, w)
