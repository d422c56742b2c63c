"""register_multi_grad_hook: one call per backward for a group of tensors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine.backward import current_task
from ..engine.graph import RemovableHandle
from ..engine.views import edge


class _Group:
    """The gradients one backward has delivered so far to a group of tensors."""

    def __init__(self, tensors: tuple, fn: Callable, mode: str) -> None:
        self.tensors = tensors
        self.fn = fn
        self.mode = mode
        self.task = -1
        self.grads: list = [None] * len(tensors)
        self.expected = 0
        self.count = 0
        self.fired = False

    def _start(self, task: Any) -> None:
        self.task = task.id
        self.grads = [None] * len(self.tensors)
        self.count = 0
        self.fired = False
        self.expected = sum(1 for t in self.tensors if task.will_execute(edge(t)[0]))

    def hook(self, i: int) -> Callable:
        def on_grad(grad: Any) -> None:
            task = current_task()
            if task.id != self.task:
                self._start(task)
            if self.mode == "any":
                if not self.fired:
                    self.fired = True
                    self.fn(grad)
                return
            self.grads[i] = grad
            self.count += 1
            if self.count == self.expected:
                self.fn(tuple(self.grads))

        return on_grad


class _MultiHandle(RemovableHandle):
    __slots__ = ("_handles",)

    def __init__(self, handles: list) -> None:
        self._handles = handles
        self._hooks = []  # type: ignore[assignment]
        self._hook = None

    def remove(self) -> None:
        for h in self._handles:
            h.remove()


def register(tensors: tuple, fn: Callable, mode: str) -> RemovableHandle:
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    group = _Group(tensors, fn, mode)
    return _MultiHandle([t.register_hook(group.hook(i)) for i, t in enumerate(tensors)])
