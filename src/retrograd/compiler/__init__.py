"""`retrograd.compile`: a function's forward and backward as generated straight-line NumPy code.

>>> import retrograd as torch
>>> f = torch.compile(lambda x: (x * 2).sin())
>>> x = torch.ones(3, requires_grad=True)
>>> f(x).sum().backward()
>>> print(f.code)  # doctest: +SKIP

The first call records the primitives that run (and the backward the engine would run) and
writes them out as two Python functions; later calls with the same kind of arguments run that
code. What cannot be recorded safely runs eagerly instead (`fullgraph=True` raises). See
`retrograd.compiler._compiled` for the guards and `_codegen` for the code.
"""

from __future__ import annotations

import functools
import sys
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from ..nn.modules import _hooks
from ..nn.modules.module import Module
from . import _compiled, _disabled, _settings, _trace
from ._compiled import CACHE_SIZE_LIMIT, CompiledFunction
from ._exc import InvalidBackend, TorchDynamoException, Unsupported
from ._explain import ExplainOutput, GraphCompileReason, explain
from ._marks import mark_dynamic, mark_static, maybe_mark_dynamic

__all__ = [
    "compile", "reset", "is_compiling", "is_dynamo_compiling", "explain", "disable", "list_backends",
    "mark_dynamic", "maybe_mark_dynamic", "mark_static", "OptimizedModule", "Unsupported", "InvalidBackend",
    "ExplainOutput", "GraphCompileReason",
    "TorchDynamoException", "allow_in_graph", "assume_constant_result", "is_exporting",
    "cudagraph_mark_step_begin",
]  # fmt: skip
# PyTorch's tags on its debugging backends, which list_backends() leaves out by default
_DEBUG_BACKENDS = ("aot_eager", "eager")

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
# "aot_eager" (PyTorch's debugging backend: the recorded forward and backward run op by op) is
# what the generated code is here, so it means the same as "inductor"; so does "cudagraphs",
# which on a CPU PyTorch runs without CUDA graphs ("skipping cudagraphs due to cpu device")
_BACKENDS = ("cudagraphs", "inductor", "aot_eager", "eager")
_callables: weakref.WeakSet = weakref.WeakSet()  # every compiled callable, for reset()
_GLOBAL_HOOKS_WARNING = (
    "Using `torch.compile(module)` when there are global hooks on modules (e.g., from "
    "`register_module_forward_hook`); this will cause the hooks to fire an extra time for the "
    "`OptimizedModule` created by `torch.compile(module)`. If this causes undesired behavior, please "
    "try using `module.compile()`, or use the per-module hooks instead"
)


class OptimizedModule(Module):
    """A compiled module: calls run generated code; everything else is the original module's.

    Attributes read, set and deleted on it are the original module's (as PyTorch's): only names
    its class defines and `_orig_mod` itself belong to the wrapper.
    """

    __module__ = "retrograd._dynamo.eval_frame"  # where PyTorch defines it (`type(c).__module__`, pickles)

    def __init__(
        self,
        mod: Module,
        fullgraph: bool,
        limit: int = CACHE_SIZE_LIMIT,
        name: str | None = None,
        eager: bool = False,
        dynamic: bool | None = None,
        call: Callable | None = None,
    ) -> None:
        super().__init__()
        self._orig_mod = mod
        if eager or call is not None:  # backend="eager", `disable(module)`: PyTorch's wrapper (its
            # `_orig_mod.` state-dict keys) around calls that run eagerly
            object.__setattr__(self, "_compiled_call", _compiling(mod.__call__) if call is None else call)
            return
        compiled = CompiledFunction(mod.__call__, fullgraph, module=mod, limit=limit, name=name, dynamic=dynamic)
        _callables.add(compiled)
        object.__setattr__(self, "_compiled_call", compiled)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """A module call (the wrapper's own hooks, as PyTorch's) whose forward is the compiled call."""
        if _hooks.any_global():
            warnings.warn(_GLOBAL_HOOKS_WARNING, stacklevel=2)
        return super().__call__(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._compiled_call(*args, **kwargs)

    # `training` is the original module's: `model.eval()` on the module a compiled one wraps shows
    # through it, and `compiled.train(False)` reaches the module that runs.
    @property  # type: ignore[override]
    def training(self) -> bool:
        return self._modules["_orig_mod"].training

    @training.setter
    def training(self, mode: bool) -> None:
        modules = self.__dict__.get("_modules")
        if modules is not None and "_orig_mod" in modules:  # not Module.__init__'s default
            modules["_orig_mod"].training = mode

    @property
    def code(self) -> str:
        """The generated source of the most recent call."""
        if not isinstance(self._compiled_call, CompiledFunction):
            raise RuntimeError("compile(backend='eager') runs the module as it is: there is no generated code")
        return self._compiled_call.code

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)

    def _own(self, name: str) -> bool:
        """Whether `name` is the wrapper's own attribute rather than the original module's."""
        return hasattr(type(self), name) or name == "_orig_mod" or "_modules" not in self.__dict__

    def __setattr__(self, name: str, value: Any) -> None:
        if self._own(name):
            super().__setattr__(name, value)
        else:
            setattr(self._modules["_orig_mod"], name, value)

    def __delattr__(self, name: str) -> None:
        if self._own(name):
            super().__delattr__(name)
        else:
            delattr(self._modules["_orig_mod"], name)

    def __len__(self) -> int:
        mod = self._modules["_orig_mod"]
        if hasattr(type(mod), "__len__"):
            return len(mod)
        raise TypeError(f"{type(mod).__name__} does not support len()")

    def __dir__(self) -> list[str]:
        mine = self._modules["_orig_mod"].__dir__()
        return mine + [name for name in super().__dir__() if name not in mine]


