"""Whether operations record a graph: no_grad, enable_grad, set_grad_enabled, inference_mode.

The flag is thread-local, like PyTorch's: a `no_grad` block in one thread does not
change what another thread records. `state` also holds the rest of the per-thread
autograd state (saved-tensor hooks, the running backward passes). Each manager works as a `with` block and as
a decorator (a fresh instance per call, so nesting and recursion are safe).
"""

from __future__ import annotations

import functools
import inspect
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .._display_name import package_name, public_class

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    """The autograd state PyTorch keeps per thread; class attributes are each thread's defaults.

    Stacks are tuples, replaced rather than mutated, so no thread ever sees another's list.
    (Anomaly mode and the forward-AD level are process-wide in PyTorch, and here too.)
    """

    enabled = True  # new operations record a graph: grad mode is on, outside inference mode
    grad_mode = True  # the grad mode programs set and `is_grad_enabled()` reads
    inference = False  # inside inference_mode
    saved_tensors_hooks: tuple = ()  # active (pack, unpack) pairs, innermost last
    saved_tensors_hooks_disabled: str | None = None  # disable_saved_tensors_hooks' message, while active
    computing_tangents = False  # forward AD is running an op's rule: its ops carry no tangents
    backward_tasks: tuple = ()  # the backward passes running in this thread, innermost last
    vmap_levels: tuple = ()  # the open vmap levels of this thread, (level, batch size, randomness), innermost last
    func_grad_depth = 0  # how many retrograd.func grad/vjp/jvp transforms are running in this thread
    # the innermost of those is forward mode (jvp, jacfwd, linearize): turning grad mode off does not stop
    # its recording, since forward AD ignores grad mode in PyTorch (its tangents come from our graph)
    forward_transform = False
    capture_scope: Any = None  # the innermost such transform's scope (engine.captures), None outside them
    grad_layout_enforced = True  # a leaf's first .grad takes the layout PyTorch's contract gives it


state = _State()


def in_func_transform() -> bool:
    """Whether a retrograd.func transform (grad, vjp, jvp, vmap and those built on them) is running
    in this thread: PyTorch refuses `requires_grad_()` and `backward()` there."""
    return bool(state.func_grad_depth or state.vmap_levels)


# Blocks open in all threads in which a new tensor gets its version box at once: inference_mode(True)
# (NO_VERSION) and the func transforms' capture scopes (a box stamped with the scope). While 0, a new
# tensor's box is made on first use, without asking its thread's state (Tensor._make reads this).
box_blocks = [0]
_box_lock = threading.Lock()


def count_box_block(change: int) -> None:
    """Open (+1) or close (-1) one block of `box_blocks` (a lock, as threads enter and leave at once)."""
    with _box_lock:
        box_blocks[0] += change


def is_grad_enabled() -> bool:
    """Whether new operations record a graph in this thread (False inside `no_grad`).

    Returns:
        bool: the grad mode.

    Examples:
        >>> retrograd.is_grad_enabled()
        True
        >>> with retrograd.no_grad():
        ...     print(retrograd.is_grad_enabled())
        False
    """
    return state.grad_mode


def _set_grad_mode(mode: bool) -> None:
    """Set the grad mode; operations record only while it is on outside inference mode (PyTorch's
    inference mode turns autograd off whatever the grad mode: `enable_grad` inside it records nothing),
    or in a forward-mode transform's function (`_State.forward_transform`)."""
    state.grad_mode = mode
    state.enabled = (mode or state.forward_transform) and not state.inference


def is_inference_mode_enabled() -> bool:
    """Whether an `inference_mode` block is active in this thread.

    Returns:
        bool: True inside `inference_mode()` (not inside a plain `no_grad`).

    Examples:
        >>> retrograd.is_inference_mode_enabled()
        False
        >>> with retrograd.inference_mode():
        ...     print(retrograd.is_inference_mode_enabled())
        True
    """
    return state.inference


