"""`Variable`, the pre-0.4 wrapper around tensors: today every tensor is one.

`Variable(t, requires_grad=True)` returns a tensor sharing `t`'s memory with no history
(`t.detach().requires_grad_(True)`), and `isinstance(x, Variable)` holds for every tensor,
as in PyTorch. `volatile` is accepted with PyTorch's warning and has no effect.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ..engine.backward import queue_callback
from ..ops.creation import empty
from ..tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor)


class _ExecutionEngine:
    """`Variable._execution_engine`: the autograd engine as PyTorch code reaches it (`queue_callback`)."""

    def queue_callback(self, callback: Callable[[], None]) -> None:
        """Run `callback()` when the running backward pass ends; RuntimeError outside a backward."""
        queue_callback(callback)


class Variable(metaclass=_VariableMeta):
    """A tensor (the pre-0.4 wrapper, kept for old code: use tensors directly).

    `Variable(t, requires_grad=True)` returns a detached tensor with that flag, and every
    tensor passes `isinstance(t, Variable)`.

    Args:
        data (Tensor, optional): the values (default: an empty tensor).
        requires_grad (bool): whether the result records a graph (default False).
        volatile (bool): ignored with a warning, as in PyTorch (use `no_grad`).

    Returns:
        Tensor: a plain tensor sharing `data`'s memory, cut from `data`'s graph.

    Examples:
        >>> v = retrograd.autograd.Variable(retrograd.tensor([1.0, 2.0]), requires_grad=True)
        >>> v, type(v).__name__, isinstance(retrograd.ones(1), retrograd.autograd.Variable)
        (tensor([1., 2.], requires_grad=True), 'Tensor', True)
    """

    _execution_engine = _ExecutionEngine()

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # type: ignore[misc]
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                UserWarning,
                stacklevel=2,
            )
        if data is None:
            return empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
