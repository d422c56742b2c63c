"""The lookup behind `torch._C._linalg`, `_fft` and `_special`: PyTorch's C++ functions of a
namespace under their full names (`linalg_inv` is `torch.linalg.inv`), as FX's generated code
calls them (`torch._C._linalg.linalg_inv(x)`)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .._missing import missing_attribute


def prefixed_attribute(namespace: ModuleType, prefix: str, module: str, name: str) -> Any:
    """`namespace.<name without prefix>` when that function goes by `name` (`linalg_inv`), else AttributeError."""
    func = getattr(namespace, name.removeprefix(prefix), None) if name.startswith(prefix) else None
    if func is None or getattr(func, "__name__", None) != name:
        raise missing_attribute(module, name)
    return func
