"""Utilities with PyTorch's layout: `retrograd.utils.data` (datasets, samplers, DataLoader) and
`retrograd.utils.checkpoint` (activation checkpointing)."""

from __future__ import annotations

import importlib
from typing import Any

from . import data

__all__ = ["data", "checkpoint"]


def __getattr__(name: str) -> Any:
    # `torch.utils.checkpoint.checkpoint(...)` works after a plain `import torch`; loaded on first
    # use, as it pulls in the random module that `import retrograd` leaves for later
    if name == "checkpoint":
        return importlib.import_module(".checkpoint", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
