"""The node that refuses a backward: what `@once_differentiable` gives gradients taken with
`create_graph=True`, so differentiating them again raises instead of silently giving zeros."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine.anomaly_mode import anomaly, record_stack
from ..engine.grad_mode import state
from ..engine.graph import Node, grad_accumulator
from ..tensor import Tensor

ONCE_DIFFERENTIABLE_MESSAGE = "trying to differentiate twice a function that was marked with @once_differentiable"


class Error(Node):
    """A node whose backward raises its message (PyTorch's `torch::autograd::Error`)."""

    __slots__ = ("_message", "n_outputs")

    def __init__(self, message: str, next_functions: tuple) -> None:
        super().__init__(next_functions)
        self._message = message
        self.n_outputs = len(next_functions)

    def name(self) -> str:
        return "torch::autograd::Error"

    def __repr__(self) -> str:
        return f"<Error object at {hex(id(self))}>"

    def apply(self, grads: list, wanted: Callable[[int], bool] | None) -> tuple:
        raise RuntimeError(self._message)


def _stand_in_leaf(t: Tensor) -> Tensor:
    """A detached alias that requires grad: the edge PyTorch gives the node, leading nowhere the
    caller asked about (so `autograd.grad` w.r.t. the real inputs reports them unused)."""
    leaf = t.detach()
    leaf.requires_grad_(True)
    return leaf


def delayed_error(outputs: tuple, message: str) -> tuple:
    """Aliases of the Tensors in `outputs` that share one `Error` node raising `message` (None
    entries stay None)."""
    leaves = [_stand_in_leaf(o) if isinstance(o, Tensor) else None for o in outputs]
    node = Error(message, tuple((None, 0) if leaf is None else (grad_accumulator(leaf), 0) for leaf in leaves))
    if anomaly.enabled:  # where the refusing node was made, shown when it raises (PyTorch's anomaly warning)
        node.metadata["traceback_"] = record_stack()
    return tuple(
        out if leaf is None else Tensor._make(leaf._data, True, node, k)
        for k, (out, leaf) in enumerate(zip(outputs, leaves))
    )


def refuse_second_backward(outputs: Any, grads: tuple) -> Any:
    """What a `@once_differentiable` backward returns: its outputs as they are, or, when a graph is
    being recorded (`create_graph=True`) from incoming gradients that require grad, aliases whose
    backward raises PyTorch's error."""
    if not state.enabled or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
        return outputs
    single = not isinstance(outputs, tuple)
    aliases = delayed_error((outputs,) if single else outputs, ONCE_DIFFERENTIABLE_MESSAGE)
    return aliases[0] if single else aliases
