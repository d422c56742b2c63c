"""The Python source of an FX graph: one statement per node, each value dropped (`x = None`)
after its last use, as PyTorch's `Graph.python_code` writes it."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

from .._display_name import package_name
from ._names import Namespace
from .node import Argument, Node, _qualified_name, _type_repr

__all__ = ["CodeGen", "PythonCode"]

_REFLECTABLE = {
    "add": "{} + {}", "sub": "{} - {}", "mul": "{} * {}", "floordiv": "{} // {}", "truediv": "{} / {}",
    "div": "{} / {}", "mod": "{} % {}", "pow": "{} ** {}", "lshift": "{} << {}", "rshift": "{} >> {}",
    "and_": "{} & {}", "or_": "{} | {}", "xor": "{} ^ {}", "getitem": "{}[{}]", "matmul": "{} @ {}",
}  # fmt: skip
MAGIC_METHODS = {
    "eq": "{} == {}", "ne": "{} != {}", "lt": "{} < {}", "gt": "{} > {}", "le": "{} <= {}", "ge": "{} >= {}",
    "pos": "+{}", "neg": "-{}", "invert": "~{}", **_REFLECTABLE,
}  # fmt: skip
INPLACE_METHODS = {
    "iadd": "{} += {}", "iand": "{} &= {}", "ifloordiv": "{} //= {}", "ilshift": "{} <<= {}", "imod": "{} %= {}",
    "imul": "{} *= {}", "imatmul": "{} @= {}", "ior": "{} |= {}", "ipow": "{} **= {}", "irshift": "{} >>= {}",
    "isub": "{} -= {}", "itruediv": "{} /= {}", "ixor": "{} ^= {}", "setitem": "{}[{}] = {}",
}  # fmt: skip


# how verbose code annotates a tensor's dtype (`x: "f32[3, 4]"`)
_DTYPE_ABBRS = {
    "float64": "f64", "float32": "f32", "float16": "f16", "bfloat16": "bf16", "complex32": "c32",
    "complex64": "c64", "complex128": "c128", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "bool": "b8", "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
}  # fmt: skip


def _meta_annotation(node: Node) -> str:
    """`: "f32[3, 4]"` for a node whose meta records one tensor's dtype and shape (verbose code)."""
    meta = node.meta.get("val", node.meta.get("tensor_meta", node.meta.get("example_value")))
    shape, dtype = getattr(meta, "shape", None), getattr(meta, "dtype", None)
    if shape is None or dtype is None or isinstance(meta, (tuple, list)) and not hasattr(meta, "_fields"):
        return ""
    abbr = _DTYPE_ABBRS.get(str(dtype).split(".")[-1], str(dtype))
    return f': "{abbr}[{", ".join(str(d) for d in shape)}]"'


@dataclass
class PythonCode:
    """Generated source (`src`) and the globals it reads (`globals`)."""

    src: str
    globals: dict[str, Any]


def _format_target(base: str, target: str) -> str:
    """`base.a.b` for the path `a.b`, with `getattr(base, "0")` for the atoms that are no identifiers."""
    r = base
    for e in target.split("."):
        r = f"{r}.{e}" if e.isidentifier() else f'getattr({r}, "{e}")'
    return r


def _from_package(obj: Any) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.partition(".")[0] in ("retrograd", "torch")


