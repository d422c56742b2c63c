"""Version counters: the box a tensor shares with its views, bumped by every in-place change.

Most tensors are never saved for backward nor changed in place, so a tensor's box is made on
first use. Two states want it made with the tensor: inference mode, whose tensors all hold the
one `NO_VERSION`, and a func transform's capture scope, whose tensors carry the scope's serial
(`engine.captures` tells from it which tensors the transformed function did not make).
"""

from __future__ import annotations

from typing import Any

from .grad_mode import state
from .inference import NO_VERSION


class Version:
    """A counter shared by a tensor and its views; in-place ops bump it."""

    # Class-level defaults and no __init__: every op makes one of these, and `Version()` then runs
    # no Python code (about 500 instructions less per tensor than with __init__). The first
    # `value += 1` stores the count on the instance.
    value = 0
    scope = 0  # the serial of the capture scope the memory was made in; 0: outside every scope


def new_version_box() -> Any:
    """A new tensor's box while some thread has a box block open (`grad_mode.box_blocks`): NO_VERSION
    in inference mode, a box stamped with this thread's capture scope, or None (made on first use)."""
    if state.inference:
        return NO_VERSION
    scope = state.capture_scope
    if scope is None:
        return None
    box = Version()
    box.scope = scope.serial
    return box
