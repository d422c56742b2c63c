"""A pytest plugin, installed with retrograd: NumPy's floating-point warnings from retrograd's own
modules stay silent in a user's tests, as they are outside them.

PyTorch computes inf and nan without a word. retrograd silences the warnings NumPy gives for them
with a warnings filter installed when retrograd is imported (backend/numpy_warnings.py). But pytest
imports test modules inside `warnings.catch_warnings()`, which restores the filters afterwards:
a test file's `import retrograd` left every later test showing "RuntimeWarning: divide by zero
encountered in log" from retrograd's internals. The same filters, as pytest configuration, apply
to every test. The plugin is a module of its own, outside the package, so that loading it does
not import retrograd into every pytest run.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

# (the filters backend/numpy_warnings.py installs, in pytest's "action:message:category:module" form)
FLOATING_POINT = "ignore:(invalid value|divide by zero|overflow|underflow) encountered:RuntimeWarning:retrograd"


def complex_cast_filter() -> str:
    """NumPy's complex-to-real cast warning: its class moved to numpy.exceptions in NumPy 1.25."""
    try:
        major, minor = (int(part) for part in metadata.version("numpy").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return ""
    module = "numpy.exceptions" if (major, minor) >= (1, 25) else "numpy"
    return f"ignore::{module}.ComplexWarning:retrograd"


def pytest_configure(config: Any) -> None:
    """Add the filters to the `filterwarnings` setting pytest applies around each test."""
    for line in (FLOATING_POINT, complex_cast_filter()):
        if line:
            config.addinivalue_line("filterwarnings", line)
