"""`torch.fx.GraphModule`: a module whose `forward` is generated from a Graph.

The module copies from its root the submodules, parameters and buffers the graph's
`call_module`/`get_attr` nodes name, so it saves, loads and deep-copies like any module. Its
`code` is the graph's Python source; `recompile()` regenerates it after the graph is edited.
Each GraphModule has a class of its own (as in PyTorch), which holds that instance's `forward`.
"""

from __future__ import annotations

import copy
import linecache
import math
import sys
import traceback
import types
from typing import Any

from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from ..tensor import Tensor
from .graph import Graph, PythonCode

__all__ = ["GraphModule", "reduce_graph_module"]

_USER_PRESERVED_ATTRIBUTES_KEY = "_user_preserved_attributes"
_next_key = [0]


def _exec_with_source(src: str, globals_: dict[str, Any], co_fields: dict[str, Any] | None = None) -> None:
    """Run generated source under a file name of its own (naming the traced function), so
    tracebacks show its lines."""
    key = f"<eval_with_key>.{_next_key[0]}"
    if co_fields:
        key += f" from {co_fields['co_filename']}:{co_fields['co_firstlineno']} in {co_fields['co_name']}"
    _next_key[0] += 1
    linecache.cache[key] = (len(src), None, src.splitlines(True), key)
    exec(compile(src, key, "exec"), globals_)


def _forward_from_src(src: str, globals_: dict[str, Any], co_fields: dict[str, Any] | None = None) -> Any:
    namespace = dict(globals_)
    _exec_with_source(src, namespace, co_fields)
    return namespace["forward"]


def _copy_attr(from_module: Module, to_module: Module, target: str) -> None:
    """Copy the attribute at dotted path `target` of `from_module` to the same path of
    `to_module`, making empty modules for the path's missing parents; a plain tensor becomes a buffer."""
    *prefix, field = target.split(".")
    for item in prefix:
        f = getattr(from_module, item)
        t = getattr(to_module, item, None)
        if f is t:  # a parent copied already brought this attribute along
            return
        if t is None:
            t = Module()
            setattr(to_module, item, t)
        from_module, to_module = f, t
    orig = getattr(from_module, field)
    if isinstance(orig, Tensor) and not isinstance(orig, Parameter):
        to_module.register_buffer(field, orig)
    else:
        setattr(to_module, field, orig)


def _assign_attr(from_obj: Any, to_module: Module, target: str) -> None:
    """Put `from_obj` at dotted path `target` of `to_module` (a plain tensor as a buffer)."""
    *prefix, field = target.split(".")
    for item in prefix:
        t = getattr(to_module, item, None)
        if t is None:
            t = Module()
            setattr(to_module, item, t)
        to_module = t
    if isinstance(from_obj, Tensor) and not isinstance(from_obj, Parameter):
        to_module.register_buffer(field, from_obj)
    else:
        setattr(to_module, field, from_obj)


def _import_statement(name: str, obj: Any) -> str:
    """The line that binds `name` to `obj` in the source of a pickled GraphModule."""
    if isinstance(obj, types.ModuleType):
        return f"import {obj.__name__} as {name}"
    return f"from {obj.__module__} import {obj.__qualname__} as {name}"


def _code_globals() -> dict[str, Any]:
    """The names generated code reads without importing them (the package under both its names)."""
    package = sys.modules["retrograd"]
    return {"torch": package, "retrograd": package, "inf": math.inf, "nan": math.nan, "NoneType": type(None),
            "device": package.device}  # fmt: skip


def reduce_graph_module(body: dict[str, Any], import_block: str) -> GraphModule:
    """Rebuild a pickled GraphModule: its code run again as the forward of a module made of `body`,
    and traced (every submodule a leaf) into a new graph."""
    from ._symbolic_trace import Tracer  # (the tracer builds GraphModules; this runs at load time)

    namespace = _code_globals()
    _exec_with_source(import_block + body["_code"], namespace)
    tracer_cls = body.get("_tracer_cls") or Tracer

    class KeepModules(tracer_cls):  # type: ignore[misc, valid-type]
        def is_leaf_module(self, _: Module, __: str) -> bool:
            return True

    class CodeOnly(_CodeOnlyModule):
        forward = namespace["forward"]

    com = CodeOnly(body)
    graph = KeepModules().trace(com)
    graph._tracer_cls = tracer_cls
    gm = GraphModule(com, graph, class_name=body.get("_graphmodule_cls_name", "GraphModule"))
    for k, v in body.items():
        if not hasattr(gm, k):
            setattr(gm, k, v)
    return gm


