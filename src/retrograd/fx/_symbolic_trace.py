"""`torch.fx.Tracer` and `symbolic_trace`: run a module's forward on proxies and record a graph.

While a trace runs, calls of modules go through `Tracer.call_module` (torch.nn's own modules
stay one `call_module` node: `is_leaf_module`), reads of parameters become `get_attr` nodes,
and the functions named to `wrap` become `call_function` nodes instead of being traced
through. PyTorch does this by patching `Module.__call__`, `Module.__getattr__` and the wrapped
functions' globals for the duration of the trace; so does this module, and it puts them back
when the trace ends.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import math
import sys
from collections.abc import Callable
from itertools import chain
from types import FunctionType, ModuleType
from typing import Any

from ..nn.modules.container import Sequential
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from ..tensor import Tensor
from .graph import Graph
from .graph_module import GraphModule
from .node import Argument
from .proxy import ParameterProxy, Proxy, Scope, ScopeContextManager, TracerBase

__all__ = ["Tracer", "is_fx_tracing", "symbolic_trace", "wrap"]

_is_fx_tracing_flag = False
# (globals dict id, name) -> globals dict, for each `wrap(...)` made at a module's top level
_wrapped_fns_to_patch: dict[tuple[int, str], dict[str, Any]] = {}
_orig_module_call = Module.__call__
_orig_module_getattr = Module.__getattr__


def is_fx_tracing() -> bool:
    """Whether a symbolic trace is running."""
    return _is_fx_tracing_flag


class _Patcher:
    """Sets attributes and dict entries for the duration of a trace, and restores them after."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []
        self._patched: set[tuple[int, str]] = set()

    def patch(self, frame_dict: dict[str, Any], name: str, new_fn: Callable[..., Any]) -> None:
        if (id(frame_dict), name) in self._patched:
            return
        self._patched.add((id(frame_dict), name))
        if name in frame_dict:
            orig = frame_dict[name]
            self._undo.append(lambda: frame_dict.__setitem__(name, orig))
        else:
            self._undo.append(lambda: frame_dict.pop(name, None))
        frame_dict[name] = new_fn

    def patch_method(self, cls: type, name: str, new_fn: Callable[..., Any]) -> None:
        orig = cls.__dict__[name]
        self._undo.append(lambda: setattr(cls, name, orig))
        setattr(cls, name, new_fn)

    def __enter__(self) -> _Patcher:
        return self

    def __exit__(self, *args: Any) -> None:
        while self._undo:
            self._undo.pop()()


def _positional_only(fn: Callable[..., Any], nargs: int) -> Callable[..., Any]:
    """`fn` taking its keyword-only parameters, its `*args` tuple and its `**kwargs` dict as `nargs`
    positional parameters, so a trace can pass one placeholder proxy for each (as PyTorch does)."""
    co = fn.__code__
    flags = co.co_flags & ~(inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
    code = co.replace(co_argcount=nargs, co_posonlyargcount=0, co_kwonlyargcount=0, co_flags=flags)
    return FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)


def _assert_is_none(value: Any, msg: str) -> None:
    """The check a trace records for a parameter specialized to None."""
    assert value is None, msg


def _find_proxy(args: Any, kwargs: Any) -> Proxy | None:
    for a in chain(args, kwargs.values()):
        if isinstance(a, Proxy):
            return a
        if isinstance(a, (list, tuple)):
            for item in a:
                if isinstance(item, Proxy):
                    return item
    return None


