"""Module hooks: calling a module with its forward and backward hooks, and the global registries.

A module's full backward hooks see the gradients at its boundary: what reaches its outputs
(`grad_output`) and what leaves through its positional tensor inputs (`grad_input`), however
many ops run inside. Both ends are marked by an identity autograd.Function, as PyTorch does:
the node on the outputs runs first in the backward and captures `grad_output` (backward pre
hooks may replace it there); the node on the inputs runs last and calls the hooks, which may
replace `grad_input`. The legacy `register_backward_hook` instead hooks the one node that made
the output, with that node's own gradients (PyTorch's deprecated behaviour, warnings included).
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..._user_frames import user_stacklevel
from ...autograd.function import Function
from ...engine.grad_mode import is_grad_enabled
from ...ops.creation import zeros
from ...tensor import Tensor

if TYPE_CHECKING:
    from .module import Module

# torch.nn.modules.module.register_module_*_hook: hooks every module runs, before its own
global_forward_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
global_forward_hooks: OrderedDict[int, Callable] = OrderedDict()
global_forward_hooks_with_kwargs: OrderedDict[int, bool] = OrderedDict()
global_forward_hooks_always_called: OrderedDict[int, bool] = OrderedDict()
global_backward_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
global_backward_hooks: OrderedDict[int, Callable] = OrderedDict()
global_backward_is_full: list[bool | None] = [None]  # one slot: legacy or full hooks, as on a module
# register_module_{buffer,parameter,module}_registration_hook: `hook(module, name, value)` at each
# registration, whose non-None result is registered instead
global_buffer_registration_hooks: OrderedDict[int, Callable] = OrderedDict()
global_parameter_registration_hooks: OrderedDict[int, Callable] = OrderedDict()
global_module_registration_hooks: OrderedDict[int, Callable] = OrderedDict()


def any_global() -> bool:
    return bool(global_forward_pre_hooks or global_forward_hooks or global_backward_hooks
                or global_backward_pre_hooks)


def registered_value(hooks: OrderedDict[int, Callable], module: Module, name: str, value: Any) -> Any:
    """What `module` registers under `name`: `value` as each registration hook in turn replaces it."""
    for hook in hooks.values():
        output = hook(module, name, value)
        if output is not None:
            value = output
    return value


def check_backward_kind(current: bool | None, full: bool) -> None:
    """PyTorch's error for mixing legacy and full backward hooks on one module (or globally)."""
    if current is (not full):
        raise RuntimeError(
            "Cannot use both regular backward hooks and full backward hooks on a single Module. "
            "Please use only one of them."
        )


# --- calling a module with hooks ----------------------------------------------------------------


def call_with_hooks(module: Module, args: tuple, kwargs: dict) -> Any:
    """module(*args, **kwargs) with its hooks and the global ones, in PyTorch's order."""
    result = None
    ran_always: set[int] = set()  # ids of always-call forward hooks that ran
    forward_hooks = _forward_hooks(module)
    try:
        full, legacy = _backward_hooks(module)
        pre = [*global_backward_pre_hooks.values(), *module._backward_pre_hooks.values()]
        with_kwargs = module._forward_pre_hooks_with_kwargs
        for key, hook in [*global_forward_pre_hooks.items(), *module._forward_pre_hooks.items()]:
            if key in with_kwargs:
                new = hook(module, args, kwargs)
                if new is not None:
                    if not (isinstance(new, tuple) and len(new) == 2):
                        raise RuntimeError(
                            f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {new}."
                        )
                    args, kwargs = new
            else:
                new = hook(module, args)
                if new is not None:
                    args = new if isinstance(new, tuple) else (new,)
        boundary = _Boundary(module, full, pre) if full or pre else None
        if boundary is not None:
            args = boundary.wrap_inputs(args)
        result = module.forward(*args, **kwargs)
        for key, hook, takes_kwargs, always in forward_hooks:
            if always:
                ran_always.add(key)
            new = hook(module, args, kwargs, result) if takes_kwargs else hook(module, args, result)
            if new is not None:
                result = new
        if boundary is not None:
            if not isinstance(result, (Tensor, tuple)):
                warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of "
                              f"Tensors but received {type(result)}", stacklevel=3)
            result = boundary.wrap_outputs(result)
        if legacy:
            _hook_output_node(module, legacy, args, result)
        return result
    except Exception:
        for key, hook, takes_kwargs, always in forward_hooks:  # always-call hooks that did not run yet
            if not always or key in ran_always:
                continue
            try:
                new = hook(module, args, kwargs, result) if takes_kwargs else hook(module, args, result)
                if new is not None:
                    result = new
            except Exception as e:
                where = "global module forward hook" if key in global_forward_hooks else "module forward hook"
                warnings.warn(f"{where} with ``always_call=True`` raised an exception that was silenced as "
                              f"another error was raised in forward: {e}", stacklevel=3)
        raise


