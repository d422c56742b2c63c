"""`torch.fx`: trace a module or function into a graph of calls, edit it, and turn it back into
Python code.

`symbolic_trace(module)` runs the module's forward on `Proxy` values: each operation on a proxy
records a `Node` of a `Graph` (torch.nn's own modules stay one `call_module` node), and a
`GraphModule` generates the graph's Python source as its `forward` (`gm.code`,
`print(gm.graph)`). Passes edit the nodes (`graph.inserting_after`, `replace_all_uses_with`,
`erase_node`, then `gm.recompile()`), or run the graph with an `Interpreter` (shape
propagation) or a `Transformer` (rewriting calls). Graphs can also be built by hand, as e3nn
and opt_einsum_fx build their tensor products: `Proxy(graph.placeholder("x"))`.

`passes.shape_prop.ShapeProp` records each node's tensor metadata. Left out: `make_fx` and the
experimental passes, the subgraph rewriter, and `concrete_args` beyond constants.
"""

from __future__ import annotations

from . import graph, graph_module, interpreter, node, passes, proxy
from ._symbolic_trace import Tracer, symbolic_trace, wrap
from .graph import Graph
from .graph_module import GraphModule
from .interpreter import Interpreter, Transformer
from .node import Node, has_side_effect, map_arg
from .proxy import Proxy

__all__ = [
    "Graph",
    "GraphModule",
    "Interpreter",
    "Node",
    "Proxy",
    "Tracer",
    "Transformer",
    "has_side_effect",
    "map_arg",
    "symbolic_trace",
    "wrap",
]
