"""`torch.fx.node`: `Node`, one operation of an FX graph, and `map_arg`/`map_aggregate`, which
walk the (possibly nested) arguments of a node.

A node is a call (`call_function` of a callable, `call_method` of a method name on its first
argument, `call_module` of a submodule's path), an input (`placeholder`), a read of an attribute
of the root module (`get_attr`) or the graph's result (`output`). Its `args` and `kwargs` hold
other nodes wherever the value of that node is used; each node keeps its `users` in order.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _assert, functional
from .._display_name import package_name

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["Argument", "Node", "Target", "has_side_effect", "map_aggregate", "map_arg"]

Target = Any  # a callable (call_function) or a name/path (the other ops)
Argument = Any  # a Node, a constant, or a tuple/list/dict/slice of arguments

_OPS = ("placeholder", "call_method", "call_module", "call_function", "get_attr", "output", "root")

# The functions dead-code elimination keeps even when nothing uses their result.
_SIDE_EFFECTFUL: set[Callable[..., Any]] = {_assert}


def has_side_effect(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark `fn` as having side effects: dead-code elimination keeps its calls."""
    _SIDE_EFFECTFUL.add(fn)
    return fn


def map_aggregate(a: Argument, fn: Callable[[Argument], Argument]) -> Argument:
    """`a` with `fn` applied to each leaf of its tuples (named ones keep their type), lists,
    dicts and slices."""
    if isinstance(a, tuple):
        items = [map_aggregate(elem, fn) for elem in a]
        return type(a)(*items) if hasattr(a, "_fields") else tuple(items)
    if isinstance(a, list):
        return [map_aggregate(elem, fn) for elem in a]
    if isinstance(a, dict):
        return {k: map_aggregate(v, fn) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn), map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a: Argument, fn: Callable[[Node], Argument]) -> Argument:
    """`a` with `fn` applied to each Node in it (the other leaves stay)."""
    if not callable(fn):
        raise AssertionError("torch.fx.map_arg(a, fn): fn must be a callable")
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


# the functions of torch.nn.functional that PyTorch writes in C++ and hands out from torch._C._nn
_C_NN = frozenset({
    "avg_pool2d", "avg_pool3d", "elu_", "gelu", "hardtanh_", "leaky_relu_", "linear", "logsigmoid", "one_hot",
    "scaled_dot_product_attention", "softplus", "softshrink",
})  # fmt: skip


def _qualified_name(func: Callable[..., Any]) -> str:
    """`module.name` of a callable as generated code and printed graphs name it (`torch.add`)."""
    name = func.__name__
    if getattr(builtins, name, None) is func:
        return name
    module = getattr(func, "__module__", None) or "builtins"
    if module == "_operator":
        module = "operator"
    elif module in ("retrograd", "torch") and getattr(functional, name, None) is func:
        module = "retrograd.functional"  # where PyTorch writes split, einsum, norm, ...
    elif module.endswith("nn.functional") and name in _C_NN:
        module = "retrograd._C._nn"  # where PyTorch's C++ functions of nn.functional live
    elif module.endswith("nn.functional") and getattr(sys.modules["retrograd"], name, None) is func:
        module = "retrograd"  # `F.conv2d` is `torch.conv2d`
    elif module.partition(".")[2] in ("linalg", "fft", "special") and name.startswith(module.partition(".")[2] + "_"):
        module = "retrograd._C._" + module.partition(".")[2]  # `torch.linalg.inv` is `torch._C._linalg.linalg_inv`
    elif getattr(func, "__qualname__", "") == f"Tensor.{name}":
        module = "retrograd.Tensor"
    return f"{_display_module(module)}.{name}"


_get_qualified_name = _qualified_name  # (PyTorch's name; FX passes import it from torch.fx.node)


def _display_module(module: str) -> str:
    """retrograd's own modules under the name the program imports them as (`torch` under the alias)."""
    head, dot, rest = module.partition(".")
    return package_name() + dot + rest if head == "retrograd" else module


