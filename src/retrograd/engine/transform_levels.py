"""Which torch.func transform levels wrap a tensor: what printing inside a transform shows.

PyTorch numbers its transforms by nesting depth (`vmap(grad(f))`: vmap is level 1, grad
level 2) and wraps every tensor an op makes while a grad-like transform runs, factories and
closure arithmetic included, so `print(z)` inside `grad(f)` shows
`GradTrackingTensor(lvl=1, value=tensor(...))`. retrograd has no wrappers: its transforms run
the function on plain tensors. Each one that runs a function opens a `CaptureScope` holding its
level, and every tensor made inside gets a version box stamped with the innermost scope, so a
tensor's wrappers are the open levels whose scope was open when it was made, or that were given it.

Unwrapped, PyTorch shows the autograd state of the levels outside every transform (a closure
tensor that requires grad, an input that did). `outer_face` (set by the transforms, which know
their own leaves) says which tensor's state that is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .captures import _physical
from .grad_mode import state


def _no_face(t: Any) -> Any:
    return t


# t -> the tensor whose grad_fn / requires_grad PyTorch prints for t unwrapped, or None
outer_face: list[Callable[[Any], Any]] = [_no_face]


def innermost_level() -> int:
    """The level of the innermost open transform of this thread (0 outside them all)."""
    vmaps = state.vmap_levels
    level = vmaps[-1].level if vmaps else 0
    scope = state.capture_scope
    while scope is not None and not scope.level:
        scope = scope.outer
    return max(level, scope.level) if scope is not None else level


def grad_levels(t: Any) -> list[int]:
    """The grad-like transform levels wrapping `t`, lowest first ([] outside transforms)."""
    scope = state.capture_scope
    if scope is None:
        return []
    box = _physical(t)._version_box
    stamp = getattr(box, "scope", 0) if box is not None else 0
    found = []
    while scope is not None:  # innermost first; serials grow with nesting
        if scope.level and (scope.serial <= stamp or id(box) in scope.inputs):
            found.append(scope.level)
        scope = scope.outer
    return found[::-1]
