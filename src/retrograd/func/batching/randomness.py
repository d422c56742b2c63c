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
from .._batched import BatchedTensor, current_levels, rewrap

RANDOM_ERROR = (
    "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' "
    "randomness flags on vmap or perform the randomness operation out of vmap"
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
