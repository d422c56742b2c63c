"""The namespaces of user-defined operators: `retrograd.ops.<namespace>.<name>` (`torch.ops.mylib.f`).

`retrograd.library.custom_op("mylib::f", ...)` adds `f` to the namespace "mylib" here; the ops
package's lazy lookup answers `ops.mylib` from this table when no op or submodule has the name.
"""

from __future__ import annotations

import os
from typing import Any

__all__: list[str] = []  # internal: nothing here is an op


class OpNamespace:
    """The operators registered under one namespace, as attributes."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, op: str) -> Any:
        raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op}'")

    def __repr__(self) -> str:
        return f"<module 'torch.ops.{self.name}' from 'torch.ops'>"


NAMESPACES: dict[str, OpNamespace] = {}


def namespace(name: str) -> OpNamespace:
    """The namespace called `name`, made on first use."""
    found = NAMESPACES.get(name)
    if found is None:
        found = NAMESPACES[name] = OpNamespace(name)
    return found


loaded_libraries: set[str] = set()  # `torch.ops.loaded_libraries`: PyTorch's is a set too; it stays empty here
unloaded_libraries: list[str] = []  # the paths `load_library` was asked for: their operators are missing here


def load_library(path: str | os.PathLike) -> None:
    """`torch.ops.load_library(path)`: PyTorch loads a C++ library that registers operators with libtorch.

    retrograd has no libtorch to register them with, so this raises the OSError PyTorch raises for a
    library it cannot load; torchvision and other packages catch it and run without their C++ ops.
    """
    path = os.path.realpath(os.fspath(path))
    unloaded_libraries.append(path)
    cause = RuntimeError("retrograd cannot load C++ operator libraries (they are built against libtorch)")
    raise OSError(f"Could not load this library: {path}") from cause
