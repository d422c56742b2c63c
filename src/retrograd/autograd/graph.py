"""`torch.autograd.graph`: the graph's nodes and the hooks that reach into a backward pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine.graph import Node, RemovableHandle, graph_stats, save_on_cpu, saved_tensors_hooks
from .multi_grad import register


def register_multi_grad_hook(tensors: Any, fn: Callable, *, mode: str = "all") -> RemovableHandle:
    """Call `fn` once per backward: with all gradients ("all") or the first one ("any")."""
    return register(tuple(tensors), fn, mode)


__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "register_multi_grad_hook", "graph_stats"]
