"""The packages of `retrograd.ops` import their modules on first use.

Importing every op module takes about 0.1 s, most of `import retrograd`, and a program uses a
few families. So a package names its ops without importing them: `ops.add`, `ops.elementwise.add`,
`from retrograd.ops import add` and `retrograd.add` import the module that defines `add` (found in
`_export_table.MODULES`) the first time one of them is asked for, and the package keeps the value,
so later lookups are ordinary attribute reads. `__all__` and `dir()` list every name without
importing anything; a submodule (`ops.linalg`, `ops.elementwise.arithmetic`) is imported when it
is first reached as an attribute, as if the package had imported it.

Each package's `__init__` still lists its modules under `if TYPE_CHECKING:`, for type checkers and
for `tools/ops_exports.py`, which regenerates the table from those lists.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Callable
from typing import Any

from ._custom_namespaces import NAMESPACES
from ._export_table import MODULES


def _relative(package: str) -> str:
    """`retrograd.ops.elementwise` -> `elementwise.` (the prefix of its modules in the table); `retrograd.ops` -> ``."""
    inner = package.removeprefix("retrograd.ops").lstrip(".")
    return inner + "." if inner else ""


def public_names(package: str) -> list[str]:
    """The `__all__` of a package of `retrograd.ops`: its modules' `__all__` lists, in order."""
    prefix = _relative(package)
    return [name for module, names in MODULES.items() if module.startswith(prefix) for name in names]


class _OpsFirst(types.ModuleType):
    """A package where an op and a submodule share a name (`ops.linalg.lu`): the name stays the op.

    Importing a submodule binds it to its name in the package; the eager star imports used to
    rebind the op over it, and this keeps that, whichever of the two is imported first.
    """

    _ops_first: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._ops_first and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


def lazy_package(
    package: str, namespace: dict[str, Any], also: dict[str, str] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level `__getattr__` and `__dir__` (PEP 562) that give a package its names on first use.

    Args:
        package: the package's `__name__`.
        namespace: its `globals()`, where each name is kept once loaded.
        also: names outside `__all__` it also offers: name -> module relative to `retrograd.ops`.
    """
    prefix = _relative(package)
    where = {name: module for module, names in MODULES.items() if module.startswith(prefix) for name in names}
    where.update(also or {})
    children = {module.removeprefix(prefix).split(".")[0] for module in MODULES if module.startswith(prefix)}
    files = {entry.removesuffix(".py") for entry in os.listdir(os.path.dirname(namespace["__file__"]))}
    if files & where.keys():
        sys.modules[package].__class__ = _OpsFirst
        namespace["_ops_first"] = frozenset(files & where.keys())

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is not None:
            value = getattr(importlib.import_module(f"retrograd.ops.{module}"), name)
        elif name.startswith("__"):
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        else:  # a submodule nothing has imported yet
            try:
                value = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"{package}.{name}":
                    raise
                if not prefix and name in NAMESPACES:  # a custom operator namespace: `ops.mylib`
                    return NAMESPACES[name]
                if not prefix and name == "aten":  # PyTorch's built-in operators: `ops.aten.add.Tensor`
                    value = importlib.import_module("retrograd.ops._aten").AtenNamespace()
                    namespace[name] = value
                    return value
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(where) | children)

    return __getattr__, __dir__
