"""Where a user's code called into retrograd, for warnings that should name the user's line."""

from __future__ import annotations

import os
import sys
import warnings
from types import FrameType

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def is_retrograd_frame(frame: FrameType) -> bool:
    """Whether `frame` runs retrograd's own code."""
    return frame.f_code.co_filename.startswith(_PACKAGE_DIR)


def user_stacklevel() -> int:
    """`warnings.warn`'s stacklevel, from its caller, of the first frame outside retrograd.

    A fixed stacklevel names the right line only from one call path; in-place methods, aliases
    and the tensor methods reach the same warning at different depths.
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and is_retrograd_frame(frame):
        frame = frame.f_back
        level += 1
    return level


# The `__torch_function__` checks (`_torch_function.py`): each public function's face, and each Tensor
# method's `CheckedMethod` once a subclass, tensor-like or mode exists; frames PyTorch's C++ functions
# and methods do not have, so a fixed stacklevel does not count them.
_PROTOCOL_FILE = os.path.join(_PACKAGE_DIR, "_torch_function.py")


def past_checks(frame: FrameType) -> FrameType:
    """`frame`, or the first frame above it that is not one of the `__torch_function__` checks: the
    code that called a Tensor method or public function whose `CheckedMethod` or face is in between."""
    while frame.f_code.co_filename == _PROTOCOL_FILE and frame.f_back is not None:
        frame = frame.f_back
    return frame


def frames_up(stacklevel: int) -> int:
    """`warnings.warn`'s stacklevel, from its caller, for the frame `stacklevel` frames up (1: the
    caller itself), not counting the `__torch_function__` checks of public functions and methods.

    For warnings written with PyTorch's fixed stack levels (`F.softmax(..., _stacklevel=3)`): with
    the check between a function and its caller, `stacklevel=3` would name retrograd's own line.
    """
    frame = sys._getframe(1)
    level = counted = 1
    while counted < stacklevel and frame.f_back is not None:
        frame = frame.f_back
        level += 1
        if frame.f_code.co_filename != _PROTOCOL_FILE:
            counted += 1
    return level


_warned_once: set[str] = set()  # the keys of the warnings given: PyTorch's TORCH_WARN_ONCE is per process


class _WarnAlways:
    enabled = False  # `set_warn_always(True)`: the once-per-process warnings warn every time


warn_always = _WarnAlways()


def warn_once(key: str, message: str, category: type[Warning] = UserWarning) -> None:
    """`message` at the user's line, the first time `key` asks for it in this process (PyTorch's
    TORCH_WARN_ONCE); later calls with that key say nothing, unless `set_warn_always(True)`."""
    if warn_always.enabled or key not in _warned_once:
        _warned_once.add(key)
        warnings.warn(message, category, stacklevel=user_stacklevel())
