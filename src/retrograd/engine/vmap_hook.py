"""The one check `Primitive` makes for vmap: is any vmap open, and who batches the op.

`retrograd.func` sets `hook.dispatch` when it loads and counts open vmap levels in
`hook.active` (process-wide, so the check is one attribute read; which levels belong to
which thread lives in `grad_mode.state.vmap_levels`). While `active` is 0 the unbatched
hot path costs nothing more than that read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

NOT_BATCHED: Any = object()  # dispatch's answer when no input of the op is batched


class _Hook:
    active = 0  # vmap levels open in any thread
    # (primitive, tensors, attrs) -> result, or NOT_BATCHED when no input is batched
    dispatch: Callable[[Any, tuple, dict], Any] | None = None
    # (target, result) -> target, for in-place ops on batched tensors; NOT_BATCHED when neither is
    commit: Callable[[Any, Any], Any] | None = None
    # (target, out-of-place op name, args, kwargs): refuses an in-place op whose operand is batched
    # at a level the target is not, before the op runs
    check_write: Callable[[Any, str, tuple, dict], None] | None = None
    # (rule, function, args, kwargs) -> result, or NOT_BATCHED when no argument is batched
    lift: Callable[[str, Callable, tuple, dict], Any] | None = None
    # randomness= (func.batching.randomness): every draw checks; batched draws and fills
    check_random: Callable[[], None] | None = None
    random_draw: Callable[[Callable, tuple], Any] | None = None
    random_fill: Callable[[Any, Callable], Any] | None = None
    # autograd.grad(..., is_grads_batched=True): (outputs, inputs, grad_outputs, retain_graph, create_graph,
    # allow_unused, materialize_grads) -> grads, one backward vmapped over the cotangents
    batched_grad: Callable[..., tuple] | None = None
    # tensor -> whether it is a vmap-batched tensor (one autograd.grad cannot differentiate, as in PyTorch)
    is_batched: Callable[[Any], bool] | None = None
    drawing = False  # set while a batched draw runs, so the draw inside it is not batched again


hook = _Hook()


def batched(rule: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)` under vmap, batched by the function-level rule `rule`; NOT_BATCHED otherwise.

    For ops that are not one Primitive (comparisons, sorts, fused kernels whose statistics are
    computed on arrays): the rule calls `fn` itself on the batched values, the batch dim in front
    and dims shifted past it (`retrograd.func.batching.lifted`). Cheap when no vmap is open.
    """
    if not hook.active:
        return NOT_BATCHED
    return hook.lift(rule, fn, args, kwargs)  # type: ignore[misc]


def whole(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)`, with batched tensors seen whole (every example's values): for checks over all elements."""
    if hook.active:
        out = hook.lift("whole", fn, args, {})  # type: ignore[misc]
        if out is not NOT_BATCHED:
            return out
    return fn(*args)


def unbatched_target(target: Any, source: Any) -> bool:
    """True when an in-place write of batched `source` into `target` cannot work: `target` has fewer vmap levels."""
    if target is None or not hook.active:
        return False
    return _levels(target) < _levels(source)


def any_batched(*tensors: Any) -> bool:
    """True when a vmap is open and one of `tensors` is batched by it (None entries are skipped)."""
    return bool(hook.active) and any(_levels(t) for t in tensors)


def _levels(t: Any) -> int:
    return getattr(t, "_level", 0)


def random_draw(make: Callable[[tuple], Any], shape: tuple) -> Any:
    """`make(shape)`: a random op's draw; under vmap it follows the vmap's `randomness=`."""
    if not hook.active:
        return make(shape)
    return hook.random_draw(make, shape)  # type: ignore[misc]


def random_fill(target: Any, fill: Callable[[Any], Any]) -> Any:
    """An in-place random fill under vmap ("different": on the batched values); None to fill as usual."""
    if not hook.active:
        return None
    return hook.random_fill(target, fill)  # type: ignore[misc]


def batched_grad(*args: Any) -> tuple:
    """`autograd.grad(..., is_grads_batched=True)`, run by `retrograd.func` (loaded here on first use)."""
    if hook.batched_grad is None:
        importlib.import_module("retrograd.func")  # the layer above registers itself when it loads
    return hook.batched_grad(*args)  # type: ignore[misc]
