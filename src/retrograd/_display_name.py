"""The package name that reprs print: `retrograd`, or `torch` while retrograd stands in for torch.

`torch.Size([2, 3])`, `torch.float32` and `torch.FloatTensor` are what a PyTorch program
prints; when `python -m retrograd run` (or `install_as_torch()`) makes `import torch` mean
retrograd, the program's output should read the same as under PyTorch. So do the classes a
program prints (`type(x)` is `<class 'torch.Tensor'>`): `public_class` names a class by its
public module, under the package name of the moment (pickle finds classes by that name too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["package_name", "public_class", "public_function", "package_class", "set_package_name"]

_name = "retrograd"
_classes: list[tuple[Any, str]] = []  # (class or function, its module's path inside the package)


def package_name() -> str:
    """The prefix reprs use for retrograd's names: "retrograd" or "torch"."""
    return _name


def set_package_name(name: str) -> None:
    """Print reprs as `<name>.Size(...)`, `<name>.float32`, ... from now on."""
    global _name
    if name not in ("retrograd", "torch"):
        raise ValueError(f"package name must be 'retrograd' or 'torch', not {name!r}")
    _name = name
    for cls, where in _classes:
        cls.__module__ = _module(where)


def public_class(cls: type, where: str = "") -> type:
    """Name `cls` as defined in the package's `where` module (the package itself when empty),
    as PyTorch's `torch.Tensor` or `torch.nn.parameter.Parameter`; returns `cls`."""
    _classes.append((cls, where))
    cls.__module__ = _module(where)
    return cls


def public_function(func: Callable[..., Any], where: str = "") -> None:
    """`public_class` for a function: `torch.nn.functional.relu.__module__` under the alias (so a
    pickle of it, a model's `act = torch.tanh`, names `torch` and PyTorch can read it)."""
    _classes.append((func, where))
    func.__module__ = _module(where)


def _module(where: str) -> str:
    return _name + "." + where if where else _name


def package_class(cls: type) -> None:
    """`public_class` for a class retrograd defines in one of its modules (`retrograd.nn.modules.linear`
    under the alias reads `torch.nn.modules.linear`, as PyTorch's); a program's own classes are left alone."""
    module = cls.__module__ or ""
    if module.startswith("retrograd."):
        public_class(cls, module[len("retrograd.") :])
