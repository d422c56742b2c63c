"""Utilities with PyTorch's layout: `retrograd.utils.data` (datasets, samplers, DataLoader),
`retrograd.utils.checkpoint` (activation checkpointing) and `retrograd.utils.benchmark` (Timer)."""

from typing import Any

from .. import _missing
from . import data

__all__ = ["data", "checkpoint", "benchmark"]


def __getattr__(name: str) -> Any:
    # a submodule loads on first use (`torch.utils.checkpoint` after a plain `import torch`; it
    # pulls in the random module, which `import retrograd` leaves for later)
    return _missing.module_attribute(__name__, name)
