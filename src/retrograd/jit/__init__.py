"""`torch.jit` as PyTorch runs it with TorchScript turned off (`PYTORCH_JIT=0`): everything eager.

PyTorch documents that setting: `script` and `trace` then return what they were given, and
the decorators (`ignore`, `unused`, `export`, ...) leave functions as they are, so a model runs
as plain Python with the same results. retrograd has no TorchScript compiler, so that is what
its `torch.jit` does; a program that decorates a helper with `@torch.jit.script` or asks
`torch.jit.is_scripting()` runs unchanged. What needs TorchScript itself (saving or loading a
scripted module, freezing it) raises `RuntimeError` saying so; `retrograd.compile` is the way
to compile.
"""

from __future__ import annotations

import builtins
import sys
import types
import typing
import warnings
from collections.abc import Callable
from typing import Any, Final  # Final: `torch.jit.Final` is typing's

__all__ = [
    "Attribute", "Final", "ScriptFunction", "ScriptModule", "annotate", "export", "fork", "freeze", "ignore",
    "interface", "is_scripting", "is_tracing", "isinstance", "load", "optimize_for_inference", "save", "script",
    "script_if_tracing", "trace", "trace_module", "unused", "wait",
]

_NO_TORCHSCRIPT = (
    "torch.jit.{}: retrograd runs torch.jit as PyTorch does with PYTORCH_JIT=0 (eagerly) and has no "
    "TorchScript modules to {}; save the state_dict with torch.save instead, or compile with torch.compile"
)


class ScriptModule:
    """The class of a TorchScript module. `script` returns what it is given here, so no object is
    one; libraries name the class in `isinstance` checks and annotations, which then work."""


class ScriptFunction:
    """The class of a TorchScript function; as with `ScriptModule`, no object is one here."""


def _deprecated(name: str, instead: str = "`torch.compile` or `torch.export`") -> None:
    """PyTorch 2.13's DeprecationWarning for a TorchScript entry point (every call, even with PYTORCH_JIT=0)."""
    if sys.version_info >= (3, 14):
        message = f"`torch.jit.{name}` is not supported in Python 3.14+ and may break. Please switch to {instead}."
    else:
        message = f"`torch.jit.{name}` is deprecated. Please switch to {instead}."
    warnings.warn(message, DeprecationWarning, stacklevel=2)  # in torch.jit, as PyTorch: hidden by default


def script(obj: Any, optimize: Any = None, _frames_up: int = 0, _rcb: Any = None, example_inputs: Any = None) -> Any:
    """`obj` itself: the function or module runs eagerly, as `torch.jit.script` does with PYTORCH_JIT=0.

    Args:
        obj (callable or Module): what PyTorch would compile.
        optimize, example_inputs: accepted for PyTorch's signature; scripting nothing, they change nothing.

    Returns:
        the same object.

    Examples:
        >>> @retrograd.jit.script
        ... def gelu_tanh(x):
        ...     return 0.5 * x * (1 + retrograd.tanh(0.79788456 * (x + 0.044715 * x ** 3)))
        >>> gelu_tanh(retrograd.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8412])
    """
    _deprecated("script")
    return obj


def trace(func: Any, example_inputs: Any = None, *args: Any, **kwargs: Any) -> Any:
    """`func` itself: it runs eagerly, as `torch.jit.trace` returns it with PYTORCH_JIT=0.

    Args:
        func (callable or Module): what PyTorch would trace.
        example_inputs: the inputs PyTorch would trace with (not run here).

    Returns:
        the same callable.

    Examples:
        >>> model = retrograd.nn.Linear(2, 1)
        >>> retrograd.jit.trace(model, retrograd.ones(1, 2)) is model
        True
    """
    _deprecated("trace")
    return func


