"""`retrograd.utils.deterministic`: `fill_uninitialized_memory`, read and set as a module attribute.

With `use_deterministic_algorithms(True)`, `empty`, `empty_like`, `empty_strided`, `new_empty` and
`resize_` fill what they make with NaN (an integer dtype's largest value, True for bool), as
PyTorch does, unless `fill_uninitialized_memory` is set to False.
"""

from __future__ import annotations

import sys
import types

from .. import _global_flags

__all__ = ["fill_uninitialized_memory"]

fill_uninitialized_memory: bool  # a property of the module's class below, as in PyTorch


class _Deterministic(types.ModuleType):
    """This module's class: its `fill_uninitialized_memory` reads and sets the process-wide flag."""

    @property
    def fill_uninitialized_memory(self) -> bool:
        """Whether deterministic mode fills uninitialised memory (default True)."""
        return _global_flags.fill_uninitialized_memory()

    @fill_uninitialized_memory.setter
    def fill_uninitialized_memory(self, mode: bool) -> None:
        _global_flags.set_fill_uninitialized_memory(mode)


sys.modules[__name__].__class__ = _Deterministic
