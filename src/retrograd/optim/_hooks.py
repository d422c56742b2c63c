"""Step hooks of the optimizers: per-instance and global, run around every `step()`.

Every Optimizer subclass's `step` is wrapped once, when the class is created
(`Optimizer.__init_subclass__`), so hooks also run for user-written optimizers,
and `optimizer._opt_called` tells the lr schedulers that a step happened. A step
inside a `retrograd.compile` recording is handed to the recorder: an update it can record
(SGD without momentum, no hooks) runs as recorded tensor ops, into the generated code; any
other step is deferred, run by the compiled call eagerly, hooks included, after its code.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from itertools import chain
from typing import Any

from ..engine import primitive as _primitive  # (its `tracer`, read at call time: retrograd.compile)
from ..engine.graph import RemovableHandle, add_keyed_hook

_global_step_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
_global_step_post_hooks: OrderedDict[int, Callable] = OrderedDict()


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Register `hook(optimizer, args, kwargs)` to run before every optimizer's step."""
    return add_keyed_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Register `hook(optimizer, args, kwargs)` to run after every optimizer's step."""
    return add_keyed_hook(_global_step_post_hooks, hook)


def with_step_hooks(step: Callable) -> Callable:
    """Wrap a subclass's `step` so step hooks run around it and schedulers see it was called."""

    @functools.wraps(step)
    def hooked_step(*args: Any, **kwargs: Any) -> Any:
        self = args[0]
        if self.__dict__.get("_inside_step", False):  # a subclass's step calling super().step()
            return step(*args, **kwargs)
        if "_optimizer_step_pre_hooks" not in self.__dict__:
            # Optimizer.__init__ never ran (torch-optimizer's Lookahead wraps another optimizer
            # without it): PyTorch wraps `step` in that __init__, so such a step runs bare there;
            # a scheduler attached to it still sees the call (Accelerate's AcceleratedOptimizer)
            if self.__dict__.get("_step_tracked_by_lr_sched", False):
                self._opt_called = True
            return step(*args, **kwargs)
        tracer = _primitive.tracer
        if tracer is not None:  # inside a retrograd.compile recording: it records the update, or defers the step
            bare = len(args) == 1 and not kwargs
            recordable = functools.partial(_update_recordable, self) if bare else None
            return tracer.optimizer_step(self, not bare, recordable, lambda: _run(step, args, kwargs))
        return _run(step, args, kwargs)

    hooked_step.hooked = True  # type: ignore[attr-defined]
    return hooked_step


def _update_recordable(optimizer: Any) -> bool:
    """Whether a bare step's update may be recorded into compiled code, asked when it is recorded
    and again at every later call of that code: a step hook registered since (a global one too)
    must run, so the code with the update in it is not used then."""
    return not _has_hooks(optimizer) and optimizer._update_is_recordable()


def _has_hooks(optimizer: Any) -> bool:
    return bool(_global_step_pre_hooks or _global_step_post_hooks or optimizer._optimizer_step_pre_hooks
                or optimizer._optimizer_step_post_hooks)


def _run(step: Callable, args: tuple, kwargs: dict) -> Any:
    """The step with its pre- and post-hooks, flagged as running (so `super().step()` runs bare)."""
    self = args[0]
    self._inside_step = True
    try:
        for hook in chain(_global_step_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"{step} must return None or a tuple of (new_args, new_kwargs), but got {result}."
                    )
                args, kwargs = result
        out = step(*args, **kwargs)
        self._opt_called = True  # read by lr_scheduler's step-order warning
        for hook in chain(self._optimizer_step_post_hooks.values(), _global_step_post_hooks.values()):
            hook(self, args, kwargs)
        return out
    finally:
        self._inside_step = False
