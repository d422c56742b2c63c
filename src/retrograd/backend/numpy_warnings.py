"""NumPy's floating-point warnings from retrograd's own code stay unseen, as PyTorch gives none.

PyTorch computes inf and nan without a word; NumPy warns ("divide by zero encountered in log").
Three layers keep those warnings from users, each at no cost per op:

- warnings filters (below) that ignore them when retrograd's modules made the NumPy call, so a
  user's own NumPy code still warns;
- a display hook for runners that put a catch-all filter in front of ours: unittest's runner
  turns on `warnings.simplefilter("default")` around the tests, which would show every such
  warning once per line of retrograd;
- for filters that make warnings errors (`-W error`), primitives run their forward again quietly
  (`engine.primitive._silently`); pytest's own per-test filters get ours from a plugin
  (`_retrograd_pytest`).
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Any

import numpy

_FLOATING_POINT = r"(invalid value|divide by zero|overflow|underflow) encountered"
_OWN_MODULES = r"retrograd(\.|$)"
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def install_filters() -> None:
    """Ignore NumPy's floating-point warnings and its complex-to-real cast warning raised in
    retrograd's modules (retrograd gives PyTorch's UserWarning for a cast where PyTorch does)."""
    warnings.filterwarnings("ignore", message=_FLOATING_POINT, category=RuntimeWarning, module=_OWN_MODULES)
    warnings.filterwarnings(
        "ignore",
        category=getattr(numpy, "exceptions", numpy).ComplexWarning,  # (numpy.exceptions from NumPy 1.25)
        module=_OWN_MODULES,
    )


def is_own_floating_point_warning(message: Any, category: type, filename: str) -> bool:
    """Whether a warning is one of NumPy's floating-point warnings, raised in a retrograd file."""
    return (
        issubclass(category, RuntimeWarning)
        and filename.startswith(_PACKAGE_DIR)
        and re.match(_FLOATING_POINT, str(message)) is not None
    )


def without_own_warnings(shown: Any) -> Any:
    """The display hook `shown` (`warnings.showwarning`'s signature) less the warnings
    `is_own_floating_point_warning` names."""

    def showwarning(message: Any, category: type, filename: str, lineno: int, file: Any = None,
                    line: str | None = None) -> None:
        if not is_own_floating_point_warning(message, category, filename):
            shown(message, category, filename, lineno, file, line)

    showwarning.drops_retrograd_warnings = True  # type: ignore[attr-defined]
    return showwarning


def install_display_hook() -> None:
    """Display warnings through `without_own_warnings`, for the filters placed before ours that
    let these warnings through without making them errors.

    `warnings.catch_warnings` saves and restores the hook, so it stays in place around unittest's
    tests; recording (`catch_warnings(record=True)`) sees every warning, as before.
    """
    if not getattr(warnings.showwarning, "drops_retrograd_warnings", False):
        warnings.showwarning = without_own_warnings(warnings.showwarning)
