"""The systems under test, by name: "retrograd" and "pytorch" (imported only when asked for)."""

from __future__ import annotations

import importlib
from types import ModuleType

SYSTEMS = ("retrograd", "pytorch")
MODULE_NAMES = {"retrograd": "retrograd", "pytorch": "torch"}
TORCH_THREADS = 2  # the benchmark rule: torch.set_num_threads(2); every other library keeps its default


def load_system(name: str) -> ModuleType:
    """Import a system's module (PyTorch with 2 intra-op threads); ImportError if it is not installed."""
    module = importlib.import_module(MODULE_NAMES[name])
    if name == "pytorch":
        module.set_num_threads(TORCH_THREADS)
    return module


def is_retrograd(m: ModuleType) -> bool:
    """Whether `m` is retrograd (rather than PyTorch)."""
    return m.__name__ == "retrograd"
