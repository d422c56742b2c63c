"""`torch._C._linalg`: the functions of `torch.linalg` under the full names PyTorch's C++ gives them
(`linalg_...`); FX graphs name them so, and their generated code calls them here."""

from __future__ import annotations

from typing import Any

from .. import linalg as _namespace
from ._prefixed import prefixed_attribute

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    return prefixed_attribute(_namespace, "linalg_", __name__, name)
