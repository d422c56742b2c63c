"""`torch._C._fft`: the functions of `torch.fft` under the full names PyTorch's C++ gives them
(`fft_...`); FX graphs name them so, and their generated code calls them here."""

from __future__ import annotations

from typing import Any

from .. import fft as _namespace
from ._prefixed import prefixed_attribute

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    return prefixed_attribute(_namespace, "fft_", __name__, name)
