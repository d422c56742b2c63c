"""`torch.fx`: the names `GraphModule`, `Graph`, `Node`, `Proxy`, `Tracer`, `Interpreter` and
`Transformer`, which libraries use in annotations, base classes and `isinstance` checks.

PyTorch's FX traces a module into a graph of calls and turns it back into code. retrograd has
no FX graphs (`retrograd.compile` records its own), so no object is one of these and building
one (or calling `symbolic_trace`) raises NotImplementedError. Having the names lets a library
that only uses FX in some features (e3nn's `o3.Irreps` and spherical harmonics beside its
generated tensor products; opt_einsum_fx's pass classes) import and run the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..nn.modules.module import Module
from . import node, proxy
from .node import Node, no_fx_graphs
from .proxy import Proxy, TracerBase

__all__ = ["Graph", "GraphModule", "Interpreter", "Node", "Proxy", "Tracer", "Transformer", "symbolic_trace", "wrap"]


class GraphModule(Module):
    """A module generated from an FX graph; retrograd has no FX graphs, so building one raises."""

    def __init__(self, root: Any, graph: Any, class_name: str = "GraphModule") -> None:
        no_fx_graphs()


class Graph:
    """An FX graph of nodes; retrograd has no FX graphs, so building one raises."""

    def __init__(self, owning_module: Any = None, tracer_cls: Any = None, tracer_extras: Any = None) -> None:
        no_fx_graphs()


class Tracer(TracerBase):
    """Turns a module's forward into an FX graph; retrograd has no FX graphs, so building one raises."""

    def __init__(
        self,
        autowrap_modules: tuple[Any, ...] = (),
        autowrap_functions: tuple[Any, ...] = (),
        param_shapes_constant: bool = False,
    ) -> None:
        no_fx_graphs()


class Interpreter:
    """Runs an FX graph node by node; retrograd has no FX graphs, so building one raises."""

    def __init__(self, module: Module, garbage_collect_values: bool = True, graph: Graph | None = None) -> None:
        no_fx_graphs()


class Transformer(Interpreter):
    """Rewrites an FX graph while running it; retrograd has no FX graphs, so building one raises."""


def symbolic_trace(root: Module | Callable[..., Any], concrete_args: dict[str, Any] | None = None) -> GraphModule:
    """Trace `root` into a GraphModule; retrograd has no FX graphs, so this raises NotImplementedError."""
    no_fx_graphs()


def wrap(fn_or_name: str | Callable[..., Any]) -> str | Callable[..., Any]:
    """Mark a module-level function as a leaf of FX traces (torchvision's `roi_align`, `drop_block2d`).

    retrograd traces nothing, so this only checks what PyTorch checks and returns its argument.

    Raises:
        RuntimeError: the argument is neither a callable nor a name.
        NotImplementedError: called inside a function rather than at a module's top level.

    Examples:
        >>> retrograd.fx.wrap(len) is len
        True
    """
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    if sys._getframe(1).f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    return fn_or_name
