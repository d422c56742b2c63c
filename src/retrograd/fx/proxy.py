"""`torch.fx.proxy`: `Proxy`, the stand-in value a trace passes through a function, and the tracer
base that records what is done to it.

Every operation on a proxy records a node and gives a new proxy: an operator records a
`call_function` of the `operator` function, `proxy.name(...)` a `call_method`, and a call of a
retrograd function (`torch.relu(proxy)`, `F.linear(proxy, w)`, `torch.cat([p, q])`) reaches
`Proxy.__torch_function__`, which records a `call_function` of it. Control flow on a proxy
(`if proxy:`, `for v in proxy`) raises TraceError: its value is not known while tracing.
"""

from __future__ import annotations

import dis
import inspect
import operator
import sys
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from .. import _torch_function, functional
from .graph import Graph
from .node import Argument, Node, Target, map_aggregate

__all__ = [
    "Attribute",
    "GraphAppendingTracer",
    "ParameterProxy",
    "Proxy",
    "Scope",
    "ScopeContextManager",
    "TraceError",
    "TracerBase",
]

_BASE_TYPES = (str, int, float, bool, complex, type(None), type(...))


class TraceError(ValueError):
    """A traced function used a proxy's value where tracing cannot know it (control flow)."""


class Scope:
    """The module a node was recorded in: its path and type."""

    def __init__(self, module_path: str, module_type: Any) -> None:
        self.module_path = module_path
        self.module_type = module_type


class ScopeContextManager:
    """Makes `current_scope` the tracer's scope for the duration of a `with` block."""

    def __init__(self, scope: Scope, current_scope: Scope) -> None:
        self._prev = Scope(scope.module_path, scope.module_type)
        self._scope = scope
        scope.module_path, scope.module_type = current_scope.module_path, current_scope.module_type

    def __enter__(self) -> Scope:
        return self._scope

    def __exit__(self, *args: Any) -> None:
        self._scope.module_path, self._scope.module_type = self._prev.module_path, self._prev.module_type


class TracerBase:
    """Records operations on proxies as nodes of `self.graph`."""

    graph: Graph
    record_stack_traces = False
    check_mutable_operations = False
    trace_asserts = False
    proxy_buffer_attributes = False
    traced_func_name = "forward"

    def __init__(self) -> None:
        self.scope = Scope("", None)
        self.module_stack: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self.node_name_to_scope: dict[str, tuple[str, type]] = {}

    def create_node(
        self,
        kind: str,
        target: Target,
        args: tuple[Argument, ...],
        kwargs: dict[str, Argument],
        name: str | None = None,
        type_expr: Any = None,
    ) -> Node:
        """Add a node to the graph, noting the module it was recorded in."""
        node = self.graph.create_node(kind, target, args, kwargs, name, type_expr)
        self.node_name_to_scope[node.name] = (self.scope.module_path, self.scope.module_type)
        if self.module_stack:
            node.meta["nn_module_stack"] = OrderedDict(self.module_stack)
        return node

    def proxy(self, node: Node) -> Proxy:
        """The proxy standing for `node`'s value."""
        return Proxy(node, self)

    def create_proxy(
        self,
        kind: str,
        target: Target,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        name: str | None = None,
        type_expr: Any = None,
        proxy_factory_fn: Callable[[Node], Proxy] | None = None,
    ) -> Proxy:
        """Record a node for this operation (its arguments turned into graph arguments by
        `create_arg`) and return its proxy."""
        args_ = self.create_arg(args)
        kwargs_ = self.create_arg(kwargs)
        node = self.create_node(kind, target, args_, kwargs_, name, type_expr)
        return self.proxy(node) if proxy_factory_fn is None else proxy_factory_fn(node)

    def create_arg(self, a: Any) -> Argument:
        """`a` as a node argument: proxies become their nodes; containers are opened; constants stay."""
        if isinstance(a, Proxy):
            return a.node
        if hasattr(a, "__fx_create_arg__"):
            return a.__fx_create_arg__(self)
        if isinstance(a, tuple):
            items = [self.create_arg(elem) for elem in a]
            return type(a)(*items) if hasattr(a, "_fields") else type(a)(items)
        if isinstance(a, list):
            return [self.create_arg(elem) for elem in a]
        if isinstance(a, dict):
            return self._create_dict_arg(a)
        if isinstance(a, slice):
            return slice(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, range):
            return range(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, _BASE_TYPES) or _is_plain_constant(a):
            return a
        raise NotImplementedError(f"argument of type: {type(a)}")

    def _create_dict_arg(self, a: dict[Any, Any]) -> dict[Any, Argument]:
        r = {}
        for k, v in a.items():
            k = self.create_arg(k)

            def no_node(arg: Any, key: Any = k) -> None:
                if isinstance(arg, Node):
                    raise RuntimeError(
                        f"Keys for dictionaries used as an argument cannot contain a Node. Got key: {key}"
                    )

            map_aggregate(k, no_node)
            r[k] = self.create_arg(v)
        return r

    def to_bool(self, obj: Proxy) -> bool:
        """`bool(proxy)`: unknown while tracing."""
        raise TraceError("symbolically traced variables cannot be used as inputs to control flow")

    def iter(self, obj: Proxy) -> Iterator[Any]:
        """`iter(proxy)`: its length is unknown while tracing."""
        raise TraceError(
            "Proxy object cannot be iterated. This can be attempted when the Proxy is used in a loop or"
            " as a *args or **kwargs function argument. See the torch.fx docs on pytorch.org for a more"
            " detailed explanation of what types of control flow can be traced, and check out the Proxy"
            " docstring for help troubleshooting Proxy iteration errors"
        )

    def keys(self, obj: Proxy) -> Any:
        """`proxy.keys()` (`**proxy`): recorded as a method call."""
        return Attribute(obj, "keys")()


