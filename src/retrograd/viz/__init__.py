"""Pictures of the backward graph: `make_dot` (Graphviz DOT/SVG) and `print_graph` (text).

dot = make_dot(loss, params=dict(model.named_parameters()))
dot.render("graph", format="svg")   # needs Graphviz's `dot` program
print(dot.source)                   # the DOT text, always available
"""

from __future__ import annotations

from .dot import DotGraph, make_dot
from .text import print_graph

__all__ = ["DotGraph", "make_dot", "print_graph"]