class _Emitter:
    """The state of one code generation: the names in use and the globals the code reads."""

    def __init__(self, nodes: list[Node], root_module: str, verbose: bool = False) -> None:
        self.namespace = Namespace()
        self.globals: dict[str, Any] = {}
        self.root_module = root_module
        self.wrapped: dict[str, None] = {}
        self.verbose = verbose
        package = sys.modules["retrograd"]
        for name, obj in (("inf", math.inf), ("nan", math.nan), ("NoneType", type(None)),
                          (package_name(), package), ("device", package.device)):  # fmt: skip
            self.add_global(name, obj)
        for node in nodes:
            self.namespace.create_name(node.name, node)

    def add_global(self, name_hint: str, obj: Any) -> str:
        """The name the code uses for `obj`, registered as a global."""
        if _from_package(obj) and obj is not sys.modules["retrograd"].device and not isinstance(obj, type(sys)):
            return _qualified_name(obj)
        name = self.namespace.create_name(name_hint, obj)
        self.globals[name] = obj
        return name

    def name(self, node: Node) -> str:
        return self.namespace.create_name(node.name, node)

    def repr(self, arg: Argument) -> str:
        """An argument as Python source."""
        if isinstance(arg, Node):
            return self.name(arg)
        if isinstance(arg, tuple) and hasattr(arg, "_fields"):
            return f"{self.add_global(_qualified_name(type(arg)), type(arg))}{self.repr(tuple(arg))}"
        if isinstance(arg, tuple):
            return f"({self.repr(arg[0])},)" if len(arg) == 1 else "(" + ", ".join(self.repr(a) for a in arg) + ")"
        if isinstance(arg, list):
            return "[" + ", ".join(self.repr(a) for a in arg) + "]"
        if isinstance(arg, slice):
            return f"slice({self.repr(arg.start)}, {self.repr(arg.stop)}, {self.repr(arg.step)})"
        if isinstance(arg, sys.modules["retrograd"].Tensor):
            return f"{package_name()}.Tensor(size={list(arg.size())}, dtype={str(arg.dtype).split('.')[-1]})"
        if isinstance(arg, type):
            return self.add_global(_type_repr(arg), arg)
        return repr(arg)

    def annotation(self, t: Any, node: Node | None = None) -> str:
        """` : T` for a node whose type is the class T (other annotations are left out of the code);
        in verbose code, the dtype and shape shape propagation recorded."""
        if self.verbose and node is not None and _meta_annotation(node):
            return _meta_annotation(node)
        if not isinstance(t, type):
            return ""
        return f" : {t.__qualname__ if t.__module__ == 'builtins' else self.add_global(_type_repr(t), t)}"

    def args(self, args: tuple[Argument, ...], kwargs: dict[str, Argument]) -> str:
        return ", ".join([self.repr(a) for a in args] + [f"{k} = {self.repr(v)}" for k, v in kwargs.items()])

    def statement(self, node: Node) -> str:
        """The line computing `node` (not an input)."""
        lhs = self.name(node) + self.annotation(node.type, node)
        if node.op == "call_method":
            method = _format_target(self.repr(node.args[0]), node.target)
            return f"{lhs} = {method}({self.args(node.args[1:], node.kwargs)})"
        if node.op == "call_function" and self._operator_name(node) in INPLACE_METHODS:
            # the update as a statement, then the node names the updated first argument
            update = INPLACE_METHODS[self._operator_name(node)].format(*(self.repr(a) for a in node.args))
            return f"{update};  {lhs} = {self.repr(node.args[0])}"
        if node.op == "call_function":
            return f"{lhs} = {self.call(node)}"
        if node.op == "call_module":
            return f"{lhs} = {_format_target(self.root_module, node.target)}({self.args(node.args, node.kwargs)})"
        if node.op == "get_attr":
            return f"{lhs} = {_format_target(self.root_module, node.target)}"
        if node.op == "output":
            return f"return {self.repr(node.args[0])}"
        raise NotImplementedError(f"node: {node.op} {node.target}")

    @staticmethod
    def _operator_name(node: Node) -> str:
        """The name of an `operator` function target ("" for other targets)."""
        return node.target.__name__ if getattr(node.target, "__module__", "") == "_operator" else ""

    def call(self, node: Node) -> str:
        """A call_function node's expression: an operator, an attribute read or a call."""
        target = node.target
        if self._operator_name(node) in MAGIC_METHODS:
            return MAGIC_METHODS[target.__name__].format(*(self.repr(a) for a in node.args))
        global_name = self.add_global(_qualified_name(target), target)
        if (
            global_name == "getattr"
            and len(node.args) == 2
            and isinstance(node.args[1], str)
            and node.args[1].isidentifier()
        ):
            return _format_target(self.repr(node.args[0]), node.args[1])
        if node.meta.get("is_wrapped", False):
            self.wrapped.setdefault(global_name)
        return f"{global_name}({self.args(node.args, node.kwargs)})"


class CodeGen:
    """Writes a graph's nodes as the body of `def forward(self, ...)`."""

    def gen_fn_def(self, free_vars: list[str], maybe_return_annotation: str) -> str:
        """The `def` line of the generated function."""
        if not free_vars or free_vars[0] != "self":
            free_vars.insert(0, "self")
        return f"def forward({', '.join(free_vars)}){maybe_return_annotation}:"

    def generate(self, nodes: list[Node], root_module: str, verbose: bool = False) -> PythonCode:
        """The source and globals of the function computing `nodes`."""
        em = _Emitter(nodes, root_module, verbose)
        last_uses = _last_uses(nodes)
        free_vars: list[str] = []
        body: list[str] = []
        returns = ""
        summary = None
        for node in nodes:
            if verbose and node.op not in ("placeholder", "output"):
                where = f"\n# {node.stack_trace or 'No stacktrace found for following nodes'}\n"
                if where != summary:
                    summary = where
                    body.append(where)
            if node.op == "placeholder":
                default = f" = {em.repr(node.args[0])}" if node.args else ""
                free_vars.append(f"{node.target}{em.annotation(node.type, node)}{default}")
                if node.target.replace("*", "") != em.name(node):
                    body.append(f"{em.name(node)} = {node.target.replace('*', '')}\n")
                continue
            body.append(em.statement(node))
            if node.op == "output":
                returns = em.annotation(node.type).replace(" : ", " -> ")
                body.append("\n")
                continue
            dead = last_uses.get(node, []) + ([node] if not node.users else [])
            body.append(f";  {' = '.join([em.name(n) for n in dead] + ['None'])}\n" if dead else "\n")
        wrap_stmts = ""
        if em.wrapped:
            wrap_name = em.add_global("wrap", sys.modules["retrograd.fx"].wrap)
            wrap_stmts = "\n".join(f'{wrap_name}("{name}")' for name in em.wrapped)
        code = "".join(body or ["pass\n"]).lstrip("\n")
        code = "\n".join("    " + line for line in code.split("\n"))
        src = f"\n{wrap_stmts}\n\n{self.gen_fn_def(free_vars, returns)}\n{code}"
        return PythonCode(src, em.globals)


def _last_uses(nodes: list[Node]) -> dict[Node, list[Node]]:
    """For each node, the nodes whose last reader it is (their values can be dropped after it)."""
    seen: set[Node] = set()
    by_user: dict[Node, list[Node]] = {}
    for node in reversed(nodes):
        for used in node._input_nodes:
            if used not in seen:
                seen.add(used)
                by_user.setdefault(node, []).append(used)
    return by_user
