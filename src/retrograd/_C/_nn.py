"""`torch._C._nn`: `_parse_to`, the argument parser behind `Module.to` and `Tensor.to`, and the
functions PyTorch writes in C++ and `torch.nn.functional` hands out from here (`linear`, `gelu`,
...: the same objects as `F.linear` and so on; FX graphs name them `torch._C._nn.linear`)."""

from __future__ import annotations

from typing import Any

from ..backend import device as _device
from ..nn.functional import (
    avg_pool2d,
    avg_pool3d,
    elu_,
    gelu,
    hardtanh_,
    leaky_relu_,
    linear,
    logsigmoid,
    one_hot,
    scaled_dot_product_attention,
    softplus,
    softshrink,
)
from ..nn.modules.module import _to_arguments

__all__ = [
    "_parse_to", "avg_pool2d", "avg_pool3d", "elu_", "gelu", "hardtanh_", "leaky_relu_", "linear", "logsigmoid",
    "one_hot", "scaled_dot_product_attention", "softplus", "softshrink",
]  # fmt: skip


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
