"""Where a user's code called into retrograd, for warnings that should name the user's line."""

from __future__ import annotations

import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_stacklevel() -> int:
    """`warnings.warn`'s stacklevel, from its caller, of the first frame outside retrograd.

    A fixed stacklevel names the right line only from one call path; in-place methods, aliases
    and the tensor methods reach the same warning at different depths.
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level