def _forward_hooks(module: Module) -> list[tuple[int, Callable, bool, bool]]:
    """(id, hook, takes kwargs, always called) of the forward hooks that apply: the global ones first."""
    hooks = []
    for registry, with_kwargs, always in (
        (global_forward_hooks, global_forward_hooks_with_kwargs, global_forward_hooks_always_called),
        (module._forward_hooks, module._forward_hooks_with_kwargs, module._forward_hooks_always_called),
    ):
        hooks += [(key, hook, key in with_kwargs, key in always) for key, hook in registry.items()]
    return hooks


def _backward_hooks(module: Module) -> tuple[list, list]:
    """(full hooks, legacy hooks) that apply to `module`: the global ones first."""
    full: list = []
    legacy: list = []
    for is_full, hooks in ((global_backward_is_full[0], global_backward_hooks),
                           (module._is_full_backward_hook, module._backward_hooks)):
        if hooks:
            (full if is_full else legacy).extend(hooks.values())
    return full, legacy


class _BoundaryFunction(Function):
    """Identity on a module's inputs or outputs: its node is where the boundary's hooks attach."""

    @staticmethod
    def forward(ctx: Any, *tensors: Tensor) -> tuple:
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple:
        return grads


_BoundaryFunction.__name__ = _BoundaryFunction.__qualname__ = "BackwardHookFunction"  # PyTorch's node name
_BoundaryFunction._backward_cls.__name__ = "BackwardHookFunctionBackward"  # type: ignore[attr-defined]


class _Boundary:
    """One call's full backward hooks: grad_output captured at the outputs, hooks run at the inputs."""

    def __init__(self, module: Module, hooks: list, pre_hooks: list) -> None:
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs: tuple | None = None
        self.n_inputs = self.n_outputs = 0
        self.input_positions: list[int] | None = None
        self.output_positions: list[int] | None = None
        self.input_specs: list[tuple] = []  # (shape, dtype) of each tensor input, for zeros

    def wrap_inputs(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        args, self.input_positions = _through_identity(args, self._at_inputs)
        if self.input_positions is not None:
            self.input_specs = [(args[i].shape, args[i].dtype) for i in self.input_positions]
        return args

    def wrap_outputs(self, result: Any) -> Any:
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        self.n_outputs = len(outputs)
        outputs, self.output_positions = _through_identity(outputs, self._at_outputs)
        return outputs[0] if single else outputs

    def _spread(self, positions: list[int] | None, values: Any, size: int) -> tuple:
        """Per-tensor values placed at their argument positions, None elsewhere."""
        out: list = [None] * size
        for i, v in zip(positions or (), values):
            out[i] = v
        return tuple(out)

    # the node hooks are named `hook`, as PyTorch's wrappers are: the engine's errors about what
    # the module's hooks returned ("hook 'hook' has changed the size of value") name them
    def _at_outputs(self, node: Any) -> None:
        def hook(_: tuple, grad_output: tuple) -> tuple | None:
            self.grad_outputs = self._spread(self.output_positions, grad_output, self.n_outputs)
            for user_hook in self.pre_hooks:
                new = user_hook(self.module, self.grad_outputs)
                if new is None:
                    continue
                if len(new) != len(self.grad_outputs):
                    raise RuntimeError("Backward pre hook returned an invalid number of grad_output, "
                                       f"got {len(new)}, but expected {len(self.grad_outputs)}")
                self.grad_outputs = tuple(new)
            grad_outputs = self.grad_outputs
            if self.input_positions is None:  # no input needs a gradient: the hooks run here
                warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                              "outputs since no inputs require gradients. See "
                              "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                              "#torch.nn.Module.register_full_backward_hook for more details.",
                              stacklevel=user_stacklevel())
                grad_inputs = (None,) * self.n_inputs
                for user_hook in self.hooks:
                    new = user_hook(self.module, grad_inputs, grad_outputs)
                    if new is not None and not (isinstance(new, tuple) and all(x is None for x in new)):
                        raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                           "always return None or None for all gradients.")
                self.grad_outputs = None
            return tuple(grad_outputs[i] for i in self.output_positions or ())

        node.register_hook(hook)

    def _at_inputs(self, node: Any) -> None:
        def hook(grad_input: tuple, _: tuple) -> tuple | None:
            if self.grad_outputs is None:  # the gradient reached the inputs without the outputs (double backward)
                return None
            # PyTorch's identity node materialises the gradient of a tensor input that gets none
            # (one that does not require grad): the hooks see zeros of its shape and dtype there
            specs = self.input_specs
            filled = [zeros(shape, dtype=dtype) if g is None else g for g, (shape, dtype) in zip(grad_input, specs)]
            grads = self._spread(self.input_positions, filled, self.n_inputs)
            for user_hook in self.hooks:
                new = user_hook(self.module, grads, self.grad_outputs)
                if new is None:
                    continue
                if len(new) != len(grads):
                    raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                       f"got {len(new)}, but expected {len(grads)}")
                grads = tuple(new)
            self.grad_outputs = None
            # an input that received no gradient has nothing to pass on, whatever the hooks returned
            return tuple(None if g is None else grads[i] for g, i in zip(grad_input, self.input_positions or ()))

        node.register_hook(hook)


