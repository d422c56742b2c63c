"""`torch._C._nn`: `_parse_to`, the argument parser behind `Module.to` and `Tensor.to`."""

from __future__ import annotations

from typing import Any

from ..backend import device as _device
from ..nn.modules.module import _to_arguments

__all__ = ["_parse_to"]


def _parse_to(*args: Any, **kwargs: Any) -> tuple[Any, Any, bool, Any]:
    """`(device, dtype, non_blocking, memory_format)` of a `.to(...)` call, None for what it does not give.

    Examples:
        >>> retrograd._C._nn._parse_to("cpu", retrograd.float16)
        (device(type='cpu'), retrograd.float16, False, None)
    """
    memory_format = kwargs.pop("memory_format", None)
    non_blocking = bool(kwargs.pop("non_blocking", False)) or any(isinstance(a, bool) and a for a in args)
    dtype, where = _to_arguments(args, kwargs)
    return (None if where is None else _device(where)), dtype, non_blocking, memory_format
