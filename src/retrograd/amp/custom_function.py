"""`custom_fwd` / `custom_bwd`: decorators that keep a custom Function's passes in one autocast state.

`custom_fwd` notes on `ctx` whether autocast was on for the forward (and with which dtype);
`custom_bwd` runs the backward in that same state, so a Function written for mixed precision
differentiates as it computed. With `cast_inputs`, the forward instead runs with autocast off on
its floating inputs cast to that dtype (when autocast is on; otherwise untouched).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..dtypes import dtype as _dtype
from ..dtypes import float64
from ..tensor import Tensor
from .autocast_mode import autocast, get_autocast_dtype, is_autocast_enabled

__all__ = ["custom_bwd", "custom_fwd"]


def _check_device_type(device_type: Any) -> None:
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")


def custom_fwd(
    fwd: Callable[..., Any] | None = None, *, device_type: str, cast_inputs: _dtype | None = None
) -> Callable[..., Any]:
    """Decorate a custom Function's `forward` for autocast (with or without parentheses).

    Args:
        fwd (callable, optional): the `forward` staticmethod's function.
        device_type (str): the autocast device, "cpu" or "cuda".
        cast_inputs (dtype, optional): run the forward with autocast off, its floating inputs on
            `device_type` (not float64) cast to this dtype, when autocast is on.

    Returns:
        callable: the decorated forward (or a decorator, when `fwd` is not given).

    Examples:
        >>> class Twice(retrograd.autograd.Function):
        ...     @staticmethod
        ...     @retrograd.amp.custom_fwd(device_type="cpu")
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     @retrograd.amp.custom_bwd(device_type="cpu")
        ...     def backward(ctx, g):
        ...         return g * 2
        >>> Twice.apply(retrograd.ones(2, requires_grad=True))
        tensor([2., 2.], grad_fn=<TwiceBackward>)
    """
    _check_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    forward = fwd

    @functools.wraps(forward)
    def decorated(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        ctx._dtype = get_autocast_dtype(device_type)
        autocasting = is_autocast_enabled(device_type)
        ctx._fwd_used_autocast = autocasting and cast_inputs is None
        if cast_inputs is None or not autocasting:
            return forward(ctx, *args, **kwargs)
        with autocast(device_type=device_type, enabled=False):
            return forward(ctx, *_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))

    return decorated


def custom_bwd(bwd: Callable[..., Any] | None = None, *, device_type: str) -> Callable[..., Any]:
    """Decorate a custom Function's `backward` to run in the autocast state its forward ran in.

    Args:
        bwd (callable, optional): the `backward` staticmethod's function.
        device_type (str): the autocast device, "cpu" or "cuda".

    Returns:
        callable: the decorated backward (or a decorator, when `bwd` is not given).

    Examples:
        >>> @retrograd.amp.custom_bwd(device_type="cpu")
        ... def backward(ctx, g):
        ...     return g * 2
        >>> backward.__name__
        'backward'
    """
    _check_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    backward = bwd

    @functools.wraps(backward)
    def decorated(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        with autocast(device_type=device_type, enabled=ctx._fwd_used_autocast, dtype=ctx._dtype):
            return backward(ctx, *args, **kwargs)

    return decorated


def _cast(value: Any, device_type: str, dtype: _dtype) -> Any:
    """`value` with its floating tensors on `device_type` (float64 aside) cast to `dtype`, through
    mappings, lists and tuples (other iterables become generators, as in PyTorch)."""
    if isinstance(value, Tensor):
        eligible = value.is_floating_point() and value.device.type == device_type and value.dtype is not float64
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes)) or type(value).__module__ == "numpy":
        return value
    if isinstance(value, Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, Iterable):
        items = (_cast(v, device_type, dtype) for v in value)
        return type(value)(items) if isinstance(value, (list, tuple)) else items
    return value