def _through_identity(values: tuple, attach: Callable[[Any], None]) -> tuple[tuple, list[int] | None]:
    """`values` with their tensors passed through one identity node, `attach`ed to; positions of the tensors.

    Unchanged (positions None) when no tensor requires grad or grad mode is off: nothing will flow back.
    """
    positions = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
    if not (is_grad_enabled() and any(values[i].requires_grad for i in positions)):
        return values, None
    passed = _BoundaryFunction.apply(*[values[i] for i in positions])
    node = next(t.grad_fn for t in passed if t.grad_fn is not None)
    attach(node)
    new = list(values)
    for i, t in zip(positions, passed):
        new[i] = t
    return tuple(new), positions


# --- legacy backward hooks -------------------------------------------------------------------------


def _hook_output_node(module: Module, hooks: list, args: tuple, result: Any) -> None:
    """register_backward_hook's behaviour: hooks on the node that made the (first) output tensor."""
    var = result
    while not isinstance(var, Tensor):
        var = next(v for v in var.values() if isinstance(v, Tensor)) if isinstance(var, dict) else var[0]
    node = var.grad_fn
    if node is None:
        return
    for hook in hooks:
        node.register_hook(_bound(hook, module))
    _warn_legacy(args, result, node)


def _bound(hook: Callable, module: Module) -> Callable:
    @functools.wraps(hook)  # the engine's errors about its results name the user's hook, as PyTorch's
    def call(grad_input: tuple, grad_output: tuple) -> Any:
        return hook(module, grad_input, grad_output)

    return call


_LEGACY = "Using non-full backward hooks on a Module that does not {} is deprecated and will be removed in " \
          "future versions. This hook will be missing some of the {}. Please use register_full_backward_hook " \
          "to get the documented behavior."


def _warn_legacy(inputs: Any, result: Any, node: Any) -> None:
    """PyTorch's FutureWarnings where a legacy hook cannot see the module's real gradients."""
    if isinstance(result, Tensor):
        result = (result,)
    elif not (isinstance(result, tuple) and all(isinstance(r, Tensor) for r in result)):
        warnings.warn(_LEGACY.format("return a single Tensor or a tuple of Tensors", "grad_output"),
                      FutureWarning, stacklevel=4)
        return
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    elif not (isinstance(inputs, tuple) and all(isinstance(i, Tensor) for i in inputs)):
        warnings.warn(_LEGACY.format("take as input a single Tensor or a tuple of Tensors", "grad_input"),
                      FutureWarning, stacklevel=4)
        return
    out_nodes = {r.grad_fn for r in result if r.grad_fn is not None}
    if not out_nodes or (len(out_nodes) == 1 and node not in out_nodes):
        warnings.warn("Using a non-full backward hook when outputs are nested in python data structure is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_output.", FutureWarning, stacklevel=4)
    elif len(out_nodes) > 1:
        warnings.warn("Using a non-full backward hook when outputs are generated by different autograd Nodes is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_output. Please use register_full_backward_hook to get the documented behavior.",
                      FutureWarning, stacklevel=4)
    else:
        input_nodes = {i.grad_fn for i in inputs if i.grad_fn is not None}
        next_nodes = {n for n, _ in node.next_functions}
        if input_nodes != next_nodes:
            warnings.warn("Using a non-full backward hook when the forward contains multiple autograd Nodes is "
                          "deprecated and will be removed in future versions. This hook will be missing some "
                          "grad_input. Please use register_full_backward_hook to get the documented behavior.",
                          FutureWarning, stacklevel=4)