def compile(
    model: Callable | None = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: str | Callable | None = None,
    mode: str | None = None,
    options: dict | None = None,
    name: str | None = None,
    disable: bool = False,
    recompile_limit: int | None = None,
    isolate_recompiles: bool = False,
    shapes_spec: Any = None,
) -> Any:
    """PyTorch's `torch.compile`: record forward and backward once, then run them as generated code.

    Without `model` it returns a decorator. Each call site keeps its own cache of up to
    `recompile_limit` (default 8) specialisations, so recompiles are always isolated.
    Code is specialised per shape (shape-generic code is not generated): each new shape records
    anew, with the same results. `dynamic=True` says shapes will keep changing, so the limit is
    lifted: every new shape is recorded rather than run eagerly. With `dynamic=None` new shapes of
    arguments already seen do not count toward the limit either (PyTorch's automatic dynamic
    shapes, `torch._dynamo.config.automatic_dynamic_shapes`), up to 64 shapes per kind; with
    `dynamic=False` every shape counts. `name` labels the call site in warnings.

    Args:
        model (callable or Module, optional): the function or module to compile.
        fullgraph (bool): raise instead of falling back to eager code for what cannot be recorded.
        dynamic (bool, optional): True: shapes vary, so no recompile limit (each shape is still
            recorded once); None: new shapes of a kind already seen are not recompiles; False:
            every new shape counts toward the limit.
        backend (str, optional): `'inductor'` (default), `'aot_eager'` or `'cudagraphs'`
            (generated code), or `'eager'` (no compiling; recorded only to check `fullgraph=True`).
        mode (str, optional): one of PyTorch's mode names; accepted, with no effect on the code.
            Only `'inductor'` checks it, as PyTorch's other backends ignore it.
        options (dict, optional): for `'inductor'`, only GPU (`'triton.*'`) settings, which have
            no effect on the CPU code (others raise NotImplementedError); other backends ignore them.
        name (str, optional): labels the call site in warnings.
        disable (bool): return `model` unchanged (a no-op, for switching compilation off).
        recompile_limit (int, optional): specialisations kept per call site (default 8).
        isolate_recompiles (bool): accepted; recompiles are always isolated here.
        shapes_spec (object, optional): must be None (code is specialised per shape).

    Returns:
        callable: the compiled function (or an `OptimizedModule` wrapping `model`), same results;
            a decorator when `model` is omitted.

    Examples:
        >>> @retrograd.compile
        ... def f(x):
        ...     return (x.sin() ** 2 + x.cos() ** 2).sum()
        >>> x = retrograd.tensor([0.5, 1.0], requires_grad=True)
        >>> f(x).detach()
        tensor(2.)
        >>> f(x).backward()
        >>> x.grad.abs().max() < 1e-6
        tensor(True)
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if backend is None:
        backend = "inductor"
    if callable(backend):
        raise NotImplementedError("retrograd.compile: custom backends are not supported")
    if backend not in _BACKENDS:
        raise InvalidBackend(backend)
    if backend == "inductor":  # the other backends take mode and options and ignore them, as PyTorch's
        _check_inductor_settings(mode, options)
    if shapes_spec is not None:
        raise NotImplementedError("retrograd.compile: shapes_spec is not supported (code is specialised per shape)")
    # backend="eager" runs the function as it is; fullgraph=True records it so that what
    # breaks the graph raises Unsupported, as PyTorch's eager backend (which still traces) does
    eager = backend == "eager" and not fullgraph
    limit = _compiled.CACHE_SIZE_LIMIT if recompile_limit is None else int(recompile_limit)  # (torch._dynamo.config)
    if dynamic:
        limit = sys.maxsize

    def wrap(fn: Callable) -> Any:
        if not callable(fn):
            raise AssertionError(f"A callable function is expected, but {type(fn)} is provided.")
        if disable:
            return fn
        if isinstance(fn, Module):
            return OptimizedModule(fn, fullgraph, limit, name, eager=eager, dynamic=dynamic)
        if eager:
            return _compiling(fn)
        compiled = CompiledFunction(fn, fullgraph, limit=limit, name=name, dynamic=dynamic)
        _callables.add(compiled)
        return compiled

    if model is None:
        return wrap
    return wrap(model)


def _compiling(fn: Callable) -> Callable:
    """`fn` as `compile(backend="eager")` runs it: as it is, with `is_compiling()` True (PyTorch's
    eager backend runs the graph it traced, where that call was True)."""

    @functools.wraps(fn)
    def run_eagerly(*args: Any, **kwargs: Any) -> Any:
        with _trace.checking():
            return fn(*args, **kwargs)

    return run_eagerly


def _check_inductor_settings(mode: str | None, options: dict | None) -> None:
    """PyTorch's refusal of an unknown `mode`; retrograd's of options that may change the code
    (the settings of `torch._inductor.config` and GPU ones, `'triton.*'`, change nothing)."""
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    kept = _settings.INDUCTOR_DEFAULTS
    names = map(str, options or {})
    unknown = sorted(k for k in names if not k.startswith("triton.") and k.replace("-", "_") not in kept)
    if unknown:
        raise NotImplementedError(f"retrograd.compile: options {unknown} are not supported")


def reset() -> None:
    """Forget every compiled callable's recordings: the next call of each records anew."""
    for compiled in list(_callables):
        compiled.clear()


