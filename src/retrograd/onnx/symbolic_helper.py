"""`torch.onnx.symbolic_helper`: `parse_args`, the decorator symbolic functions are written with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["parse_args"]

_F = TypeVar("_F", bound=Callable[..., Any])


def parse_args(*arg_descriptors: str) -> Callable[[_F], _F]:
    """Mark a symbolic function with how the exporter converts its arguments ("v", "i", "f", "is", ...).

    retrograd exports nothing, so the function comes back as it was, its descriptors kept in
    `_arg_descriptors` as PyTorch keeps them.

    Examples:
        >>> @retrograd.onnx.symbolic_helper.parse_args("v", "i")
        ... def symbolic(g, x, dim):
        ...     return x
        >>> symbolic._arg_descriptors
        ('v', 'i')
    """

    def decorator(fn: _F) -> _F:
        fn._arg_descriptors = arg_descriptors  # type: ignore[attr-defined]
        return fn

    return decorator
