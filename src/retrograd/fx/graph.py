"""`torch.fx.graph`: `Graph`, the list of nodes a trace records, which passes edit and
`GraphModule` turns into Python code (`python_code`, in `_codegen.py`)."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from . import _codegen
from ._names import Namespace, snake_case
from .node import Argument, Node, Target, map_arg

__all__ = ["Graph", "PythonCode"]

PythonCode = _codegen.PythonCode


class _NodeList:
    """`graph.nodes`: the nodes in order, iterable forwards and (`reversed`) backwards while the
    graph is edited (an erased node is skipped)."""

    def __init__(self, graph: Graph, direction: str = "_next") -> None:
        self._graph = graph
        self._direction = direction

    def __len__(self) -> int:
        return self._graph._len

    def __iter__(self) -> Iterator[Node]:
        root = self._graph._root
        cur = getattr(root, self._direction)
        while cur is not root:
            if not cur._erased:
                yield cur
            cur = getattr(cur, self._direction)

    def __reversed__(self) -> Iterator[Node]:
        return iter(_NodeList(self._graph, "_prev" if self._direction == "_next" else "_next"))


class Graph:
    """The nodes of a traced function in run order: placeholders, then calls, then one output.

    Examples:
        >>> import operator
        >>> g = retrograd.fx.Graph()
        >>> x = g.placeholder("x")
        >>> g.output(g.call_function(operator.add, (x, 1)))
        output
        >>> print(g)
        graph():
            %x : [num_users=1] = placeholder[target=x]
            %add : [num_users=1] = call_function[target=operator.add](args = (%x, 1), kwargs = {})
            return add
    """

    def __init__(
        self, owning_module: Any = None, tracer_cls: type | None = None, tracer_extras: dict[str, Any] | None = None
    ) -> None:
        self._root = Node(self, "", "root", "", (), {})
        self._len = 0
        self._graph_namespace = Namespace()
        self._owning_module = owning_module
        self._tracer_cls = tracer_cls
        self._tracer_extras = tracer_extras
        self._insert: Callable[[Node], None] = self._root.prepend
        self._co_fields: dict[str, Any] = {}
        self._codegen = _codegen.CodeGen()

    @property
    def owning_module(self) -> Any:
        """The GraphModule this graph belongs to (None for a free graph)."""
        return self._owning_module

    @owning_module.setter
    def owning_module(self, mod: Any) -> None:
        self._owning_module = mod

    @property
    def nodes(self) -> _NodeList:
        """The nodes in run order."""
        return _NodeList(self)

    def find_nodes(self, *, op: str, target: Target = None, sort: bool = True) -> list[Node]:
        """The nodes with this `op` (and `target`, when given)."""
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # --- building -----------------------------------------------------------------------------

    def create_node(
        self,
        op: str,
        target: Target,
        args: tuple[Argument, ...] | None = None,
        kwargs: dict[str, Argument] | None = None,
        name: str | None = None,
        type_expr: Any = None,
    ) -> Node:
        """Add a node at the insert point (the end, unless `inserting_before/after` moved it)."""
        candidate = name if name is not None else self._target_to_str(target)
        name = self._graph_namespace.create_name(candidate, None)
        n = Node(self, name, op, target, tuple(args or ()), dict(kwargs or {}), type_expr)
        self._graph_namespace.associate_name_with_obj(name, n)
        self._insert(n)
        self._len += 1
        return n

    def placeholder(self, name: str, type_expr: Any = None, default_value: Any = inspect.Signature.empty) -> Node:
        """An input of the generated function, named `name` (with a default when given)."""
        args = () if default_value is inspect.Signature.empty else (default_value,)
        return self.create_node("placeholder", name, args=args, type_expr=type_expr)

    def get_attr(self, qualified_name: str, type_expr: Any = None) -> Node:
        """A read of the owning module's attribute at the dotted path `qualified_name`."""
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(
        self,
        module_name: str,
        args: tuple[Argument, ...] | None = None,
        kwargs: dict[str, Argument] | None = None,
        type_expr: Any = None,
    ) -> Node:
        """A call of the submodule at the dotted path `module_name`."""
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(
        self,
        method_name: str,
        args: tuple[Argument, ...] | None = None,
        kwargs: dict[str, Argument] | None = None,
        type_expr: Any = None,
    ) -> Node:
        """A call of method `method_name` on `args[0]`."""
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(
        self,
        the_function: Callable[..., Any],
        args: tuple[Argument, ...] | None = None,
        kwargs: dict[str, Argument] | None = None,
        type_expr: Any = None,
        name: str | None = None,
    ) -> Node:
        """A call of `the_function`."""
        return self.create_node("call_function", the_function, args, kwargs, name=name, type_expr=type_expr)

    def output(self, result: Argument, type_expr: Any = None) -> Node:
        """The graph's result (a node, or a structure of nodes and constants)."""
        return self.create_node(op="output", target="output", args=(result,), type_expr=type_expr)

    def node_copy(self, node: Node, arg_transform: Callable[[Node], Argument] = lambda x: x) -> Node:
        """A copy of `node` (from any graph) at the insert point, its node arguments mapped by `arg_transform`."""
        args = map_arg(node.args, arg_transform)
        kwargs = map_arg(node.kwargs, arg_transform)
        result = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        result.meta = copy.copy(node.meta)
        return result

    def graph_copy(self, g: Graph, val_map: dict[Node, Node], return_output_node: bool = False) -> Any:
        """Copy the nodes of `g` but its output into this graph, filling `val_map` (old -> new);
        returns what the output of `g` maps to."""
        for node in g.nodes:
            if node in val_map:
                continue
            if node.op == "output":
                rv = map_arg(node.args[0], lambda n: val_map[n])
                return (rv, node) if return_output_node else rv
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    def __deepcopy__(self, memo: dict[int, Any]) -> Graph:
        memo = memo if memo else {}
        g = Graph(tracer_cls=self._tracer_cls)
        # (as PyTorch: the memo maps this graph's nodes to the copies)
        output_vals = g.graph_copy(self, val_map=memo, return_output_node=True)  # type: ignore[arg-type]
        g._codegen = copy.deepcopy(self._codegen)
        if output_vals is not None:
            rv, old_output = output_vals
            new_output = g.output(rv, type_expr=old_output.type)
            new_output.meta = copy.copy(old_output.meta)
        return g

    # --- editing ------------------------------------------------------------------------------

    def erase_node(self, to_erase: Node) -> None:
        """Remove a node that nothing reads any more."""
        if to_erase.users:
            raise RuntimeError(
                f"Tried to erase Node {to_erase} but it still had {len(to_erase.users)} "
                f"users in the graph: {to_erase.users}!"
            )
        if to_erase.graph is not self:
            raise RuntimeError(f"Attempting to remove {to_erase} from wrong graph!")
        if to_erase._erased:
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase._update_args_kwargs((), {})

    @contextmanager
    def _inserting(self, insert: Callable[[Node], None]) -> Iterator[None]:
        previous, self._insert = self._insert, insert
        try:
            yield
        finally:
            self._insert = previous

    def inserting_before(self, n: Node | None = None) -> Any:
        """Within this `with` block, new nodes go before `n` (the start of the graph when None)."""
        if n is None:
            return self.inserting_after(self._root)
        return self._inserting(n.prepend)

    def inserting_after(self, n: Node | None = None) -> Any:
        """Within this `with` block, new nodes go after `n` (the end of the graph when None)."""
        if n is None:
            return self.inserting_before(self._root)
        anchor = [n]

        def insert(x: Node) -> None:  # successive nodes keep their order after n
            anchor[0].append(x)
            anchor[0] = x

        return self._inserting(insert)

    def eliminate_dead_code(self, is_impure_node: Callable[[Node], bool] | None = None) -> bool:
        """Erase the nodes whose results nothing reads (and that have no side effects); returns
        whether any was erased."""
        changed = False
        for node in reversed(self.nodes):
            impure = is_impure_node(node) if is_impure_node is not None else node.is_impure()
            if not impure and not node.users:
                self.erase_node(node)
                changed = True
        return changed

    def lint(self) -> None:
        """Check the graph: each node belongs to it, reads only nodes defined before it, has a
        unique name, and call_module/get_attr targets exist in the owning module."""
        seen: set[Node] = set()
        names: set[str] = set()
        for node in self.nodes:
            if node.graph is not self:
                raise RuntimeError(f"Node '{node}' does not belong to this Graph!")
            for arg in node._input_nodes:
                if arg.graph is not self:
                    raise RuntimeError(
                        f"Argument '{arg}' of Node '{node}' does not belong to this Graph, but was used as an "
                        "argument! If you are copying nodes from another graph, make sure to use ``arg_transform`` "
                        f"on node_copy() to remap values\n{self}"
                    )
                if arg not in seen:
                    raise RuntimeError(
                        f"Argument '{arg}' of Node '{node}' was used before it has been defined! Please check that "
                        f"Nodes in the graph are topologically ordered\n{self}"
                    )
            if node.name in names:
                raise RuntimeError(f"Node redefined name {node.name}!")
            seen.add(node)
            names.add(node.name)
            if self.owning_module is not None and node.op in ("get_attr", "call_module"):
                self._lint_target(node)

    def _lint_target(self, node: Node) -> None:
        m_itr = self.owning_module
        atoms = node.target.split(".")
        for i, atom in enumerate(atoms):
            if not hasattr(m_itr, atom):
                kind = "module" if node.op == "call_module" else "attribute"
                raise RuntimeError(
                    f"Node {node} target {node.target} references nonexistent {kind} {'.'.join(atoms[: i + 1])}"
                )
            m_itr = getattr(m_itr, atom)

    # --- names and printing -------------------------------------------------------------------

    @staticmethod
    def _target_to_str(target: Target) -> str:
        if callable(target):
            op = target.__name__
        else:
            op = target
            if op.startswith("__") and op.endswith("__"):
                op = op[2:-2]
        return snake_case(op)

    def python_code(self, root_module: str, *, verbose: bool = False) -> PythonCode:
        """The Python source of `forward` for this graph (`self` is `root_module`) and the globals it
        reads; `verbose` adds a comment with the stack trace recorded for each run of nodes."""
        return self._codegen.generate(list(self.nodes), root_module, verbose=verbose)

    def set_codegen(self, codegen: _codegen.CodeGen) -> None:
        """Generate code with `codegen`."""
        self._codegen = codegen

    def on_generate_code(self, make_transformer: Callable[..., Any]) -> Any:
        """Unsupported hook of PyTorch's code generation."""
        raise NotImplementedError("Graph.on_generate_code is not supported by retrograd")

    def process_inputs(self, *args: Any) -> Any:
        """The inputs as the graph's placeholders take them."""
        return args

    def process_outputs(self, out: Any) -> Any:
        """The output as the caller gets it."""
        return out

    def __str__(self) -> str:
        lines = [node.format_node() for node in self.nodes]
        return "graph():" + "".join(f"\n    {line}" for line in lines if line)

    def print_tabular(self) -> None:
        """Print the nodes as a table (opcode, name, target, args, kwargs)."""
        rows = [[n.op, n.name, n._pretty_print_target(n.target), str(n.args), str(n.kwargs)] for n in self.nodes]
        header = ["opcode", "name", "target", "args", "kwargs"]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        print("\n".join(lines))
