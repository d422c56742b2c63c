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
    """Call `fn` once per backward: with all gradients ("all") or the first one ("any").

    Args:
        tensors (sequence of Tensor): the tensors whose gradients to wait for.
        fn (callable): with mode "all", called with a tuple of the gradients (None for a tensor
            this backward did not reach); with mode "any", called with the first gradient computed.
        mode (str): `"all"` (default) or `"any"`.

    Returns:
        RemovableHandle: call `.remove()` on it to unregister the hook.

    Examples:
        >>> from retrograd.autograd.graph import register_multi_grad_hook
        >>> a = retrograd.tensor(1.0, requires_grad=True)
        >>> b = retrograd.tensor(2.0, requires_grad=True)
        >>> handle = register_multi_grad_hook((a, b), lambda grads: print([g.item() for g in grads]))
        >>> (a * 3 + b * 4).backward()
        [3.0, 4.0]
        >>> handle.remove()
    """
    return register(tuple(tensors), fn, mode)


class GradientEdge(NamedTuple):
    """Where a tensor's gradient flows in the graph: a node and which of its outputs.

    Args:
        node (Node): the graph node the gradient enters: a grad_fn, or a leaf's AccumulateGrad.
        output_nr (int): which of the node's outputs (its inputs in the backward).

    Returns:
        (GradientEdge): a named tuple `(node, output_nr)`.

    Examples:
        >>> from retrograd.autograd.graph import get_gradient_edge
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> edge = get_gradient_edge(x * 3)
        >>> edge.node.name(), edge.output_nr
        ('MulBackward0', 0)
    """

    node: Node
    output_nr: int


def get_gradient_edge(tensor: Any) -> GradientEdge:
    """The edge a gradient for `tensor` enters the graph by: its grad_fn, or its AccumulateGrad node.

    Args:
        tensor (Tensor): a tensor that requires grad.

    Returns:
        (GradientEdge): the named tuple `(node, output_nr)`; usable as an input of
            `retrograd.autograd.grad`.

    Examples:
        >>> from retrograd.autograd.graph import get_gradient_edge
        >>> a = retrograd.tensor([1.0], requires_grad=True)
        >>> edge = get_gradient_edge(a * 2)
        >>> edge.node.name(), edge.output_nr
        ('MulBackward0', 0)
    """
    node, output_nr = edge(tensor)
    if node is None:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    return GradientEdge(node, output_nr)


def increment_version(tensor: Any | Iterable[Any]) -> None:
    """Bump the version counter of `tensor` (or of each tensor given), as an in-place change would.

    Args:
        tensor (Tensor or iterable of Tensor): the tensor(s) whose data changed behind autograd's back.

    Returns:
        None

    Examples:
        >>> from retrograd.autograd.graph import increment_version
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x.exp()
        >>> increment_version(y)
        >>> y.sum().backward()
        Traceback (most recent call last):
        ...
        RuntimeError: one of the variables needed for gradient computation has been modified by an inplace ...
    """
    for t in [tensor] if not isinstance(tensor, (list, tuple)) else tensor:
        t._version_counter.value += 1


__all__ = [
    "Node", "GradientEdge", "get_gradient_edge", "increment_version", "saved_tensors_hooks", "save_on_cpu",
    "register_multi_grad_hook", "graph_stats", "disable_saved_tensors_hooks", "allow_mutation_on_saved_tensors",
]  # fmt: skip


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
