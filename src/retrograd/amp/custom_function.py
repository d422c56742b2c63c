"""`custom_fwd` / `custom_bwd`: autocast for the methods of a custom `autograd.Function`.

`custom_fwd` notes whether autocast was on when `forward` ran (and, with `cast_inputs`, runs
`forward` with autocast off on inputs cast to that dtype); `custom_bwd` runs `backward` under
the same autocast state, so a Function's two halves compute in matching dtypes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..dtypes import dtype as _dtype
from ..tensor import Tensor
from .autocast_mode import autocast, get_autocast_dtype, is_autocast_enabled

__all__ = ["custom_fwd", "custom_bwd"]


def _check_device_type(device_type: Any) -> None:
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")


def _cast(value: Any, device_type: str, dt: _dtype) -> Any:
    """`value` with its floating tensors on `device_type` (not float64) cast to `dt`, through containers."""
    if isinstance(value, Tensor):
        eligible = value.is_floating_point() and value.device.type == device_type and value.dtype.itemsize != 8
        return value.to(dt) if eligible else value
    if isinstance(value, dict):
        return {k: _cast(v, device_type, dt) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, device_type, dt) for v in value)
    return value


def custom_fwd(
    fwd: Callable[..., Any] | None = None, *, device_type: str, cast_inputs: _dtype | None = None
) -> Any:
    """Decorate a custom Function's `forward` for autocast (see the module docstring).

    Args:
        fwd (callable): the `forward` staticmethod (omitted when called with keywords only).
        device_type (str): the autocast device, "cpu" or "cuda".
        cast_inputs (dtype, optional): inside an enabled region, cast floating inputs to this dtype
            and run `forward` with autocast off.

    Returns:
        (callable): the wrapped `forward`.
    """
    _check_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def forward_with_autocast(*args: Any, **kwargs: Any) -> Any:
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        on = is_autocast_enabled(device_type)
        ctx._fwd_used_autocast = on and cast_inputs is None
        if cast_inputs is None or not on:
            return fwd(*args, **kwargs)
        with autocast(device_type, enabled=False):
            return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))

    return forward_with_autocast


def custom_bwd(bwd: Callable[..., Any] | None = None, *, device_type: str) -> Any:
    """Decorate a custom Function's `backward` to run under the autocast state its `forward` saw.

    Args:
        bwd (callable): the `backward` staticmethod (omitted when called with keywords only).
        device_type (str): the autocast device, "cpu" or "cuda".

    Returns:
        (callable): the wrapped `backward`.
    """
    _check_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def backward_with_autocast(*args: Any, **kwargs: Any) -> Any:
        ctx = args[0]
        with autocast(device_type, enabled=ctx._fwd_used_autocast, dtype=ctx._dtype):
            return bwd(*args, **kwargs)

    return backward_with_autocast
