"""`torch.autograd.graph`: the graph's nodes and the hooks that reach into a backward pass."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import _missing
from ..engine.graph import Node, RemovableHandle, graph_stats, save_on_cpu, saved_tensors_hooks
from ..engine.views import edge
from .multi_grad import register
from .saved_tensors import allow_mutation_on_saved_tensors, disable_saved_tensors_hooks


def register_multi_grad_hook(tensors: Any, fn: Callable, *, mode: str = "all") -> RemovableHandle:
    """Call `fn` once per backward: with all gradients ("all") or the first one ("any")."""
    return register(tuple(tensors), fn, mode)


class GradientEdge(NamedTuple):
    """Where a tensor's gradient flows in the graph: a node and which of its outputs."""

    node: Node
    output_nr: int


def get_gradient_edge(tensor: Any) -> GradientEdge:
    """The edge a gradient for `tensor` enters the graph by: its grad_fn, or its AccumulateGrad node."""
    node, output_nr = edge(tensor)
    if node is None:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    return GradientEdge(node, output_nr)


def increment_version(tensor: Any | Iterable[Any]) -> None:
    """Bump the version counter of `tensor` (or of each tensor given), as an in-place change would."""
    for t in [tensor] if not isinstance(tensor, (list, tuple)) else tensor:
        t._version.value += 1


__all__ = [
    "Node", "GradientEdge", "get_gradient_edge", "increment_version", "saved_tensors_hooks", "save_on_cpu",
    "register_multi_grad_hook", "graph_stats", "disable_saved_tensors_hooks", "allow_mutation_on_saved_tensors",
]  # fmt: skip


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