def _is_plain_constant(a: Any) -> bool:
    """dtypes, devices, layouts and other values retrograd's functions take as they are."""
    package = sys.modules["retrograd"]
    return isinstance(a, (package.dtype, package.device, package.layout, package.memory_format, package.Size))


class GraphAppendingTracer(TracerBase):
    """The tracer of proxies built by hand over an existing graph (`Proxy(graph.placeholder("x"))`)."""

    def __init__(self, graph: Graph) -> None:
        super().__init__()
        self.graph = graph


def _binary(op: Callable[[Any, Any], Any]) -> Callable[[Proxy, Any], Proxy]:
    """The method `proxy <op> other`: a call_function node of `op`."""

    def method(self: Proxy, other: Any) -> Proxy:
        return self._call(op, self, other)

    return method


def _reflected(op: Callable[[Any, Any], Any]) -> Callable[[Proxy, Any], Proxy]:
    """The method `other <op> proxy` (when `other` does not handle it): a call_function node of `op`."""

    def method(self: Proxy, other: Any) -> Proxy:
        return self._call(op, other, self)

    return method


def _unary(op: Callable[[Any], Any]) -> Callable[[Proxy], Proxy]:
    """The method `<op> proxy`: a call_function node of `op`."""

    def method(self: Proxy) -> Proxy:
        return self._call(op, self)

    return method


