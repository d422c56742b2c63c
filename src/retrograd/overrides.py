"""`torch.overrides`: the base class of torch-function modes, which libraries subclass.

In PyTorch, entering a `TorchFunctionMode` routes every torch function call through its
`__torch_function__` until the block ends. retrograd's functions do not dispatch through
`__torch_function__`: a mode here is a context manager that can be entered and left (so code
that wraps model construction in one, as Lightning's `Trainer` does, runs), but its
`__torch_function__` is never called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

__all__ = ["TorchFunctionMode"]


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
