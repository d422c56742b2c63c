"""`torch.autograd.graph`: the graph's nodes and the hooks that reach into a backward pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _missing
from ..engine.graph import Node, RemovableHandle, graph_stats, save_on_cpu, saved_tensors_hooks
from .multi_grad import register


def register_multi_grad_hook(tensors: Any, fn: Callable, *, mode: str = "all") -> RemovableHandle:
    """Call `fn` once per backward: with all gradients ("all") or the first one ("any")."""
    return register(tuple(tensors), fn, mode)


__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "register_multi_grad_hook", "graph_stats"]


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
