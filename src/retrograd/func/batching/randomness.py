"""vmap's `randomness=`: what a random op does inside vmap, as PyTorch defines it.

- "error": any random op inside the vmap raises.
- "same": one draw, shared by every example (the op draws its logical shape, unbatched).
- "different": every example draws its own values: the op draws the batch sizes of the
  "different" levels in front of its shape, and the result is batched at those levels.

Random ops report through `engine.vmap_hook`: `check_random` (every draw, via the generator)
and `random_draw(make, shape)` (ops that can draw a batch of values at once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine.vmap_hook import hook
from .._batched import BatchedTensor, current_levels, rewrap, wrap
from .lifted import elementwise

RANDOM_ERROR = (
    "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' "
    "randomness flags on vmap or perform the randomness operation out of vmap"
)
SAME_WITH_BATCHED_INPUT = (
    "Vmap does not currently support same randomness with a batched tensor input. Please file an issue with functorch"
)
UNBATCHED_INPLACE = (
    "vmap: Cannot ask for different inplace randomness on an unbatched tensor. This will appear like same "
    "randomness. If this is necessary for your usage, please file an issue with functorch."
)


def check_random() -> None:
    """Raise PyTorch's error when a random op runs inside a vmap with randomness='error'."""
    if hook.drawing:
        return
    for lv in current_levels():
        if lv.randomness == "error":
            raise RuntimeError(RANDOM_ERROR)


def random_draw(make: Callable[[tuple], Any], shape: tuple) -> Any:
    """`make(shape)` once per example of every "different" level (one call, batched), once otherwise."""
    check_random()
    different = [lv for lv in current_levels() if lv.randomness == "different"]
    if hook.drawing or not different:
        return make(shape)
    hook.drawing = True
    try:
        out = make(tuple(lv.size for lv in different) + tuple(shape))
    finally:
        hook.drawing = False
    for lv in different:  # outermost first: the physical layout of nested levels
        out = rewrap(out, lv.level)
    return out


def random_fill(target: Any, fill: Callable[[Any], Any]) -> Any:
    """An in-place random fill of `target` (`normal_`, `bernoulli_`, ...) under vmap; None when not batched here.

    Under "different" the target must be batched at every "different" level (PyTorch's rule);
    the fill then runs on the batched values themselves, one draw for all examples.
    """
    check_random()
    if hook.drawing:
        return None
    different = [lv.level for lv in current_levels() if lv.randomness == "different"]
    if not different:
        return None
    levels = []
    t = target
    while type(t) is BatchedTensor:
        levels.append(t._level)
        t = t._value
    if any(level not in levels for level in different):
        raise RuntimeError(UNBATCHED_INPLACE)
    hook.drawing = True
    try:
        fill(t)  # the physical tensor: every level's batch is in its shape
    finally:
        hook.drawing = False
    return target


def _batched_input_draw(level: int) -> None:
    """A random op whose parameters (probabilities, means, rates) are batched at `level`: PyTorch's rules."""
    mode = next(lv.randomness for lv in current_levels() if lv.level == level)
    if mode == "error":
        raise RuntimeError(RANDOM_ERROR)
    if mode == "same":
        raise RuntimeError(SAME_WITH_BATCHED_INPUT)


def random_elementwise(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`bernoulli(p)`, `normal(mean, std)`, `poisson(rates)`, `binomial(n, p)` with batched parameters.

    Under "different" the op runs once on the batched values (batch dim in front): each example
    draws its own values, in the order PyTorch draws them.
    """
    _batched_input_draw(level)
    hook.drawing = True
    try:
        return elementwise(fn, args, kwargs, level)
    finally:
        hook.drawing = False


def random_rows(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`multinomial(weights, ...)` with batched weights: every example's rows drawn as rows of one matrix."""
    _batched_input_draw(level)
    weights = args[0]
    value = weights._value  # (B, *rows, categories)
    hook.drawing = True
    try:
        out = fn(value.reshape(-1, value.shape[-1]), *args[1:], **kwargs)
    finally:
        hook.drawing = False
    return wrap(out.reshape(tuple(value.shape[:-1]) + (out.shape[-1],)), level)