def _error_context(frame: traceback.FrameSummary) -> str:
    """The traceback, then the generated lines around the one that raised, marked."""
    lineno, line = frame.lineno or 0, frame.line or ""
    lines = linecache.getlines(frame.filename)
    return "\n".join([
        traceback.format_exc(),
        f"Call using an FX-traced Module, line {lineno} of the traced Module's generated forward function:",
        "".join(lines[lineno - 2 : lineno]),
        "~" * len(line) + "~~~ <--- HERE",
        "\n".join(lines[lineno : lineno + 2]),
    ])  # fmt: skip


class _CodeOnlyModule(Module):
    """A module made of a given `__dict__` (deepcopy rebuilds a GraphModule from one)."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__()
        self.__dict__ = body


def _addindent(s: str, num_spaces: int) -> str:
    lines = s.split("\n")
    return lines[0] + "".join("\n" + " " * num_spaces + line if line.strip() else "\n" for line in lines[1:])


class GraphModule(Module):
    """A module whose forward runs `graph`, with the submodules and attributes of `root` (a
    module, or a dict from targets to objects) that the graph reads.

    Examples:
        >>> g = retrograd.fx.Graph()
        >>> x = g.placeholder("x")
        >>> _ = g.output(g.call_function(retrograd.relu, (x,)))
        >>> gm = retrograd.fx.GraphModule(retrograd.nn.Module(), g)
        >>> gm(retrograd.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> GraphModule:
        # each instance has a class of its own, which holds its generated forward
        for t in cls.__mro__:
            if t.__qualname__.split(".")[-1] != "GraphModuleImpl":
                cls = t
                break

        class GraphModuleImpl(cls):  # type: ignore[misc, valid-type]
            pass

        return super().__new__(GraphModuleImpl)

    def __init__(self, root: Module | dict[str, Any], graph: Graph, class_name: str = "GraphModule") -> None:
        super().__init__()
        self.__class__.__name__ = class_name
        targets = [n.target for n in graph.nodes if n.op in ("get_attr", "call_module")]
        if isinstance(root, Module):
            if hasattr(root, "training"):
                self.training = root.training
            if isinstance(root, _CodeOnlyModule):
                for k in [*dict(root.named_children()), *dict(root.named_buffers()), *dict(root.named_parameters())]:
                    _copy_attr(root, self, k)
            for target in targets:
                _copy_attr(root, self, target)
        elif isinstance(root, dict):
            for target in targets:
                if target not in root:
                    raise RuntimeError(
                        f"Node {target} referenced target {target} but that target was not provided in ``root``!"
                    )
            for target in sorted(targets, key=lambda t: t.count(".")):
                _assign_attr(root[target], self, target)
        else:
            raise RuntimeError("Unsupported type " + str(root) + " passed for root!")
        self.graph = graph
        self._tracer_cls = None
        if graph._tracer_cls and "<locals>" not in graph._tracer_cls.__qualname__:
            self._tracer_cls = graph._tracer_cls
        self._tracer_extras = graph._tracer_extras or {}
        self.meta: dict[str, Any] = {}

    @property
    def graph(self) -> Graph:
        """The graph this module runs; setting it regenerates the code."""
        return self._graph

    @graph.setter
    def graph(self, g: Graph) -> None:
        if not isinstance(g, Graph):
            raise AssertionError(f"Expected a Graph instance, but got {type(g)}")
        self.__dict__["_graph"] = g
        g.owning_module = self
        self.recompile()

    @property
    def code(self) -> str:
        """The Python source of `forward`."""
        if not hasattr(self, "_code"):
            raise RuntimeError("Code has not been generated! Please report a bug to PyTorch")
        return self._code

    def recompile(self) -> PythonCode:
        """Regenerate `code` and `forward` from the graph (after editing it)."""
        python_code = self._graph.python_code(root_module="self")
        self.__dict__["_code"] = python_code.src
        type(self).forward = _forward_from_src(self._code, python_code.globals, self._graph._co_fields)  # type: ignore[method-assign]
        return python_code

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as e:
            # the generated line that raised (retrograd's ops are Python: the error comes from inside one)
            generated = [f for f in traceback.extract_tb(e.__traceback__) if "eval_with_key" in f.filename]
            if not generated or getattr(e, "_fx_context_shown", False):
                raise
            print(_error_context(generated[-1]), file=sys.stderr)  # PyTorch's pointer into the generated code
            e._fx_context_shown = True  # type: ignore[attr-defined]  # (an outer GraphModule shows nothing more)
            raise e.with_traceback(None)  # noqa: B904

    # --- submodules ---------------------------------------------------------------------------

    def add_submodule(self, target: str, m: Module) -> bool:
        """Install `m` at dotted path `target`, making empty parent modules as needed."""
        *prefix, field = target.split(".")
        mod: Module = self
        for item in prefix:
            submod = getattr(mod, item, None)
            if submod is None:
                submod = Module()
                mod.add_module(item, submod)
            if not isinstance(submod, Module):
                return False
            mod = submod
        mod.add_module(field, m)
        return True

    def delete_submodule(self, target: str) -> bool:
        """Remove the submodule at dotted path `target`; False when there is none."""
        *path, target_submod = target.split(".")
        mod: Module = self
        for item in path:
            if not hasattr(mod, item):
                return False
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                return False
        if not hasattr(mod, target_submod) or not isinstance(getattr(mod, target_submod), Module):
            return False
        delattr(mod, target_submod)
        return True

    def delete_all_unused_submodules(self) -> None:
        """Remove the submodules no node calls or reads (their parents kept)."""
        used: list[str] = []
        for node in self.graph.nodes:
            if node.op in ("call_module", "get_attr"):
                fullpath = node.target.split(".")
                used.extend(".".join(fullpath[:i]) for i in range(1, len(fullpath) + 1))
                if node.op == "call_module":
                    used.extend(name for name, _ in self.get_submodule(node.target).named_modules(prefix=node.target))
        to_delete = [name for name, _ in self.named_modules() if name and name not in used]
        for name in to_delete:
            self.delete_submodule(name)

    # --- copying and printing -----------------------------------------------------------------

    def __deepcopy__(self, memo: dict[int, Any]) -> GraphModule:
        res = type(self).__new__(type(self))
        memo[id(self)] = res
        fake_mod = _CodeOnlyModule(copy.deepcopy(self.__dict__, memo))
        GraphModule.__init__(res, fake_mod, fake_mod.__dict__["_graph"])  # (named "GraphModule", as in PyTorch)
        res.meta = copy.deepcopy(getattr(self, "meta", {}), memo)
        for attr_name, attr in res.meta.get(_USER_PRESERVED_ATTRIBUTES_KEY, {}).items():
            setattr(res, attr_name, attr)
        return res

    def __reduce__(self) -> tuple[Any, ...]:
        # the graph is not pickled: its code is, with the imports it needs, and tracing it rebuilds the graph
        body = self.__dict__.copy()
        python_code = self.recompile()
        del body["_graph"]
        builtin = _code_globals()
        imports = "".join(
            _import_statement(name, obj) + "\n" for name, obj in python_code.globals.items() if name not in builtin
        )
        return (reduce_graph_module, (body, imports))

    def __copy__(self) -> GraphModule:
        res = GraphModule(self, self.graph)
        res.meta = getattr(self, "meta", {})
        return res

    def print_readable(
        self,
        print_output: bool = True,
        include_stride: bool = False,
        include_device: bool = False,
        colored: bool = False,
    ) -> str:
        """The generated code as a class (`class Name(torch.nn.Module): def forward...`), printed too by default."""
        code = self.graph.python_code(root_module="self", verbose=True).src.lstrip("\n")
        output = _addindent(f"class {type(self).__name__}(torch.nn.Module):\n" + code, 4)
        for name, submodule in self.named_children():
            if isinstance(submodule, GraphModule):
                output += "\n" + _addindent(
                    submodule.print_readable(False).replace(type(submodule).__name__, name, 1), 4
                )
        if print_output:
            print(output)
        return output

    def __str__(self) -> str:
        reminder = "# To see more debug info, please use `graph_module.print_readable()`"
        return "\n".join([super().__str__(), self._code, reminder])