def is_compiling() -> bool:
    """True while this thread runs a function that is being recorded (or checked, after)."""
    return _trace.compiling()


def is_dynamo_compiling() -> bool:
    """PyTorch's name for `is_compiling` when only tracing counts: recording is the one kind here."""
    return _trace.compiling()


def cudagraph_mark_step_begin() -> None:
    """Nothing to do: PyTorch's mark of a new iteration for CUDA graphs (`mode="reduce-overhead"`),
    so that their outputs may be overwritten; the code here runs no CUDA graphs."""


def is_exporting() -> bool:
    """False: nothing here exports a program (PyTorch's `torch.export` has no counterpart)."""
    return False


def allow_in_graph(fn: Any) -> Any:
    """`fn` itself (each of a list or tuple of functions, as a list): PyTorch records such a
    function as one call instead of tracing into it; recording here sees the primitives it
    runs either way, so there is nothing to mark. Raises AssertionError for a non-callable."""
    if isinstance(fn, (list, tuple)):
        return [allow_in_graph(f) for f in fn]
    if not callable(fn):
        raise AssertionError("allow_in_graph expects a callable")
    return fn


def assume_constant_result(fn: Callable) -> Callable:
    """`fn` itself: PyTorch may fold its result into the compiled graph as a constant; a
    recording here calls it anew on every eager run, which gives the same result when the
    assumption holds."""
    return fn


def list_backends(exclude_tags: tuple | None = ("debug", "experimental")) -> list[str]:
    """The backend names `compile` accepts; `"debug"` among `exclude_tags` leaves out eager and aot_eager."""
    debug_excluded = exclude_tags is not None and "debug" in exclude_tags
    return sorted(b for b in _BACKENDS if not (debug_excluded and b in _DEBUG_BACKENDS))


def disable(fn: Callable | None = None, recursive: bool = True, *, reason: str | None = None) -> Any:
    """Mark a function to always run as ordinary Python: never recorded into generated code.

    A compiled function that calls it runs eagerly (a graph break; `fullgraph=True` raises
    `Unsupported`), so its side effects happen on every call. A module comes back wrapped in an
    `OptimizedModule` whose calls are disabled (as PyTorch's: its state-dict keys gain
    `_orig_mod.`); with `recursive=False`, as a disabled function that calls it.

    Args:
        fn (callable or Module, optional): what to disable; without it, a decorator.
        recursive (bool): True: what it calls is not recorded either (`is_compiling()` is
            False inside); False: only its own frame is skipped.
        reason (str, optional): shown in the graph break's reason.

    Returns:
        callable: the wrapped function or module, or a decorator.
    """
    if fn is None:
        return lambda f: disable(f, recursive, reason=reason)
    if not callable(fn):
        raise AssertionError("fn must be callable")
    if isinstance(fn, Module) and recursive:
        return OptimizedModule(fn, False, call=_disabled.disabled(fn.__call__, True, reason))
    return _disabled.disabled(fn, recursive, reason)