class _GradModeManager:
    """Base for the managers: sets the flag on enter, restores it on exit."""

    def _target(self) -> bool:
        raise NotImplementedError

    def __enter__(self) -> None:  # (_set_grad_mode written out: every no_grad block runs these)
        self._prev = state.grad_mode
        mode = state.grad_mode = self._target()
        state.enabled = (mode or state.forward_transform) and not state.inference

    def __exit__(self, *exc: object) -> None:
        mode = state.grad_mode = self._prev
        state.enabled = (mode or state.forward_transform) and not state.inference

    def __call__(self, decorated: F) -> F:
        make = self.clone
        fn: Callable[..., Any] = decorated
        if inspect.isclass(decorated):
            warnings.warn(
                "Decorating classes is deprecated and will be disabled in future versions. You should only decorate "
                "functions or methods. To preserve the current behavior of class decoration, you can directly "
                "decorate the `__init__` method and nothing else.",
                FutureWarning,
                stacklevel=2,
            )
            fn = lambda *args, **kwargs: decorated(*args, **kwargs)  # noqa: E731  (PyTorch's wrapper is a lambda: its name)
        if inspect.isgeneratorfunction(fn):
            return _generator_in_mode(make, fn)  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with make():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def clone(self) -> _GradModeManager:
        return self.__class__()


def _generator_in_mode(make: Callable[[], _GradModeManager], fn: Callable[..., Any]) -> Callable[..., Any]:
    """A decorated generator function: its body runs in the mode each time it resumes, and the
    caller's mode is back at each `yield` (as PyTorch's decorators treat generators)."""

    @functools.wraps(fn)
    def generator(*args: Any, **kwargs: Any) -> Any:
        inner = fn(*args, **kwargs)
        step = functools.partial(inner.send, None)
        while True:
            try:
                with make():
                    out = step()
            except StopIteration as done:
                return done.value
            try:
                sent = yield out
            except GeneratorExit:
                with make():
                    inner.close()
                raise
            except BaseException as error:  # thrown in by the caller: raise it inside the body, in the mode
                step = functools.partial(inner.throw, error)
            else:
                step = functools.partial(inner.send, sent)

    return generator


class _NoParamDecorator(_GradModeManager):
    """A manager that also decorates without parentheses (`@no_grad`), as PyTorch's do."""

    def __new__(cls, orig_func: Callable[..., Any] | None = None) -> Any:
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Operations inside do not record a graph; results have requires_grad=False.

    Use it as a `with` block or a decorator, for evaluation and for updating weights by hand.

    Args:
        orig_func (callable, optional): a function to decorate, when used as `@no_grad` without
            parentheses.

    Returns:
        (no_grad): a context manager (and decorator) that turns recording off and restores the
            previous mode on exit.

    Examples:
        >>> w = retrograd.ones(2, requires_grad=True)
        >>> with retrograd.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
        >>> @retrograd.no_grad()
        ... def evaluate(x):
        ...     return (w * x).sum()
        >>> evaluate(retrograd.ones(2)).requires_grad
        False
    """

    def _target(self) -> bool:
        return False


class enable_grad(_NoParamDecorator):
    """Turn recording back on inside a `no_grad` block.

    Args:
        orig_func (callable, optional): a function to decorate, when used as `@enable_grad`
            without parentheses.

    Returns:
        (enable_grad): a context manager (and decorator) that turns recording on and restores the
            previous mode on exit.

    Examples:
        >>> w = retrograd.ones(2, requires_grad=True)
        >>> with retrograd.no_grad():
        ...     with retrograd.enable_grad():
        ...         y = w * 2
        >>> y.requires_grad
        True
    """

    def _target(self) -> bool:
        return True


class set_grad_enabled(_GradModeManager):
    """Set recording on or off; takes effect at once, and also works as a `with` block.

    Args:
        mode (bool): True to record operations, False not to.

    Returns:
        (set_grad_enabled): an object that, used in `with`, restores the previous mode on exit (or,
            used as a decorator, sets the mode only while the function runs).

    Examples:
        >>> w = retrograd.ones(2, requires_grad=True)
        >>> is_train = False
        >>> with retrograd.set_grad_enabled(is_train):
        ...     y = w * 2
        >>> y.requires_grad
        False
        >>> _ = retrograd.set_grad_enabled(False)
        >>> (w * 2).requires_grad
        False
        >>> _ = retrograd.set_grad_enabled(True)
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            kind = type(mode).__name__
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not {kind}")
        self.mode = mode
        self._prev = state.grad_mode
        _set_grad_mode(self.mode)

    def _target(self) -> bool:
        return self.mode

    def __enter__(self) -> None:
        pass  # already applied in __init__, as in PyTorch

    def __call__(self, fn: F) -> F:
        _set_grad_mode(self._prev)  # used as a decorator: undo the eager switch
        return super().__call__(fn)

    def clone(self) -> _GradModeManager:
        return set_grad_enabled(self.mode)

    def __repr__(self) -> str:
        return f"{package_name()}.autograd.grad_mode.set_grad_enabled(mode={self.mode})"


