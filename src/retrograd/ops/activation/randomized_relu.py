"""rrelu, the randomized leaky ReLU: while training, each non-positive element gets a slope drawn
from U(lower, upper); otherwise the mean slope.

Apart from the other piecewise activations because it draws random numbers: a program that
only calls relu does not load the generator.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import _cpu_sampling
from ..._generator import resolve
from ...engine import inplace as _inplace
from ...engine.primitive import Primitive, not_a_tensor
from ...engine.vmap_hook import batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.arg_types import bool_arg, plain_number, scalar_arg
from ..kernels.select import select
from .piecewise import flat
from .smooth import floating, twins

__all__ = ["rrelu", "rrelu_"]

# eval mode: slope = (lower + upper) / 2
_rrelu_backward = Primitive(
    "rrelu_with_noise_backward",
    lambda xp, g, a, slope: select(xp, a > 0, g, g * slope),
    [lambda gg, a, slope: _rrelu_backward(gg, a, slope=slope), flat],
    inputs=("g", "a"),
    node_name="RreluWithNoiseBackwardBackward0",
)
_rrelu = twins(
    "rrelu",
    lambda xp, a, slope: select(xp, a > 0, a, a * slope),
    lambda g, a, slope: _rrelu_backward(g, a, slope=slope),
    "RreluWithNoise",
)
# training: `noise` holds 1 where a > 0 and the drawn slope elsewhere; d/da = noise
_rrelu_noise_backward = Primitive(
    "rrelu_with_noise_backward",
    lambda xp, g, a, noise: g * noise,
    [lambda gg, a, noise: _rrelu_noise_backward(gg, a, noise), flat, None],
    inputs=("g", "a", "noise"),
    node_name="RreluWithNoiseBackwardBackward0",
)
_rrelu_noise = tuple(
    Primitive(
        "rrelu",
        lambda xp, a, noise: a * noise,
        [lambda g, a, noise: _rrelu_noise_backward(g, a, noise), None],
        inputs=("a", "noise"),
        node_name=f"RreluWithNoiseBackward{i}",
    )
    for i in (0, 1)
)


def _rrelu_arguments(fn: str, lower: Any, upper: Any, training: Any) -> tuple:
    """The argument parser's checks of rrelu: two Numbers and a bool."""
    return scalar_arg(fn, "lower", 2, lower), scalar_arg(fn, "upper", 3, upper), bool_arg(fn, "training", 4, training)


def _rrelu_call(input: Tensor, lower: float, upper: float, training: bool, generator: Any, twin: int) -> Tensor:
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    floating(input, "leaky_relu_cpu")
    if not training:
        return _rrelu[twin](input, slope=plain_number((lower + upper) / 2))
    if _vmap.active:  # PyTorch has no batching rule for rrelu's training mode (after the randomness check)
        resolve(generator)
        batched("rrelu", rrelu, input)
    noise = Tensor._make(_noise(input, lower, upper, generator))
    return _rrelu_noise[twin](input, noise)


def _noise(input: Tensor, lower: float, upper: float, generator: Any) -> Any:
    """Slope 1 where the input is positive, U[lower, upper] elsewhere: PyTorch draws one double
    per non-positive element, in order, between the bounds rounded to the input's dtype."""
    x = np.asarray(input._data, order="C")  # (ascontiguousarray makes a 0-d array 1-d)
    kind = x.dtype.type
    negative = x <= 0
    noise = np.ones_like(x)
    low, high = float(kind(lower)), float(kind(upper))
    draws = _cpu_sampling.uniform_doubles(resolve(generator), int(negative.sum()), low, high)
    noise[negative] = draws.astype(x.dtype)
    return noise


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    generator: Any = None,
) -> Tensor:
    """Randomized leaky ReLU: negative elements times a slope drawn from U(lower, upper) while training.

    Outside training every negative element is multiplied by the fixed slope `(lower + upper) / 2`;
    positive elements pass unchanged either way.

    Args:
        input (Tensor): any shape, floating point.
        lower (float): the smallest slope (default 1/8).
        upper (float): the largest slope (default 1/3).
        training (bool): draw a slope per negative element rather than use the mean (default False).
        generator (Generator, optional): the random source for the draws (default: the global one).

    Returns:
        Tensor: `input`'s shape and dtype.

    Examples:
        >>> x = retrograd.tensor([-2.0, -0.5, 0.0, 1.5])
        >>> retrograd.rrelu(x)
        tensor([-0.4583, -0.1146,  0.0000,  1.5000])
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.rrelu(x, 0.1, 0.3, True)
        tensor([-0.5880, -0.1208,  0.0000,  1.5000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("rrelu", input)
    lower, upper, training = _rrelu_arguments("rrelu", lower, upper, training)
    return _rrelu_call(input, lower, upper, training, generator, 0)


def rrelu_(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    generator: Any = None,
) -> Tensor:
    """In-place `retrograd.rrelu`: negative elements of `input` scaled by random (or mean) slopes.

    Args:
        input (Tensor): any shape, floating point; overwritten with the result.
        lower (float): the smallest slope (default 1/8).
        upper (float): the largest slope (default 1/3).
        training (bool): draw a slope per negative element; otherwise use `(lower + upper) / 2` (default False).
        generator (Generator, optional): the random source for the draws (default: the global one).

    Returns:
        Tensor: `input` itself.

    Examples:
        >>> x = retrograd.tensor([-3.0, 3.0])
        >>> retrograd.rrelu_(x) is x
        True
        >>> x
        tensor([-0.6875,  3.0000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("rrelu_", input)
    lower, upper, training = _rrelu_arguments("rrelu_", lower, upper, training)
    return _inplace.apply(input, _rrelu_call, lower, upper, training, generator, 1)
