"""`torch.overrides`: the `__torch_function__` protocol's helpers, and torch-function modes.

`handle_torch_function` and `has_torch_function` are the protocol as Python code calls it (a
library's own functions dispatch through them); retrograd's Tensor subclasses route their methods
through it, and so do retrograd's public functions (`retrograd/_torch_function.py`).

Entering a `TorchFunctionMode` routes the calls made inside the block through its
`__torch_function__`, innermost mode first, before any Tensor subclass's: each public function
(the factories `ones`, `tensor`, `arange`... too, as in PyTorch), and each Tensor method and
operator. While a mode's handler runs the mode is left, so the handler's own calls reach the next
mode out and then the function itself. Tensor's properties (`x.shape`, `x.T`) do not reach a mode:
retrograd's own code reads them, where PyTorch's C++ reads its fields.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType, TracebackType
from typing import Any

from . import _torch_function
from ._display_name import package_name
from ._torch_function import get_default_nowrap_functions, handle_torch_function, has_torch_function
from .tensor import Tensor

__all__ = [
    "BaseTorchFunctionMode", "TorchFunctionMode", "enable_reentrant_dispatch", "get_default_nowrap_functions",
    "get_ignored_functions", "get_overridable_functions", "get_testing_overrides", "handle_torch_function",
    "has_torch_function", "has_torch_function_unary", "has_torch_function_variadic", "is_tensor_like",
    "is_tensor_method_or_property", "resolve_name", "wrap_torch_function",
]  # fmt: skip

# Named by PyTorch 2.13's `get_ignored_functions()` although they dispatch there all the same (and here).
_IGNORED_BUT_DISPATCHING = {
    "": ("as_strided", "fill", "linspace", "logspace", "normal", "rand_like", "randint_like", "randn_like",
         "result_type", "vander"),
    "nn.functional": ("hardsigmoid", "hardswish"),
}  # fmt: skip


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
    """A context manager whose `__torch_function__` sees each torch function and Tensor method called
    inside it (see the module's docstring); override `__torch_function__`.

    >>> class Count(retrograd.overrides.TorchFunctionMode):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.names = []
    ...     def __torch_function__(self, func, types, args=(), kwargs=None):
    ...         self.names.append(func.__name__)
    ...         return func(*args, **(kwargs or {}))
    >>> with Count() as count:
    ...     y = retrograd.ones(2).exp().sum()
    >>> count.names
    ['ones', 'exp', 'sum']
    """

    def __init__(self) -> None:
        pass

    def __torch_function__(
        self, func: Callable, types: Sequence[type], args: Sequence[Any] = (), kwargs: dict | None = None
    ) -> Any:
        raise NotImplementedError

    def __enter__(self) -> TorchFunctionMode:
        _torch_function.push_mode(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _torch_function.pop_mode()

    @classmethod
    def push(cls, *args: Any, **kwargs: Any) -> TorchFunctionMode:
        """A mode of this class, built from the arguments (enter it with `with`)."""
        return cls(*args, **kwargs)


def _get_current_function_mode() -> TorchFunctionMode | None:
    """The innermost mode entered on this thread, or None."""
    modes = _torch_function.STATE.modes
    return modes[-1] if modes else None


def _get_current_function_mode_stack() -> list[TorchFunctionMode]:
    """The modes entered on this thread, outermost first."""
    return list(_torch_function.STATE.modes)


class BaseTorchFunctionMode(TorchFunctionMode):
    """A mode whose `__torch_function__` calls the function as it is (PyTorch's base for modes)."""

    def __torch_function__(
        self, func: Callable, types: Sequence[type], args: Sequence[Any] = (), kwargs: dict | None = None
    ) -> Any:
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def enable_reentrant_dispatch() -> Iterator[None]:
    """A block in which a `__torch_dispatch__` may call back into the dispatcher (retrograd has none to guard)."""
    yield


def _namespaces() -> list[tuple[str, ModuleType]]:
    """(path inside the package, module) for each namespace whose functions dispatch."""
    from . import fft, linalg, sparse, special
    from .nn import functional

    package = sys.modules[__name__.rpartition(".")[0]]
    return [("", package), ("nn.functional", functional), ("linalg", linalg), ("fft", fft),
            ("special", special), ("sparse", sparse)]  # fmt: skip


def _tensor_methods() -> list[Callable[..., Any]]:
    """What a Tensor subclass's `__torch_function__` receives for each method and tensor-valued
    property: `Tensor.add`, `Tensor.T.__get__`, ..."""
    methods, properties = _torch_function._dispatched_names()
    return [getattr(Tensor, name) for name in methods] + [_torch_function._static(name).__get__ for name in properties]


@functools.cache
def _overridable() -> tuple[dict[Any, list[Callable[..., Any]]], dict[Callable[..., Any], str]]:
    """The overridable functions by namespace (the Tensor class for its methods), and each one's name."""
    by_namespace: dict[Any, list[Callable[..., Any]]] = defaultdict(list)
    names: dict[Callable[..., Any], str] = {}
    for where, module in _namespaces():
        ignored = frozenset(_torch_function.IGNORED_FUNCTIONS.get(where, ()))
        listed: set[Any] = set()  # (an alias in the same namespace is listed once, under its first name)
        for name in sorted(dir(module)):
            func = getattr(module, name, None)
            public = getattr(func, "_public_function", False) and not getattr(func, "_modes_only", False)
            if public and func not in listed:  # `F.conv2d` is `torch.conv2d`: listed in both, named by the last
                listed.add(func)
                by_namespace[module].append(func)  # type: ignore[arg-type]
            elif public or not (name in ignored and callable(func)) or func in names:
                continue  # (the ignored ones are named, not listed)
            names[func] = f"{package_name()}.{where}.{name}" if where else f"{package_name()}.{name}"  # type: ignore[index]
    for func in _tensor_methods():
        by_namespace[Tensor].append(func)
        owner = getattr(func, "__self__", None)  # a property's getter is bound to the property
        name = next(k for k, v in vars(Tensor).items() if v is owner) + ".__get__" if owner else func.__name__
        names[func] = f"{package_name()}.Tensor.{name}"
    return by_namespace, names


def get_overridable_functions() -> dict[Any, list[Callable[..., Any]]]:
    """The functions that dispatch through `__torch_function__`, keyed by namespace module (and `Tensor`
    for its methods and the getters of its tensor-valued properties).

    >>> retrograd.add in retrograd.overrides.get_overridable_functions()[retrograd]
    True
    """
    return _overridable()[0]


def resolve_name(f: Callable[..., Any]) -> str | None:
    """The name under which `f` (as a `__torch_function__` receives it) is public: "torch.add",
    "torch.Tensor.add", "torch.nn.functional.relu", "torch.ones" (the functions that take no part in the
    protocol are named too, as PyTorch's logging modes print them); None for a function not public.

    >>> retrograd.overrides.resolve_name(retrograd.Tensor.add)
    'retrograd.Tensor.add'
    """
    return _overridable()[1].get(f)


def is_tensor_method_or_property(func: Callable[..., Any]) -> bool:
    """Whether `func`, as a `__torch_function__` receives it, is a Tensor method or a property's `__get__`.

    >>> retrograd.overrides.is_tensor_method_or_property(retrograd.Tensor.add)
    True
    >>> retrograd.overrides.is_tensor_method_or_property(retrograd.add)
    False
    """
    return func in _tensor_methods() or getattr(func, "__name__", None) == "__get__"


def get_ignored_functions() -> set[Callable[..., Any]]:
    """The public functions PyTorch names as taking no part in `__torch_function__` (the factories,
    `is_tensor`, the global settings, ...).

    >>> retrograd.ones in retrograd.overrides.get_ignored_functions()
    True
    """
    ignored: set[Callable[..., Any]] = {Tensor.as_subclass}
    for where, module in _namespaces():
        names = (*_torch_function.IGNORED_FUNCTIONS.get(where, ()), *_IGNORED_BUT_DISPATCHING.get(where, ()))
        ignored.update(getattr(module, name) for name in names if callable(getattr(module, name, None)))
    return ignored


def _returns_minus_one(*args: Any, **kwargs: Any) -> int:
    return -1


def get_testing_overrides() -> dict[Callable[..., Any], Callable[..., Any]]:
    """For each overridable function, a dummy with its signature that returns -1 (what a tensor-like
    written to cover the whole API, as PyTorch's own tests write one, starts from).

    >>> retrograd.overrides.get_testing_overrides()[retrograd.add](1, 2)
    -1
    """
    dummies: dict[Callable[..., Any], Callable[..., Any]] = {}
    for funcs in get_overridable_functions().values():
        for func in funcs:
            dummy = functools.partial(_returns_minus_one)
            with contextlib.suppress(TypeError, ValueError):  # some builtins have no signature
                sig = inspect.signature(func)
                params = [p.replace(annotation=p.empty) for p in sig.parameters.values()]
                dummy.__signature__ = sig.replace(parameters=params, return_annotation=sig.empty)  # type: ignore[attr-defined]
            dummies[func] = dummy
    return dummies


def wrap_torch_function(dispatcher: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A decorator that makes a function dispatch `__torch_function__` over the arguments `dispatcher`
    picks out of a call (it takes the function's arguments and returns a tuple of them).

    >>> @retrograd.overrides.wrap_torch_function(lambda a, b: (a, b))
    ... def plus(a, b):
    ...     return a + b
    >>> plus(retrograd.ones(1), 2)
    tensor([3.])
    """

    def inner(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            relevant_args = dispatcher(*args, **kwargs)
            if has_torch_function(relevant_args):
                return handle_torch_function(wrapped, relevant_args, *args, **kwargs)
            return func(*args, **kwargs)

        return wrapped

    return inner