def _create_wrapped_func(orig_fn: Callable[..., Any]) -> Callable[..., Any]:
    """`orig_fn`, recorded as one `call_function` node when a proxy is among its arguments."""

    @functools.wraps(orig_fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        proxy = _find_proxy(args, kwargs)
        if proxy is not None:
            return_proxy = proxy.tracer.create_proxy("call_function", orig_fn, args, kwargs)
            return_proxy.node.meta["is_wrapped"] = True
            return return_proxy
        return orig_fn(*args, **kwargs)

    return wrapped


def _autowrap_check(patcher: _Patcher, frame_dict: dict[str, Any], function_ids: set[int]) -> None:
    """Wrap the functions of `frame_dict` whose ids are in `function_ids` (math's, by default)."""
    for name, value in list(frame_dict.items()):
        if not name.startswith("_") and callable(value) and id(value) in function_ids:
            patcher.patch(frame_dict, name, _create_wrapped_func(value))


class Tracer(TracerBase):
    """Records a module's forward (or a function) as a Graph; subclass it to choose the leaf
    modules (`is_leaf_module`) or what a module call records (`call_module`)."""

    def __init__(
        self,
        autowrap_modules: tuple[ModuleType, ...] = (math,),
        autowrap_functions: tuple[Callable[..., Any], ...] = (),
        param_shapes_constant: bool = False,
    ) -> None:
        super().__init__()
        self._autowrap_function_ids = {
            id(value)
            for name, value in chain.from_iterable(m.__dict__.items() for m in autowrap_modules)
            if not name.startswith("_") and callable(value)
        }
        self._autowrap_function_ids.update(id(f) for f in autowrap_functions)
        self._autowrap_search = list(autowrap_modules)
        self.param_shapes_constant = param_shapes_constant
        self.submodule_paths: dict[Module, str] | None = None
        self.root_module_name = ""
        self.num_calls: dict[str, int] = {}
        self.tensor_attrs: dict[Tensor, str] = {}
        self._qualname_counter: dict[str, int] = {}

    # --- what becomes a node ------------------------------------------------------------------

    def create_arg(self, a: Any) -> Argument:
        """Parameters, buffers and submodules of the root become `get_attr` nodes of their paths,
        other tensors `get_attr` nodes of new `_tensor_constant<i>` attributes."""
        if isinstance(a, Parameter):
            for n, p in self.root.named_parameters():
                if a is p:
                    return self.create_node("get_attr", n, (), {})
            raise NameError("parameter is not a member of this module")
        if isinstance(a, Tensor):
            for n_, p_ in self.root.named_buffers():
                if a is p_:
                    return self.create_node("get_attr", n_, (), {})
        elif isinstance(a, Module):
            for path, mod in self.root.named_modules():
                if a is mod:
                    return self.create_node("get_attr", path, (), {})
        if isinstance(a, Tensor):
            qualname = next((q for t, q in self.tensor_attrs.items() if t is a), None)
            if not qualname:
                qualname = self.get_fresh_qualname("_tensor_constant")
                setattr(self.root, qualname, a)
                self.tensor_attrs[a] = qualname
            return self.create_node("get_attr", qualname, (), {})
        return super().create_arg(a)

    def get_fresh_qualname(self, prefix: str) -> str:
        """`<prefix><i>`, the first such name the root does not have."""
        i = self._qualname_counter.get(prefix, 0)
        while hasattr(self.root, f"{prefix}{i}"):
            i += 1
        self._qualname_counter[prefix] = i + 1
        return f"{prefix}{i}"

    def is_leaf_module(self, m: Module, module_qualified_name: str) -> bool:
        """Whether a call of `m` is one `call_module` node: torch.nn's own modules (not Sequential)."""
        module = type(m).__module__
        from_nn = module.startswith(("torch.nn", "torch.ao.nn", "retrograd.nn", "retrograd.ao.nn"))
        return from_nn and not isinstance(m, Sequential)

    def path_of_module(self, mod: Module) -> str:
        """The dotted path of `mod` in the root."""
        if self.submodule_paths:
            path = self.submodule_paths.get(mod)
            if path is None:
                raise NameError("module is not installed as a submodule")
            return path
        for n, p in self.root.named_modules():
            if mod is p:
                return n
        raise NameError("module is not installed as a submodule")

    def call_module(self, m: Module, forward: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A module call while tracing: one `call_module` node for a leaf, else its forward traced through."""
        module_qualified_name = self.path_of_module(m)
        with ScopeContextManager(self.scope, Scope(module_qualified_name, type(m))) as scope:
            self.module_stack[scope.module_path] = (module_qualified_name, scope.module_type)
            if not self.is_leaf_module(m, module_qualified_name):
                ret_val = forward(*args, **kwargs)
            else:
                ret_val = self.create_proxy("call_module", module_qualified_name, args, kwargs)
            self.module_stack.popitem(last=True)
        return ret_val

    def getattr(self, attr: str, attr_val: Any, parameter_proxy_cache: dict[str, Any]) -> Any:
        """A module attribute read while tracing: a root parameter is a `get_attr` proxy (one per
        parameter), and so is a buffer when the tracer sets `proxy_buffer_attributes`."""
        if isinstance(attr_val, Parameter):
            proxy = self._attr_proxy(attr_val, self.root.named_parameters(), parameter_proxy_cache)
            if proxy is not None:
                return proxy
        if self.proxy_buffer_attributes and isinstance(attr_val, Tensor):
            proxy = self._attr_proxy(attr_val, self.root.named_buffers(), parameter_proxy_cache)
            if proxy is not None:
                return proxy
        return attr_val

    def _attr_proxy(self, attr_val: Tensor, named: Any, cache: dict[str, Any]) -> Proxy | None:
        """The `get_attr` proxy of the root's parameter or buffer `attr_val`, made on first use."""
        for n, p in named:
            if attr_val is p:
                if n not in cache:
                    kwargs: dict[str, Any] = {}
                    if "proxy_factory_fn" in inspect.signature(self.create_proxy).parameters:
                        kwargs["proxy_factory_fn"] = (
                            (lambda node, n=n: ParameterProxy(self, node, n, attr_val))
                            if self.param_shapes_constant
                            else None
                        )
                    cache[n] = self.create_proxy("get_attr", n, (), {}, **kwargs)
                return cache[n]
        return None

    # --- the trace ----------------------------------------------------------------------------

    def create_args_for_root(
        self, root_fn: Callable[..., Any], is_module: bool, concrete_args: dict[str, Any] | None = None
    ) -> tuple[Callable[..., Any], list[Any]]:
        """The arguments the traced function is called with: the root module, then one placeholder
        proxy per parameter (a constant for the names in `concrete_args`)."""
        fn = inspect.unwrap(root_fn)
        co = fn.__code__
        total = co.co_argcount + co.co_kwonlyargcount
        names = list(co.co_varnames[:total])
        if co.co_flags & inspect.CO_VARARGS:
            names.append("*" + co.co_varnames[total])
        if co.co_flags & inspect.CO_VARKEYWORDS:
            names.append("**" + co.co_varnames[total + bool(co.co_flags & inspect.CO_VARARGS)])
        args: list[Any] = []
        if is_module:
            if not names:
                raise RuntimeError("``self`` argument cannot be part of *args expansion!")
            names = names[1:]
            args.append(self.root)
        sig = inspect.signature(fn)
        # (retrograd's own forwards are annotated where PyTorch's are not: Sequential's `input: Any`)
        annotations = {} if str(fn.__module__).startswith("retrograd.") else fn.__annotations__
        for name in names:
            param = sig.parameters.get(name)
            default = () if param is None or param.default is inspect.Parameter.empty else (param.default,)
            if concrete_args is not None and name in concrete_args:
                args.append(self._concrete_arg(name, default, concrete_args[name]))
            else:
                args.append(self.create_proxy("placeholder", name, default, {}, type_expr=annotations.get(name)))
        if total != co.co_argcount or co.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
            root_fn = _positional_only(root_fn, len(args))
        return root_fn, args

    def _concrete_arg(self, name: str, default: tuple[Any, ...], value: Any) -> Any:
        """A placeholder `<name>_1` for a parameter given a constant, and an assertion that calls pass that constant."""
        out = self.create_proxy("placeholder", f"{name}_1", default, {})
        message = f"{name} has been specialized to have value {value} but got another value"
        if value is None:
            self.create_proxy("call_function", _assert_is_none, (out, message), {})
        elif isinstance(value, (bool, int, float, complex, str)):
            sys.modules["retrograd"]._assert(out == value, message)
        return value

    def trace(self, root: Module | Callable[..., Any], concrete_args: dict[str, Any] | None = None) -> Graph:
        """Run `root` (a module's forward, or a function) on placeholder proxies and return the graph."""
        global _is_fx_tracing_flag
        old_flag, _is_fx_tracing_flag = _is_fx_tracing_flag, True
        try:
            if isinstance(root, Module):
                self.root = root
                fn = getattr(type(root), self.traced_func_name)
                self.root_module_name = root._get_name()
                self.submodule_paths = {mod: name for name, mod in root.named_modules()}
            else:
                self.root = Module()
                fn = root
            self.graph = Graph(tracer_cls=getattr(self, "__class__", None))
            if hasattr(fn, "__code__"):
                code = fn.__code__
                self.graph._co_fields = {
                    "co_name": code.co_name,
                    "co_filename": code.co_filename,
                    "co_firstlineno": code.co_firstlineno,
                }
            self.tensor_attrs = {}
            self._collect_tensor_attrs(self.root, [])
            if not isinstance(fn, FunctionType):
                raise AssertionError(f"traced function is not a Python function: {fn}")
            fn_globals = fn.__globals__
            fn, args = self.create_args_for_root(fn, isinstance(root, Module), concrete_args)
            with _Patcher() as patcher:
                self._patch_modules(patcher)
                _patch_wrapped_functions(patcher)
                _autowrap_check(patcher, fn_globals, self._autowrap_function_ids)
                for module in self._autowrap_search:
                    _autowrap_check(patcher, module.__dict__, self._autowrap_function_ids)
                result = fn(*args)
                self.create_node(
                    "output", "output", (self.create_arg(result),), {}, type_expr=fn.__annotations__.get("return")
                )
            self.submodule_paths = None
        finally:
            _is_fx_tracing_flag = old_flag
        return self.graph

    def _collect_tensor_attrs(self, m: Module, prefix_atoms: list[str]) -> None:
        """Note the plain tensor attributes of the modules (not parameters or buffers) by path."""
        stack = [(m, prefix_atoms)]
        while stack:
            mod, prefix = stack.pop()
            for k, v in mod.__dict__.items():
                if isinstance(v, Tensor):
                    self.tensor_attrs[v] = ".".join([*prefix, k])
            stack.extend((child, [*prefix, name]) for name, child in reversed(list(mod.named_children())))

    def _patch_modules(self, patcher: _Patcher) -> None:
        parameter_proxy_cache: dict[str, Any] = {}
        tracer = self

        @functools.wraps(_orig_module_getattr)
        def module_getattr_wrapper(mod: Module, attr: str) -> Any:
            return tracer.getattr(attr, _orig_module_getattr(mod, attr), parameter_proxy_cache)

        @functools.wraps(_orig_module_call)
        def module_call_wrapper(mod: Module, *args: Any, **kwargs: Any) -> Any:
            def forward(*args: Any, **kwargs: Any) -> Any:
                return _orig_module_call(mod, *args, **kwargs)

            forward_globals = getattr(getattr(mod, "forward", mod), "__globals__", {})
            _autowrap_check(patcher, forward_globals, tracer._autowrap_function_ids)
            return tracer.call_module(mod, forward, args, kwargs)

        patcher.patch_method(Module, "__getattr__", module_getattr_wrapper)
        patcher.patch_method(Module, "__call__", module_call_wrapper)


def _patch_wrapped_functions(patcher: _Patcher) -> None:
    """Make the functions named to `wrap` record `call_function` nodes in their modules' globals."""
    for (_, name), frame_dict in list(_wrapped_fns_to_patch.items()):
        if name in frame_dict:
            orig_fn = frame_dict[name]
        elif hasattr(builtins, name):
            orig_fn = getattr(builtins, name)
        else:  # named to `wrap` in a module that never defined it: nothing to patch (PyTorch's trace raises)
            continue
        patcher.patch(frame_dict, name, _create_wrapped_func(orig_fn))


def symbolic_trace(root: Module | Callable[..., Any], concrete_args: dict[str, Any] | None = None) -> GraphModule:
    """Trace `root` into a GraphModule whose `code` computes the same as its forward.

    Examples:
        >>> gm = retrograd.fx.symbolic_trace(lambda x: retrograd.relu(x) * 2)
        >>> gm(retrograd.tensor([-1.0, 3.0]))
        tensor([0., 6.])
    """
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = root.__class__.__name__ if isinstance(root, Module) else root.__name__
    return GraphModule(tracer.root, graph, name)


def wrap(fn_or_name: str | Callable[..., Any]) -> str | Callable[..., Any]:
    """Make a module-level function (or the builtin of that name) one `call_function` node of
    later traces instead of being traced through; call it at the top level of the module that
    calls the function (torchvision's `roi_align`, `drop_block2d`).

    Raises:
        RuntimeError: the argument is neither a callable nor a name.
        NotImplementedError: called inside a function rather than at a module's top level.

    Examples:
        >>> retrograd.fx.wrap(len) is len
        True
    """
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    if callable(fn_or_name):
        fn_name = fn_or_name.__code__.co_name if hasattr(fn_or_name, "__code__") else fn_or_name.__name__
    else:
        fn_name = fn_or_name
    caller = sys._getframe(1)
    if caller.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    _wrapped_fns_to_patch[(id(caller.f_globals), fn_name)] = caller.f_globals
    return fn_or_name
