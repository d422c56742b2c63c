"""`torch.utils._python_dispatch`: the names libraries import to subclass `TorchDispatchMode`.

PyTorch's dispatch modes see every ATen operator below autograd (`aten.mm.default`, ...).
retrograd's ops are not routed through an ATen dispatcher, so no `__torch_dispatch__` is ever
called: a module that defines a `TorchDispatchMode` subclass at import time (ptflops' ATen backend,
counters, tracers) imports and runs its other paths, and entering such a mode raises a
`NotImplementedError` that says so, rather than running the block unobserved. Use
`torch.overrides.TorchFunctionMode` (public functions and Tensor methods) or
`torch.utils.flop_counter.FlopCounterMode` instead. The queries report an empty mode stack.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ..tensor import Tensor

__all__ = ["TorchDispatchMode", "is_in_torch_dispatch_mode", "is_traceable_wrapper_subclass"]

_NO_DISPATCHER = (
    "{name}: retrograd has no ATen dispatcher, so a TorchDispatchMode's __torch_dispatch__ would never "
    "run; use torch.overrides.TorchFunctionMode (public functions and Tensor methods) or "
    "torch.utils.flop_counter.FlopCounterMode instead"
)


class TorchDispatchMode:
    """The base class of a dispatch mode: subclasses define `__torch_dispatch__(func, types, args, kwargs)`.

    Defining and constructing a subclass works; entering it (`with Mode():`) raises
    NotImplementedError, since retrograd's ops never reach an ATen dispatcher.

    Examples:
        >>> from retrograd.utils._python_dispatch import TorchDispatchMode
        >>> class Counter(TorchDispatchMode):
        ...     def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        ...         return func(*args, **(kwargs or {}))
        >>> Counter().is_infra_mode()
        False
    """

    supports_higher_order_operators = False

    def __init__(self, _dispatch_key: Any = None) -> None:
        self._dispatch_key = _dispatch_key

    def __torch_dispatch__(
        self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        raise NotImplementedError

    def __enter__(self) -> TorchDispatchMode:
        raise NotImplementedError(_NO_DISPATCHER.format(name=f"{type(self).__module__}.{type(self).__qualname__}"))

    def __exit__(self, *exc: object) -> None:
        return None

    @classmethod
    def push(cls, *args: Any, **kwargs: Any) -> TorchDispatchMode:
        """A new instance of the mode (entering it raises, as for any dispatch mode here)."""
        return cls(*args, **kwargs)

    @classmethod
    def is_infra_mode(cls) -> bool:
        """False: no dispatch mode here is one of PyTorch's infrastructure modes."""
        return False

    @classmethod
    def ignore_compile_internals(cls) -> bool:
        """False, as PyTorch's default (and for infra modes only True there)."""
        return False


def _get_current_dispatch_mode() -> TorchDispatchMode | None:
    """The innermost dispatch mode: always None (none can be entered)."""
    return None


def _get_current_dispatch_mode_stack() -> list[TorchDispatchMode]:
    """The dispatch mode stack, outermost first: always empty."""
    return []


def _len_torch_dispatch_stack() -> int:
    return 0


def is_in_torch_dispatch_mode(include_infra_modes: bool = True) -> bool:
    """Whether a dispatch mode is active: always False (none can be entered)."""
    return False


def _is_in_torch_dispatch_mode() -> bool:
    return False


def any_torch_dispatch_mode_on_stack(*, include_infra_modes: bool = True, respect_ignore: bool = False) -> bool:
    """Whether any dispatch mode is on the stack: always False."""
    return False


@contextlib.contextmanager
def _disable_current_modes() -> Iterator[tuple[TorchDispatchMode, ...]]:
    """Pop every dispatch mode for the block, yielding the popped ones: none here."""
    yield ()


def is_traceable_wrapper_subclass(t: object) -> bool:
    """Whether `t` is an instance of a Tensor subclass with `__tensor_flatten__` and `__tensor_unflatten__`.

    Examples:
        >>> from retrograd.utils._python_dispatch import is_traceable_wrapper_subclass
        >>> is_traceable_wrapper_subclass(retrograd.ones(1))
        False
    """
    return isinstance(t, Tensor) and is_traceable_wrapper_subclass_type(type(t))


def is_traceable_wrapper_subclass_type(t: type) -> bool:
    """Whether the class `t` is a Tensor subclass with `__tensor_flatten__` and `__tensor_unflatten__`."""
    return (
        issubclass(t, Tensor)
        and t is not Tensor
        and hasattr(t, "__tensor_flatten__")
        and hasattr(t, "__tensor_unflatten__")
    )