def _format_arg(arg: Argument) -> str:
    """An argument as `print(graph)` shows it: nodes as `%name`, containers opened."""
    if isinstance(arg, list):
        return "[" + ", ".join(_format_arg(a) for a in arg) + "]"
    if isinstance(arg, tuple):
        return "(" + ", ".join(_format_arg(a) for a in arg) + ("," if len(arg) == 1 else "") + ")"
    if isinstance(arg, dict):
        return "{" + ", ".join(f"{k}: {_format_arg(v)}" for k, v in arg.items()) + "}"
    return "%" + str(arg) if isinstance(arg, Node) else str(arg)


def _type_repr(t: Any) -> str:
    if isinstance(t, type):
        return t.__name__ if t.__module__ == "builtins" else f"{_display_module(t.__module__)}.{t.__qualname__}"
    return repr(t)


class Node:
    """One operation of a Graph: `op`, `target`, `args`/`kwargs` (holding the nodes it reads) and
    the nodes that read it (`users`). Nodes of a graph form a doubly linked list in run order."""

    def __init__(
        self,
        graph: Graph,
        name: str,
        op: str,
        target: Target,
        args: tuple[Argument, ...],
        kwargs: dict[str, Argument],
        return_type: Any = None,
    ) -> None:
        if op not in _OPS:
            raise AssertionError(f"Unexpected op {op!r}")
        if op == "call_function" and not callable(target):
            raise ValueError(
                f"Node [graph = {graph}, name = '{name}'] target {target} has type {type(target)} "
                "but a Callable is expected"
            )
        if op in ("placeholder", "call_method", "call_module", "get_attr") and not isinstance(target, str):
            raise ValueError(
                f"Node [graph = {graph}, name = '{name}'] target {target} has type {type(target)} but a str is expected"
            )
        self.graph = graph
        self.name = name
        self.op = op
        self.target = target
        self._input_nodes: dict[Node, None] = {}
        self._args: tuple[Argument, ...] = ()
        self._kwargs: dict[str, Argument] = {}
        self.users: dict[Node, None] = {}
        self.type = return_type
        self.meta: dict[str, Any] = {}
        self._prev = self
        self._next = self
        self._erased = False
        self._update_args_kwargs(args, kwargs)

    # --- place in the graph -------------------------------------------------------------------

    @property
    def next(self) -> Node:
        """The node after this one (the graph's root sentinel after the last)."""
        return self._next

    @property
    def prev(self) -> Node:
        """The node before this one."""
        return self._prev

    def prepend(self, x: Node) -> None:
        """Move `x` to just before this node."""
        if x is self:
            raise AssertionError("Cannot prepend a node to itself")
        x._remove_from_list()
        p = self._prev
        p._next, x._prev, x._next, self._prev = x, p, self, x

    def append(self, x: Node) -> None:
        """Move `x` to just after this node."""
        self._next.prepend(x)

    def _remove_from_list(self) -> None:
        p, n = self._prev, self._next
        p._next, n._prev = n, p  # (its own links stay, so an iteration standing on it goes on)

    # --- arguments and uses -------------------------------------------------------------------

    @property
    def args(self) -> tuple[Argument, ...]:
        """The positional arguments; setting them updates the uses."""
        return self._args

    @args.setter
    def args(self, a: tuple[Argument, ...]) -> None:
        self._update_args_kwargs(a, self._kwargs)

    @property
    def kwargs(self) -> dict[str, Argument]:
        """The keyword arguments; setting them updates the uses."""
        return self._kwargs

    @kwargs.setter
    def kwargs(self, k: dict[str, Argument]) -> None:
        self._update_args_kwargs(self._args, k)

    @property
    def all_input_nodes(self) -> list[Node]:
        """The nodes this one reads, each once, in the order they appear in args then kwargs."""
        return list(self._input_nodes)

    def update_arg(self, idx: int, arg: Argument) -> None:
        """Set `args[idx]`."""
        args = list(self.args)
        args[idx] = arg
        self.args = tuple(args)

    def update_kwarg(self, key: str, arg: Argument) -> None:
        """Set `kwargs[key]`."""
        self.kwargs = {**self.kwargs, key: arg}

    def _update_args_kwargs(self, new_args: tuple[Argument, ...], new_kwargs: dict[str, Argument]) -> None:
        for old in self._input_nodes:
            old.users.pop(self, None)
        self._input_nodes = {}
        self._args = map_aggregate(tuple(new_args), self._record_input)
        self._kwargs = map_aggregate(dict(new_kwargs), self._record_input)

    def _record_input(self, a: Argument) -> Argument:
        if isinstance(a, Node):
            self._input_nodes.setdefault(a)
            a.users.setdefault(self)
        return a

    def replace_all_uses_with(
        self,
        replace_with: Node,
        delete_user_cb: Callable[[Node], bool] = lambda user: True,
        *,
        propagate_meta: bool = False,
    ) -> list[Node]:
        """Make every user (for which `delete_user_cb` is true) read `replace_with` instead of this
        node; returns those users."""
        if propagate_meta:
            if replace_with.meta:
                raise AssertionError(
                    "Called node.replace_all_uses_with(replace_with, propagate_meta=True), "
                    "but replace_with already has .meta keys"
                )
            replace_with.meta.update(self.meta)
        changed = [user for user in self.users if delete_user_cb(user)]
        for user in changed:
            user.replace_input_with(self, replace_with)
        return changed

    def replace_input_with(self, old_input: Node, new_input: Node) -> None:
        """Read `new_input` wherever this node reads `old_input`."""
        swap = lambda n: new_input if n is old_input else n  # noqa: E731
        self._update_args_kwargs(map_arg(self._args, swap), map_arg(self._kwargs, swap))

    # --- queries ------------------------------------------------------------------------------

    @property
    def stack_trace(self) -> str | None:
        """The Python stack of the traced call, when the tracer recorded it."""
        return self.meta.get("stack_trace")

    @stack_trace.setter
    def stack_trace(self, trace: str | None) -> None:
        self.meta["stack_trace"] = trace

    def is_impure(self, impure_random: bool = True) -> bool:
        """Whether dead-code elimination must keep this node even when nothing reads it: inputs,
        the output, side-effectful functions and modules that set `_is_impure`."""
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_module":
            owner = self.graph.owning_module
            if owner is None:
                raise AssertionError("self.graph.owning_module not set for purity check")
            return bool(getattr(owner.get_submodule(self.target), "_is_impure", False))
        if self.op == "call_function":
            return self.target in _SIDE_EFFECTFUL
        return False

    # --- printing -----------------------------------------------------------------------------

    def __repr__(self) -> str:
        return self.name

    @staticmethod
    def _pretty_print_target(target: Target) -> str:
        """A target as `print(graph)` names it: `operator.add`, `builtins.getattr`, `torch.add`, a path."""
        if isinstance(target, str):
            return target
        module = getattr(target, "__module__", None)
        if module == "builtins":
            return f"builtins.{target.__name__}"
        if module == "_operator":
            return f"operator.{target.__name__}"
        return _qualified_name(target)

    def format_node(
        self, placeholder_names: list[str] | None = None, maybe_return_typename: list[str] | None = None
    ) -> str | None:
        """This node as one line of `print(graph)`:
        `%add : [num_users=1] = call_function[target=operator.add](args = (%x, 1), kwargs = {})`."""
        typename = f"{_type_repr(self.type)} " if self.type is not None else ""
        head = f"%{self.name} : {typename}[num_users={len(self.users)}] = {self.op}"
        if self.op == "placeholder":
            if placeholder_names:
                placeholder_names.append(self.target)
                return None
            default = f"(default={self.args[0]})" if self.args else ""
            return f"{head}[target={self.target}]{default}"
        if self.op == "get_attr":
            return f"{head}[target={self._pretty_print_target(self.target)}]"
        if self.op == "output":
            if self.type is not None and maybe_return_typename:
                maybe_return_typename[0] = f" -> {_type_repr(self.type)}"
            return f"return {self.args[0]}"
        return (
            f"{head}[target={self._pretty_print_target(self.target)}]"
            f"(args = {_format_arg(self.args)}, kwargs = {_format_arg(self.kwargs)})"
        )