def trace_module(mod: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
    """`mod` itself (see `trace`)."""
    _deprecated("trace_method")  # PyTorch's trace_module names it so
    return mod


def script_if_tracing(fn: Callable) -> Callable:
    """`fn` itself: nothing is ever traced."""
    return fn


def _script_if_tracing(fn: Callable) -> Callable:
    """`fn` itself, as `script_if_tracing` (the name torchvision's box ops are decorated with)."""
    return fn


def _passthrough(fn: Any = None, **kwargs: Any) -> Any:
    # usable bare (`@ignore`) and called (`@ignore(drop=True)`)
    return fn if callable(fn) else (lambda f: f)


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """A decorator leaving the function as it is (TorchScript would leave it to Python)."""
    return _passthrough(drop)


def unused(fn: Callable) -> Callable:
    """A decorator leaving the function as it is (TorchScript would replace it by a raise)."""
    return fn


def export(fn: Callable) -> Callable:
    """A decorator leaving the method as it is (TorchScript would compile it too)."""
    return fn


def _overload(func: Callable) -> Callable:
    """A decorator leaving a typed overload stub as it is; the undecorated definition after the stubs
    is the function Python keeps (TorchScript would compile each stub's signature)."""
    return func


def _overload_method(func: Callable) -> Callable:
    """`_overload` for methods."""
    return func


def interface(obj: Any) -> Any:
    """A decorator leaving the class as it is."""
    return obj


def is_scripting() -> bool:
    """False: code never runs under TorchScript here.

    Returns:
        bool: False.

    Examples:
        >>> retrograd.jit.is_scripting()
        False
    """
    return False


def is_tracing() -> bool:
    """False: code never runs under the tracer here."""
    return False


class TracerWarning(Warning):
    """The warning `torch.jit.trace` gives where it records a Python value as a constant.

    retrograd's `trace` runs the function eagerly and never gives it; Pyro and GPyTorch name it
    in warning filters around code that may be traced.
    """

    @staticmethod
    def ignore_lib_warnings() -> None:
        """Ignore TracerWarnings from library code outside `torch.jit`, as PyTorch's tracer does."""
        warnings.filterwarnings("ignore", category=TracerWarning, module="torch.(?!jit)")


def annotate(the_type: Any, the_value: Any) -> Any:
    """`the_value`: the type is only a hint for TorchScript."""
    return the_value


def Attribute(value: Any, type: Any) -> Any:  # noqa: N802 - PyTorch's name
    """`value`: the type is only a hint for TorchScript."""
    return value


def isinstance(obj: Any, target_type: Any) -> bool:  # noqa: A001 - PyTorch's name
    """`builtins.isinstance` that also checks the element types of `List[int]`, `Dict[str, Tensor]`,
    `Tuple[...]` and `Optional[...]`, as TorchScript's refinement does.

    Args:
        obj: the value.
        target_type: a class or a typing generic.

    Returns:
        bool: whether `obj` is of that type, containers checked element by element.

    Examples:
        >>> from typing import List
        >>> retrograd.jit.isinstance([1, 2], List[int]), retrograd.jit.isinstance([1, "a"], List[int])
        (True, False)
    """
    origin = typing.get_origin(target_type)
    args = typing.get_args(target_type)
    if origin is None:
        return target_type is Any or builtins.isinstance(obj, target_type)
    if origin is typing.Union or origin is types.UnionType:  # Optional[int], int | None
        return any(isinstance(obj, a) for a in args)
    if not builtins.isinstance(obj, origin):
        return False
    if origin is list:
        return all(isinstance(v, args[0]) for v in obj) if args else True
    if origin is dict:
        return all(isinstance(k, args[0]) and isinstance(v, args[1]) for k, v in obj.items()) if args else True
    if origin is tuple:
        if not args:
            return True
        if len(args) == 2 and args[1] is Ellipsis:
            return all(isinstance(v, args[0]) for v in obj)
        return len(obj) == len(args) and all(isinstance(v, a) for v, a in zip(obj, args))
    return True


class _Future:
    """`fork`'s result: the value, already computed."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def wait(self) -> Any:
        return self._value


def fork(func: Callable, *args: Any, **kwargs: Any) -> _Future:
    """Call `func` now; `wait` on the result returns its value (TorchScript would run it in parallel)."""
    return _Future(func(*args, **kwargs))


def wait(future: _Future) -> Any:
    """The value of a `fork`."""
    return future.wait()


def save(m: Any, f: Any, _extra_files: Any = None) -> None:
    """Raises: there are no TorchScript modules to save (see the module docstring)."""
    _deprecated("save", "`torch.export`")
    raise RuntimeError(_NO_TORCHSCRIPT.format("save", "save"))


def load(f: Any, map_location: Any = None, _extra_files: Any = None, _restore_shapes: bool = False) -> Any:
    """Raises: a TorchScript archive cannot be run here (see the module docstring)."""
    _deprecated("load", "`torch.export`")
    raise RuntimeError(_NO_TORCHSCRIPT.format("load", "load"))


def freeze(mod: Any, preserved_attrs: Any = None, optimize_numerics: bool = True) -> Any:
    """Raises: only a scripted module can be frozen (see the module docstring)."""
    raise RuntimeError(_NO_TORCHSCRIPT.format("freeze", "freeze"))


def optimize_for_inference(mod: Any, other_methods: Any = None) -> Any:
    """Raises: only a scripted module can be optimized so (see the module docstring)."""
    raise RuntimeError(_NO_TORCHSCRIPT.format("optimize_for_inference", "optimize"))
