"""Views: the recipe that re-derives a view from its base, and the edge a tensor's gradient takes.

A view shares memory and a version counter with its base and remembers the chain of view
ops that made it. When the base (or a sibling view) changes in place, the view's node is
stale; `edge` re-derives it from the base before a new node links to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .grad_mode import state
from .graph import grad_accumulator

if TYPE_CHECKING:
    from ..tensor import Tensor
    from .primitive import Primitive


def link_view(out: Tensor, source: Tensor, prim: Primitive, attrs: dict) -> None:
    """Make `out` a view of `source`'s base: shared version counter and a replay recipe."""
    base = source._base if source._base is not None else source
    out._base = base
    out._version = source._version
    out._view_steps = source._view_steps + ((prim, attrs),)
    out._view_version = base._version.value


def edge(t: Tensor) -> tuple:
    """The (node, output_nr) a gradient for `t` flows into; (None, 0) if none."""
    if t._base is not None and t._view_version != t._version.value:
        refresh_view(t)
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (grad_accumulator(t), 0)
    return (None, 0)


def replay(steps: tuple, t: Tensor) -> Tensor:
    """Apply a view's recipe (its chain of view ops) to `t`."""
    for prim, attrs in steps:
        t = prim(t, **attrs)
    return t


def refresh_view(t: Tensor) -> None:
    """Re-derive a view's node from its base after the base (or a sibling) changed in place."""
    t._view_version = t._version.value
    base = t._base
    if not (t._requires_grad and base._requires_grad):
        return
    assert base is not None
    prev = state.enabled
    state.enabled = True
    try:
        v = replay(t._view_steps, base)
    finally:
        state.enabled = prev
    t._grad_fn = v._grad_fn
    t._output_nr = v._output_nr