class inference_mode(_GradModeManager):
    """Like no_grad, and the tensors made inside are inference tensors (`Tensor.is_inference()`).

    Outside the mode, PyTorch's errors refuse to save an inference tensor for backward or to
    change one in place. `inference_mode(False)` leaves inference mode (and turns grad mode on).

    Args:
        mode (bool): turn inference mode on (default True); False turns it off.

    Returns:
        (inference_mode): a context manager, also usable as a decorator.

    Examples:
        >>> x = retrograd.tensor([1.0], requires_grad=True)
        >>> with retrograd.inference_mode():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __new__(cls, mode: Any = True) -> Any:
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # `@inference_mode` without parentheses: mode is the function

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def _target(self) -> bool:
        return not self.mode  # PyTorch's inference_mode(False) turns grad mode on, even inside no_grad

    def __enter__(self) -> None:
        self._prev_inf = state.inference
        state.inference = self.mode
        if self.mode:
            count_box_block(1)
        super().__enter__()

    def __exit__(self, *exc: object) -> None:
        state.inference = self._prev_inf
        if self.mode:
            count_box_block(-1)
        super().__exit__(*exc)

    def clone(self) -> _GradModeManager:
        return inference_mode(self.mode)


class enforce_grad_layout_policy(_GradModeManager):
    """Whether backward holds a leaf's new `.grad` to the gradient layout contract, in this thread.

    By the contract a leaf's first gradient gets the leaf's strides (a dense leaf: a transposed or
    `channels_last` parameter) or is row-major (any other leaf), so optimizers and reducers can treat
    parameter and gradient alike; a gradient that arrives in another layout is copied into it. With
    `enable=False` a gradient that nothing else holds becomes `.grad` in the layout it arrived in,
    saving the copy. Takes effect at once, and also works as a `with` block or a decorator.

    Args:
        enable (bool): True (default) to hold to the contract, False to relax it.

    Returns:
        (enforce_grad_layout_policy): an object that, used in `with`, restores the previous setting
            on exit (or, used as a decorator, sets it only while the function runs).

    Examples:
        >>> q = retrograd.zeros(3, 4, requires_grad=True)
        >>> arriving = retrograd.ones(4, 3).t()  # a transposed (column-major) gradient
        >>> with retrograd.autograd.enforce_grad_layout_policy(False):
        ...     retrograd.autograd.backward(q * 1, arriving)
        >>> q.grad.stride()
        (1, 3)
    """

    def __init__(self, enable: bool = True) -> None:
        if not isinstance(enable, bool):
            raise TypeError(
                "set_grad_layout_enforcement_enabled(): argument 'enabled' (position 1) must be bool, not "
                f"{type(enable).__name__}"
            )
        self.mode = enable
        self._prev = state.grad_layout_enforced
        state.grad_layout_enforced = enable

    def __enter__(self) -> None:
        pass  # already applied in __init__, as in PyTorch

    def __exit__(self, *exc: object) -> None:
        state.grad_layout_enforced = self._prev

    def __call__(self, fn: F) -> F:
        state.grad_layout_enforced = self._prev  # used as a decorator: undo the eager switch
        return super().__call__(fn)

    def clone(self) -> _GradModeManager:
        return enforce_grad_layout_policy(self.mode)


# the managers' home in reprs, as PyTorch's (`torch.autograd.grad_mode.no_grad`)
for _manager in (no_grad, enable_grad, set_grad_enabled, inference_mode, enforce_grad_layout_policy):
    public_class(_manager, "autograd.grad_mode")
