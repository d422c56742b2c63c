"""The AttributeError for a name retrograd lacks: it says so when PyTorch has the name.

A module's `__getattr__` runs only when normal lookup fails, so existing names cost nothing.
Tensor has no `__getattr__`, so a missing Tensor method gets Python's plain AttributeError: on a
class, `__getattr__` turns off CPython's specialised attribute reads, which doubled the cost of
every `t._data` in the engine. The names PyTorch has and retrograd lacks are generated into
`_torch_names.py` by `tools/api_coverage.py`, which also writes `docs/api-coverage.md`.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from ._torch_names import MISSING

_NOT_YET = ": retrograd does not have it yet (see docs/api-coverage.md)"
_sets: dict[str, frozenset[str]] = {}  # MISSING's strings split into sets on first use


def is_torch_name(where: str, name: str) -> bool:
    """Whether PyTorch has `name` in the module `where` (or on `Tensor`) and retrograd does not yet."""
    names = _sets.get(where)
    if names is None:
        names = _sets[where] = frozenset(MISSING.get(where, "").split())
    return name in names


def module_attribute(module: str, name: str) -> ModuleType:
    """A module's `__getattr__`: import a not-yet-imported submodule, else raise the AttributeError."""
    found = submodule(module, name)
    if found is None:
        raise missing_attribute(module, name)
    return found


def submodule(module: str, name: str) -> ModuleType | None:
    """The submodule `name` of the package `module`, imported now if it was not yet; None if there is none."""
    if not name.startswith("__") and _is_submodule(module, name):
        return importlib.import_module(f"{module}.{name}")
    return None


def _is_submodule(module: str, name: str) -> bool:
    try:
        return importlib.util.find_spec(f"{module}.{name}") is not None
    except ModuleNotFoundError:  # `module` is a plain module, not a package
        return False


def missing_attribute(module: str, name: str) -> AttributeError:
    """`module 'M' has no attribute 'X'`, saying that retrograd lacks it yet where PyTorch has it."""
    message = f"module '{module}' has no attribute '{name}'"
    if is_torch_name(module, name):
        message += _NOT_YET
    return AttributeError(message, name=name)
