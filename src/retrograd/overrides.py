"""`torch.overrides`: the `__torch_function__` protocol's helpers, and torch-function modes.

`handle_torch_function` and `has_torch_function` are the protocol as Python code calls it (a
library's own functions dispatch through them); retrograd's Tensor subclasses route their methods
through it, and so do retrograd's public functions (`retrograd/_torch_function.py`).

In PyTorch, entering a `TorchFunctionMode` routes every torch function call through its
`__torch_function__` until the block ends. retrograd's functions do not dispatch through modes:
a mode here is a context manager that can be entered and left (so code that wraps model
construction in one, as Lightning's `Trainer` does, runs), but its `__torch_function__` is never
called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from ._torch_function import get_default_nowrap_functions, handle_torch_function, has_torch_function
from .tensor import Tensor

__all__ = [
    "TorchFunctionMode", "get_default_nowrap_functions", "handle_torch_function", "has_torch_function",
    "has_torch_function_unary", "has_torch_function_variadic", "is_tensor_like",
]  # fmt: skip


def has_torch_function_unary(obj: Any) -> bool:
    """`has_torch_function((obj,))`: whether `obj` would dispatch through its class's `__torch_function__`.

    >>> retrograd.overrides.has_torch_function_unary(retrograd.ones(1))
    False
    """
    return has_torch_function((obj,))


def has_torch_function_variadic(*args: Any) -> bool:
    """`has_torch_function(args)`, for the arguments as given.

    >>> retrograd.overrides.has_torch_function_variadic(retrograd.ones(1), None, 2)
    False
    """
    return has_torch_function(args)


def is_tensor_like(inp: Any) -> bool:
    """Whether `inp` is a Tensor (of any subclass) or an object whose class has `__torch_function__`.

    >>> retrograd.overrides.is_tensor_like(retrograd.ones(1)), retrograd.overrides.is_tensor_like([1.0])
    (True, False)
    """
    return type(inp) is Tensor or hasattr(type(inp), "__torch_function__")


class TorchFunctionMode:
    """A context manager that would intercept torch functions; in retrograd it intercepts nothing."""

    def __init__(self) -> None:
        pass

    def __torch_function__(
        self, func: Callable, types: Sequence[type], args: Sequence[Any] = (), kwargs: dict | None = None
    ) -> Any:
        raise NotImplementedError

    def __enter__(self) -> TorchFunctionMode:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    @classmethod
    def push(cls, *args: Any, **kwargs: Any) -> TorchFunctionMode:
        """A mode of this class, built from the arguments (PyTorch pushes it on the mode stack)."""
        return cls(*args, **kwargs)