class Proxy:
    """The value of a node while tracing; what is done to it is recorded in its tracer's graph.

    Examples:
        >>> g = retrograd.fx.Graph()
        >>> x = retrograd.fx.Proxy(g.placeholder("x"))
        >>> (retrograd.relu(x) + 1).node.format_node()
        '%add : [num_users=0] = call_function[target=operator.add](args = (%relu, 1), kwargs = {})'
    """

    def __init__(self, node: Node, tracer: TracerBase | None = None) -> None:
        # a proxy may first meet a function as a list item (`cat([p, q])`) or a plain tensor's method
        # (`buffer[:, :p]`), where nothing looks for it yet: from now on every argument is checked
        _torch_function.start_overriding()
        self.tracer = tracer if tracer is not None else GraphAppendingTracer(node.graph)
        self.node = node

    def __repr__(self) -> str:
        return f"Proxy({self.node.name})"

    def __getattr__(self, k: str) -> Attribute:
        if k.startswith("__") and k.endswith("__"):  # (copy and pickle probe for protocol methods)
            raise AttributeError(k)
        return Attribute(self, k)

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__

    def __setstate__(self, d: dict[str, Any]) -> None:
        self.__dict__ = d

    def __call__(self, *args: Any, **kwargs: Any) -> Proxy:
        return self.tracer.create_proxy("call_method", "__call__", (self, *args), kwargs)

    def __iter__(self) -> Iterator[Proxy]:
        # `a, b = proxy` unpacks a known number of items: look at the caller's bytecode
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        if caller is not None:
            instructions = list(dis.get_instructions(caller.f_code))
            at = bisect_left(instructions, caller.f_lasti, key=lambda x: x.offset)
            if at < len(instructions) and instructions[at].opname == "UNPACK_SEQUENCE":
                return (self[i] for i in range(instructions[at].argval))
        return self.tracer.iter(self)

    def __bool__(self) -> bool:
        return self.tracer.to_bool(self)

    def __len__(self) -> int:
        raise RuntimeError(
            "'len' is not supported in symbolic tracing by default. If you want this call to be recorded, "
            "please call torch.fx.wrap('len') at module scope"
        )

    def keys(self) -> Any:
        """`proxy.keys()`, recorded."""
        return self.tracer.keys(self)

    @classmethod
    def __torch_function__(
        cls,
        orig_method: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        args = args if args else ()
        kwargs = kwargs if kwargs else {}
        tracers: dict[TracerBase, None] = {}

        def find_tracer(a: Any) -> None:
            if isinstance(a, cls):
                tracers[a.tracer] = None

        map_aggregate(args, find_tracer)
        map_aggregate(kwargs, find_tracer)
        if len(tracers) > 1:
            raise RuntimeError(
                f"Found multiple different tracers {list(tracers.keys())} "
                f"while trying to trace operations {orig_method}"
            )
        tracer = next(iter(tracers))
        if orig_method is functional.einsum and len(args) == 2 and isinstance(args[1], (list, tuple)):
            args = (args[0], *args[1])  # PyTorch's einsum opens a list of operands before it dispatches
        if getattr(sys.modules["retrograd"].Tensor, orig_method.__name__, None) is orig_method:
            return tracer.create_proxy("call_method", orig_method.__name__, args, kwargs)
        return tracer.create_proxy(
            "call_function", orig_method, args, kwargs, name=tracer.graph._target_to_str(orig_method.__name__)
        )

    def _call(self, target: Callable[..., Any], *args: Any) -> Proxy:
        return self.tracer.create_proxy("call_function", target, args, {})

    # operators, each recorded as a call of the `operator` function (reflected ones swap their operands)
    __add__ = _binary(operator.add)
    __sub__ = _binary(operator.sub)
    __mul__ = _binary(operator.mul)
    __floordiv__ = _binary(operator.floordiv)
    __truediv__ = _binary(operator.truediv)
    __mod__ = _binary(operator.mod)
    __pow__ = _binary(operator.pow)
    __lshift__ = _binary(operator.lshift)
    __rshift__ = _binary(operator.rshift)
    __and__ = _binary(operator.and_)
    __or__ = _binary(operator.or_)
    __xor__ = _binary(operator.xor)
    __matmul__ = _binary(operator.matmul)
    __getitem__ = _binary(operator.getitem)
    __radd__ = _reflected(operator.add)
    __rsub__ = _reflected(operator.sub)
    __rmul__ = _reflected(operator.mul)
    __rfloordiv__ = _reflected(operator.floordiv)
    __rtruediv__ = _reflected(operator.truediv)
    __rmod__ = _reflected(operator.mod)
    __rpow__ = _reflected(operator.pow)
    __rlshift__ = _reflected(operator.lshift)
    __rrshift__ = _reflected(operator.rshift)
    __rand__ = _reflected(operator.and_)
    __ror__ = _reflected(operator.or_)
    __rxor__ = _reflected(operator.xor)
    __rmatmul__ = _reflected(operator.matmul)
    __eq__ = _binary(operator.eq)  # type: ignore[assignment]
    __ne__ = _binary(operator.ne)  # type: ignore[assignment]
    __lt__ = _binary(operator.lt)
    __gt__ = _binary(operator.gt)
    __le__ = _binary(operator.le)
    __ge__ = _binary(operator.ge)
    __pos__ = _unary(operator.pos)
    __neg__ = _unary(operator.neg)
    __invert__ = _unary(operator.invert)
    __abs__ = _unary(operator.abs)

    __hash__ = object.__hash__  # (defining __eq__ would drop it; graphs and dicts key on proxies)


class Attribute(Proxy):
    """`proxy.name`: a `call_method` when called, else (on first use) a `getattr` node."""

    def __init__(self, root: Proxy, attr: str) -> None:
        self.root = root
        self.attr = attr
        self.tracer = root.tracer
        self._node: Node | None = None

    @property
    def node(self) -> Node:  # type: ignore[override]
        """The `getattr` node, recorded when the attribute's value is first used."""
        if self._node is None:
            self._node = self.tracer.create_proxy("call_function", getattr, (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args: Any, **kwargs: Any) -> Proxy:
        return self.tracer.create_proxy("call_method", self.attr, (self.root, *args), kwargs)


class ParameterProxy(Proxy):
    """A parameter's proxy that answers `shape`, `size()`, `dim()` and `ndim` with the parameter's own
    (a tracer with `param_shapes_constant`)."""

    def __init__(self, tracer: TracerBase, node: Node, name: str, param: Any) -> None:
        super().__init__(node, tracer)
        self.param = param
        self.name = name

    def __repr__(self) -> str:
        return f"ParameterProxy({self.name})"

    @property
    def shape(self) -> Any:
        """The parameter's shape."""
        return self.param.shape

    def size(self) -> Any:
        """The parameter's size."""
        return self.param.size()

    def dim(self) -> int:
        """The parameter's number of dims."""
        return self.param.dim()

    @property
    def ndim(self) -> int:
        """The parameter's number of dims."""
        return self.param.ndim

    def numel(self) -> int:
        """The parameter's number of elements."""
        return self.param.numel()

    def nelement(self) -> int:
        """The parameter's number of elements."""
        return self.param.nelement()
