"""`torch.utils.module_tracker`: which modules' forward (or backward) is running now.

`ModuleTracker` keeps `parents`, the set of the fully qualified names of the modules whose forward
is running (`"Global"` always among them), as PyTorch's does: global forward hooks add and remove
a module's name, and multi-grad hooks on its outputs and inputs do the same for its backward (a
module's backward runs from its outputs' gradients to its inputs'). The set goes back to
`{"Global"}` when a backward pass ends. `FlopCounterMode` counts each op for every name in it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from ..autograd.graph import register_multi_grad_hook
from ..autograd.variable import Variable
from ..engine.grad_mode import state
from ..nn.modules.module import Module, register_module_forward_hook, register_module_forward_pre_hook
from ..tensor import Tensor
from ._pytree import tree_flatten

__all__ = ["ModuleTracker"]


class ModuleTracker:
    """A context manager that tracks which modules are running, by their names (`Module.child.0`).

    Examples:
        >>> from retrograd.utils.module_tracker import ModuleTracker
        >>> seen = []
        >>> net = retrograd.nn.Sequential(retrograd.nn.Linear(2, 2))
        >>> with ModuleTracker() as tracker:
        ...     _ = net[0].register_forward_pre_hook(lambda *_: seen.append(sorted(tracker.parents)))
        ...     _ = net(retrograd.ones(1, 2))
        >>> seen  # (global hooks run before a module's own)
        [['Global', 'Sequential', 'Sequential.0']]
    """

    parents: set[str]

    def __init__(self) -> None:
        self.parents = {"Global"}
        self._known_modules: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._seen_modules: weakref.WeakSet = weakref.WeakSet()
        self._has_callback = False
        self._hooks: list[Any] = []

    @property
    def is_bw(self) -> bool:
        """Whether a backward pass is running now."""
        return bool(state.backward_tasks)

    def _maybe_set_engine_callback(self) -> None:
        if self._has_callback:
            return

        def callback() -> None:
            self.parents = {"Global"}
            self._has_callback = False

        Variable._execution_engine.queue_callback(callback)
        self._has_callback = True

    def _get_mod_name(self, mod: Module) -> str:
        if mod not in self._known_modules:
            self._known_modules[mod] = type(mod).__name__
        mod_name = self._known_modules[mod]
        if mod not in self._seen_modules:
            for name, submod in mod.named_children():
                self._known_modules[submod] = f"{mod_name}.{name}"
                self._get_mod_name(submod)
            self._seen_modules.add(mod)
        return mod_name

    def _get_append_fn(self, name: str, is_bw: bool) -> Callable[..., None]:
        def fn(*args: Any) -> None:
            if is_bw:
                self._maybe_set_engine_callback()
            self.parents.add(name)

        return fn

    def _get_pop_fn(self, name: str, is_bw: bool) -> Callable[..., None]:
        def fn(*args: Any) -> None:
            self.parents.discard(name)

        return fn

    def _fw_pre_hook(self, mod: Module, input: Any) -> None:
        name = self._get_mod_name(mod)
        self._get_append_fn(name, False)()
        tensors = [a for a in tree_flatten(input)[0] if isinstance(a, Tensor) and a.requires_grad]
        if tensors:
            self._hooks.append(register_multi_grad_hook(tensors, self._get_pop_fn(name, True)))

    def _fw_post_hook(self, mod: Module, input: Any, output: Any) -> None:
        name = self._get_mod_name(mod)
        self._get_pop_fn(name, False)()
        tensors = [a for a in tree_flatten(output)[0] if isinstance(a, Tensor) and a.requires_grad]
        if tensors:
            self._hooks.append(register_multi_grad_hook(tensors, self._get_append_fn(name, True)))

    def __enter__(self) -> ModuleTracker:
        self._fw_pre_handle = register_module_forward_pre_hook(self._fw_pre_hook)
        self._fw_post_handle = register_module_forward_hook(self._fw_post_hook)
        return self

    def __exit__(self, *args: Any) -> None:
        self._fw_pre_handle.remove()
        self._fw_post_handle.remove()
        for hook in self._hooks:
            hook.remove()
        self._hooks.clear()
