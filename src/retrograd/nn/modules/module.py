"""nn.Module: the base class of every layer, with PyTorch's registration rules.

Assigning a Parameter, a Module or (through `register_buffer`) a tensor to an
attribute registers it, in assignment order; `parameters()`, `state_dict()` and
friends walk those registries. Walks use explicit stacks, never recursion.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, TypeVar

from ..._display_name import package_class
from ...engine import primitive as _primitive  # (its `tracer`: retrograd.compile)
from ...engine.graph import RemovableHandle, add_keyed_hook
from ...ops.queries import typename
from ...tensor import Tensor
from ..parameter import Parameter, buffer_persistence
from . import _hooks, _state

_EXTRA_STATE_KEY_SUFFIX = _state.EXTRA_STATE  # PyTorch's name; libraries compare state-dict keys with it


class _IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"


class Module:
    """Base class for all neural-network modules; subclasses define `forward`.

    Assigning a `Parameter`, a `Module` or a buffer to an attribute in `__init__` registers it,
    so `parameters()`, `state_dict()`, `to()`, `train()`/`eval()` and `zero_grad()` find it.
    Calling the module runs its hooks around `forward`.

    Returns:
        (Module): a module; calling it runs `forward` (and the registered hooks) and returns
            what `forward` returns.

    Examples:
        >>> class TwoLayer(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = nn.Linear(4, 8)
        ...         self.out = nn.Linear(8, 1)
        ...     def forward(self, x):
        ...         return self.out(self.hidden(x).relu())
        >>> model = TwoLayer()
        >>> model(retrograd.zeros(5, 4)).shape
        retrograd.Size([5, 1])
        >>> print(", ".join(name for name, _ in model.named_parameters()))
        hidden.weight, hidden.bias, out.weight, out.bias
        >>> sum(p.numel() for p in model.parameters())
        49
    """

    training: bool
    T_destination = TypeVar("T_destination", bound=dict[str, Any])  # state_dict's destination type, as PyTorch's

    # a subclass that sets call_super_init = True has Module.__init__ pass its arguments on to the
    # next class in its MRO (cooperative multiple inheritance), as PyTorch's does
    call_super_init: bool = False


    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        package_class(cls)  # `type(layer)` reads `torch.nn.modules.linear.Linear` under the alias

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not self.call_super_init and kwargs:
            name = type(self).__name__
            raise TypeError(f"{name}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if not self.call_super_init and args:
            name = type(self).__name__
            raise TypeError(f"{name}.__init__() takes 1 positional argument but {len(args) + 1} were given")
        object.__setattr__(self, "training", True)
        # plain dicts (insertion-ordered), as PyTorch keeps them; its hook registries stay OrderedDicts
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", {})
        _init_hook_dicts(self)
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it (calling a module runs it, with the hooks)."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # --- calling -----------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        compiled = self.__dict__.get("_compiled_call_impl")
        if compiled is not None:  # `module.compile()`
            return compiled(*args, **kwargs)
        if (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks
                or _hooks.any_global()):
            return _hooks.call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_impl(self, *args: Any, **kwargs: Any) -> Any:
        """A call of this module (hooks and forward), without the compiled code `compile()` may have set."""
        if (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks
                or _hooks.any_global()):
            return _hooks.call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """Compile this module's calls in place with `retrograd.compile(..., *args, **kwargs)` (as PyTorch's
        `Module.compile`): later calls run the generated code; `state_dict` keys do not change."""
        compiler = importlib.import_module("retrograd.compiler")  # compile sits above nn
        self.__dict__["_compiled_call_impl"] = compiler.compile(self._call_impl, *args, **kwargs)

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """`hook(module, args)` runs before forward and may return new args (a single value counts as one).

        With `with_kwargs`, `hook(module, args, kwargs)` may return a new `(args, kwargs)` pair.
        `prepend` runs it before the hooks already registered.
        """
        flags = (self._forward_pre_hooks_with_kwargs,) if with_kwargs else ()
        return add_keyed_hook(self._forward_pre_hooks, hook, prepend, flags,
                               extra=(self._forward_pre_hooks_with_kwargs,))

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """`hook(module, args, output)` runs after forward and may return a new output.

        With `with_kwargs` it is called as `hook(module, args, kwargs, output)`; with `always_call`
        it also runs when forward raises (with output None); `prepend` runs it first.
        """
        flags = ((self._forward_hooks_with_kwargs,) if with_kwargs else ()) + (
            (self._forward_hooks_always_called,) if always_call else ())
        return add_keyed_hook(self._forward_hooks, hook, prepend, flags,
                               extra=(self._forward_hooks_with_kwargs, self._forward_hooks_always_called))

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(module, grad_output)` runs when the gradients of the module's outputs are known.

        It may return a replacement for `grad_output` (a tuple of the same length), which then
        flows into the module.
        """
        return add_keyed_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(module, grad_input, grad_output)` runs once the gradients of the module's inputs are known.

        `grad_input` holds one entry per positional argument (None where it is not a tensor that
        requires grad); the hook may return a replacement tuple of the same length.
        """
        _hooks.check_backward_kind(self._is_full_backward_hook, True)
        object.__setattr__(self, "_is_full_backward_hook", True)
        return add_keyed_hook(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook: Callable) -> RemovableHandle:
        """Deprecated: `hook(module, grad_input, grad_output)` on the node that made the module's output.

        Its gradients are that node's own, not the module's (use `register_full_backward_hook`).
        """
        _hooks.check_backward_kind(self._is_full_backward_hook, False)
        object.__setattr__(self, "_is_full_backward_hook", False)
        return add_keyed_hook(self._backward_hooks, hook)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        _init_hook_dicts(self, missing_only=True)  # pickled before these registries existed

    # --- registration ------------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        # PyTorch's order of questions: a Parameter, then a name that is already a parameter (only
        # a Parameter or None may replace it), a Module, a child's name (likewise), a Buffer or a
        # buffer's name; anything else is a plain attribute
        registries = self.__dict__
        if isinstance(value, Parameter):
            if "_parameters" not in registries:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._discard(name, keep=self._parameters)
            self.register_parameter(name, value)  # (its checks and registration hooks, as PyTorch)
        elif name in registries.get("_parameters", ()):
            if value is not None:
                raise TypeError(
                    f"cannot assign '{typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            self._parameters[name] = None
        elif isinstance(value, Module):
            if "_modules" not in registries:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._discard(name, keep=self._modules)
            self._modules[name] = _hooks.registered_value(_hooks.global_module_registration_hooks, self, name, value)
        elif name in registries.get("_modules", ()):
            if value is not None:
                raise TypeError(
                    f"cannot assign '{typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            self._modules[name] = _hooks.registered_value(_hooks.global_module_registration_hooks, self, name, None)
        else:
            self._set_buffer_or_attribute(name, value)

    def _set_buffer_or_attribute(self, name: str, value: Any) -> None:
        """`__setattr__`'s last questions: an nn.Buffer (or UninitializedBuffer) registers; a value
        for an existing buffer's name replaces it, keeping its persistence; anything else is a
        plain attribute."""
        persistent = buffer_persistence(value)
        if persistent is None and name not in self.__dict__.get("_buffers", ()):
            object.__setattr__(self, name, value)
            return
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(
                f"cannot assign '{typename(value)}' as buffer '{name}' (torch.nn.Buffer, torch.Tensor or None expected)"
            )
        if persistent is None:
            persistent = name not in self._non_persistent_buffers_set
        self.register_buffer(name, value, persistent=persistent)

    def _discard(self, name: str, keep: dict | None = None) -> None:
        """Forget `name` everywhere but in `keep`, whose entry is replaced in place (it keeps its position)."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        if keep is not self._buffers:
            self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a None placeholder) under `name`."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name(self, "parameter", name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{typename(param)}' object to parameter '{name}' (torch.nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created explicitly. "
                f"To express '{name}' as a function of another Tensor, compute the value in the forward() method."
            )
        if param is not None:
            param = _hooks.registered_value(_hooks.global_parameter_registration_hooks, self, name, param)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter (saved in state_dict if persistent)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name(self, "buffer", name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{typename(tensor)}' object to buffer '{name}' (torch Tensor or None required)"
            )
        self._buffers[name] = _hooks.registered_value(_hooks.global_buffer_registration_hooks, self, name, tensor)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under `name`."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        _check_name(self, "module", name, self._modules)
        self._modules[name] = _hooks.registered_value(_hooks.global_module_registration_hooks, self, name, module)

    register_module = add_module

    # --- walking the tree --------------------------------------------------------------------

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Every module of the tree (this one first), depth-first, with dotted names."""
        seen = memo if memo is not None else set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(
        self, get_members_fn: Callable[[Module], Any], prefix: str = "", recurse: bool = True,
        remove_duplicate: bool = True,
    ) -> Iterator[tuple[str, Any]]:  # fmt: skip
        """(dotted name, member) pairs of the tree, from `get_members_fn(module)`: a module's own
        (name, member) pairs. PyTorch's private helper, which Pyro's PyroModule calls too."""
        # as PyTorch: without removing duplicates, a module that appears twice is walked twice too
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        seen = set()
        for mod_name, module in modules:
            for name, value in get_members_fn(module):
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{mod_name}.{name}" if mod_name else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs in registration order; shared parameters once."""
        # a generator of its own, as PyTorch's: printed, it reads `Module.named_parameters`
        yield from self._named_members(_own_parameters, prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members(_own_buffers, prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> Module:
        """The submodule at dotted path `target` ("" is this module); AttributeError naming the step that fails."""
        module = self
        for item in target.split(".") if target else []:
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Put `module` at dotted path `target`; with `strict`, the name must already exist there."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        path, _, name = target.rpartition(".")
        parent = self.get_submodule(path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path `target`."""
        return self._get_member(target, Parameter, "nn.Parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path `target`."""
        return self._get_member(target, None, "buffer")

    def _get_member(self, target: str, kind: type | None, kind_name: str) -> Any:
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        value = getattr(module, name)
        if not (isinstance(value, kind) if kind is not None else name in module._buffers):
            raise AttributeError(f"`{name}` is not {'an' if kind_name[0] in 'an' else 'a'} {kind_name}")
        return value

    # --- modes and bulk changes ----------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch-norm updating statistics) on the tree.

        As PyTorch's: sets `training` and calls each child's `train(mode)`, so a submodule that
        overrides `train` runs its own (GPyTorch's variational strategies clear their caches there).
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all parameters (to None by default)."""
        for p in self.parameters():
            grad = p.grad
            if grad is None:
                if _primitive.tracer is not None:  # retrograd.compile: a later call may find a .grad to reset
                    _primitive.tracer.reset_grad(p, set_to_none)
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = grad = grad.detach()
                grad.zero_()

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call `fn` on every submodule, children before parents (post-order, as in PyTorch)."""
        order: list[Module] = []
        stack: list[tuple[Module, bool]] = [(self, False)]
        while stack:
            module, expanded = stack.pop()
            if expanded:
                order.append(module)
                continue
            stack.append((module, True))
            stack.extend((child, False) for child in reversed(list(module.children())))
        for module in order:
            fn(module)
        return self

    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
        """`fn` on each parameter (its data swapped in the same Parameter object) and buffer, children first.

        `to`, `float`, `cuda`, ... go through it, so a subclass that overrides it (to move tensors
        it keeps in plain attributes, say) is honoured, as in PyTorch.
        """
        from ...engine.grad_mode import no_grad

        if recurse:
            for child in self.children():
                child._apply(fn)
        with no_grad():
            for key, p in list(self._parameters.items()):
                if p is not None:
                    new = fn(p)
                    # PyTorch reads each parameter's `.grad` here, which warns for a non-leaf one
                    # (learn2learn's `clone_module` puts such tensors in `_parameters`, then `_apply`s)
                    p.grad  # noqa: B018
                    if new is not p:
                        self._parameters[key] = _converted_parameter(p, new, fn)
            for name, b in self._buffers.items():
                if b is not None:
                    self._buffers[name] = fn(b)
        return self

    def _apply_to_tensors(self, convert: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
        # `_apply(fn)` alone, as PyTorch calls it: overrides with another second parameter
        # (torchmetrics' `Metric._apply(fn, exclude_state="")`) must still work
        return self._apply(convert) if recurse else self._apply(convert, recurse=False)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move/cast parameters and buffers: `to(dtype)`, `to(device)`, `to(device, dtype)`, `to(tensor)`,
        `to(memory_format=)`.

        Only floating-point and complex tensors change dtype (integer buffers keep theirs), and the
        dtype asked for must be one of those kinds, as in PyTorch. `memory_format` re-lays out the
        4-D and 5-D tensors (conv weights; `channels_last` on a 5-D one raises PyTorch's rank error)
        and leaves the others alone.
        """
        layout = kwargs.pop("memory_format", None)
        target, device = _to_arguments(args, kwargs)
        if target is not None:
            if not (target.is_floating_point or target.is_complex):
                raise TypeError(
                    f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={target}"
                )
            if target.is_complex:
                warnings.warn(
                    "Complex modules are a new feature under active development whose design may change, and some "
                    "modules might not work as expected when using complex tensors as parameters or buffers. Please "
                    "file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a "
                    "complex module does not work as expected.",
                    stacklevel=2,
                )

        def convert(t: Tensor) -> Tensor:
            cast = target if t.is_floating_point() or t.is_complex() else None
            laid = {"memory_format": layout} if layout is not None and t.dim() in (4, 5) else {}
            return t.to(device=device, dtype=cast, **laid)

        return self._apply_to_tensors(convert)

    def to_empty(self, *, device: Any, recurse: bool = True) -> Module:
        """Give every parameter and buffer new uninitialized memory on `device` (same shapes and dtypes)."""
        from ...ops.creation import empty_like

        return self._apply_to_tensors(lambda t: empty_like(t, device=device), recurse)

    def share_memory(self) -> Module:
        """`share_memory_()` on every parameter and buffer (see `Tensor.share_memory_`)."""
        return self._apply_to_tensors(lambda t: t.share_memory_())

    def float(self) -> Module:
        from ...dtypes import float32

        return self._apply_to_tensors(lambda t: t.to(float32) if t.is_floating_point() else t)

    def double(self) -> Module:
        from ...dtypes import float64

        return self._apply_to_tensors(lambda t: t.to(float64) if t.is_floating_point() else t)

    def half(self) -> Module:
        from ...dtypes import float16

        return self._apply_to_tensors(lambda t: t.to(float16) if t.is_floating_point() else t)

    def bfloat16(self) -> Module:
        """Floating-point parameters and buffers converted to bfloat16."""
        from ...dtypes import bfloat16

        return self._apply_to_tensors(lambda t: t.to(bfloat16) if t.is_floating_point() else t)

    def cpu(self) -> Module:
        """Parameters and buffers moved to the CPU."""
        return self._apply_to_tensors(lambda t: t.cpu())

    def cuda(self, device: Any = None) -> Module:
        """Parameters and buffers moved to a CUDA device (the current one, or `device`)."""
        return self._apply_to_tensors(lambda t: t.cuda(device))

    def type(self, dst_type: Any) -> Module:
        """Every parameter and buffer cast to `dst_type` (a dtype, or a tensor type or its name), whatever
        its kind: a parameter that requires grad refuses an integer type (Tensor.data's RuntimeError)."""
        return self._apply_to_tensors(lambda t: t.type(dst_type))

    # --- state ------------------------------------------------------------------------------------

    _version: int = 1  # PyTorch's per-class state-dict version, stored in `state_dict()._metadata`

    def state_dict(self, *, destination: Any = None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """Parameters, persistent buffers and extra states by dotted name (detached unless keep_vars).

        Runs the state-dict hooks; a fresh dict carries `_metadata` (each module's `_version`) as
        PyTorch's does.
        """
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()  # type: ignore[attr-defined]
        return _state.save_tree(self, destination, prefix, keep_vars)

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> _IncompatibleKeys:
        """Copy tensors from `state_dict` into parameters and buffers with the same names (or, with
        `assign`, make them those tensors); with `strict`, every key must match."""
        return _state.load_tree(self, state_dict, strict, assign)

    def _save_to_state_dict(self, destination: Any, prefix: str, keep_vars: bool) -> None:
        """This module's own entries (not its children's); subclasses may override it."""
        _state.save_own(self, destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict: Any, prefix: str, local_metadata: dict, strict: bool,
                              missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:
        """Load this module's own entries from `state_dict` (keys under `prefix`); subclasses may override it
        (to rename old keys, say) and call this."""
        _state.load_own(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)

    def get_extra_state(self) -> Any:
        """Override (with `set_extra_state`) to store more than tensors in the state dict, as `_extra_state`."""
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called. Please file an issue "
            "at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug."
        )

    def set_extra_state(self, state: Any) -> None:
        """Override (with `get_extra_state`) to restore what `get_extra_state` returned."""
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called. Please file an issue "
            "at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug."
        )

    def register_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, prefix, keep_vars)` runs before this module's entries are saved."""
        return add_keyed_hook(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, state_dict, prefix, local_metadata)` runs once this module's subtree is saved; it may
        change `state_dict` in place and must return None."""
        hook._from_public_api = True  # type: ignore[attr-defined]
        return add_keyed_hook(self._state_dict_hooks, hook)

    def _register_state_dict_hook(self, hook: Callable) -> RemovableHandle:
        """The older, private post hook: on the root module it may return a new state dict."""
        if getattr(hook, "_from_public_api", False):
            raise RuntimeError("Cannot register the same function as the state dict post hook that was "
                               "previously registered via register_state_dict_post_hook")
        return add_keyed_hook(self._state_dict_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)`
        runs before this module loads its entries (it may rename keys in `state_dict`)."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def _register_load_state_dict_pre_hook(self, hook: Callable, with_module: bool = False) -> RemovableHandle:
        call = functools.partial(hook, self) if with_module else hook
        return add_keyed_hook(self._load_state_dict_pre_hooks, call)

    def register_load_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, incompatible_keys)` runs once this module's subtree is loaded; it may edit the
        missing and unexpected key lists in place (before `strict` judges them)."""
        return add_keyed_hook(self._load_state_dict_post_hooks, hook)

    # --- printing ---------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside this module's parentheses; subclasses override it."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        from ._state import module_repr

        return module_repr(self)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))


def _own_parameters(module: Module) -> Any:
    return module._parameters.items()


def _own_buffers(module: Module) -> Any:
    return module._buffers.items()


def _converted_parameter(p: Parameter, new: Tensor, fn: Callable[[Tensor], Tensor]) -> Parameter:
    """`_apply`'s result for parameter `p` that `fn` turned into `new` (its grad converted too).

    As in PyTorch, the same Parameter object with its data swapped, unless the move is to or from
    "meta" (PyTorch cannot swap data across that boundary): then a new Parameter, so each module
    holding a tied weight gets its own and the tie comes apart (`model.tie_weights()` remakes it).
    """
    if (p.device.type == "meta") == (new.device.type == "meta"):  # (device: an uninitialized one has no data)
        p.data = new
        if p._grad is not None:
            p._grad = fn(p._grad)
        return p
    out = Parameter(new, p.requires_grad)
    if p._grad is not None:
        out.grad = fn(p._grad).requires_grad_(p._grad.requires_grad)
    return out


def _check_name(module: Module, kind: str, name: Any, registry: dict) -> None:
    """PyTorch's checks of a name to register: a string, no ".", not empty, not another attribute."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain ".", got: {name}' if kind == "module" else
                       f'{kind} name can\'t contain "."')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(module, name) and name not in registry:
        raise KeyError(f"attribute '{name}' already exists")


def _to_arguments(args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """(dtype, device) of a `Module.to` call, each None when not given (PyTorch's `_parse_to`)."""
    from ...dtypes import dtype

    target, device = kwargs.get("dtype"), kwargs.get("device")
    for a in args:
        if isinstance(a, dtype):
            target = a
        elif isinstance(a, Tensor):
            target, device = a.dtype, a.device
        elif not isinstance(a, bool):  # a device, its name or its index; a bool is non_blocking
            device = a
    return target, device


_HOOK_DICTS = (
    "_forward_hooks", "_forward_hooks_with_kwargs", "_forward_hooks_always_called", "_forward_pre_hooks",
    "_forward_pre_hooks_with_kwargs", "_backward_hooks", "_backward_pre_hooks", "_state_dict_hooks",
    "_state_dict_pre_hooks", "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks",
)


def _init_hook_dicts(module: Module, missing_only: bool = False) -> None:
    """The hook registries PyTorch's modules carry, under PyTorch's names (its pickles restore them as they are)."""
    for name in _HOOK_DICTS:
        if not missing_only or name not in module.__dict__:
            object.__setattr__(module, name, OrderedDict())
    if not missing_only or "_is_full_backward_hook" not in module.__dict__:
        object.__setattr__(module, "_is_full_backward_hook", None)


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """A forward pre-hook every module runs, before its own: `hook(module, args)`."""
    return add_keyed_hook(_hooks.global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: Callable, *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """A forward hook every module runs, before its own: `hook(module, args, output)`."""
    flags = ((_hooks.global_forward_hooks_with_kwargs,) if with_kwargs else ()) + (
        (_hooks.global_forward_hooks_always_called,) if always_call else ())
    return add_keyed_hook(_hooks.global_forward_hooks, hook, flags=flags,
                           extra=(_hooks.global_forward_hooks_with_kwargs, _hooks.global_forward_hooks_always_called))


def register_module_full_backward_pre_hook(hook: Callable) -> RemovableHandle:
    """A backward pre-hook every module runs, before its own: `hook(module, grad_output)`."""
    return add_keyed_hook(_hooks.global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook: Callable) -> RemovableHandle:
    """A full backward hook every module runs, before its own: `hook(module, grad_input, grad_output)`."""
    _hooks.check_backward_kind(_hooks.global_backward_is_full[0], True)
    _hooks.global_backward_is_full[0] = True
    return add_keyed_hook(_hooks.global_backward_hooks, hook)


def register_module_backward_hook(hook: Callable) -> RemovableHandle:
    """Deprecated: a legacy backward hook every module runs (see `Module.register_backward_hook`)."""
    _hooks.check_backward_kind(_hooks.global_backward_is_full[0], False)
    _hooks.global_backward_is_full[0] = False
    return add_keyed_hook(_hooks.global_backward_hooks, hook)


def register_module_buffer_registration_hook(hook: Callable) -> RemovableHandle:
    """A hook every `register_buffer` runs: `hook(module, name, buffer)`, returning None or a new buffer."""
    return add_keyed_hook(_hooks.global_buffer_registration_hooks, hook)


def register_module_parameter_registration_hook(hook: Callable) -> RemovableHandle:
    """A hook every `register_parameter` runs: `hook(module, name, param)`, returning None or a new parameter."""
    return add_keyed_hook(_hooks.global_parameter_registration_hooks, hook)


def register_module_module_registration_hook(hook: Callable) -> RemovableHandle:
    """A hook every child registration runs: `hook(module, name, submodule)`, returning None or a new submodule."""
    return add_keyed_hook(_hooks.global_module_registration_hooks, hook)


package_class(Module)  # (its subclasses register themselves: `__init_subclass__`)
