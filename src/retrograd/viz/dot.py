"""make_dot: the backward graph in Graphviz's DOT language, rendered when `dot` exists."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..engine.graph import AccumulateGrad
from .walk import leaf_label, nodes_breadth_first, roots_of, saved_shapes

_STYLE = {
    "graph": 'graph [size="12,12"];',
    "node": "node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled];",
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class DotGraph:
    """DOT source with helpers to render it; `str(graph)` is the source."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __str__(self) -> str:
        return self.source

    def pipe(self, format: str = "svg") -> bytes:
        """The rendered picture as bytes (Graphviz's `dot` program must be installed)."""
        exe = shutil.which("dot")
        if exe is None:
            raise RuntimeError(
                "Graphviz's `dot` program is not installed: install Graphviz (e.g. apt-get install graphviz) "
                "to render, or use DotGraph.source for the DOT text."
            )
        return subprocess.run([exe, f"-T{format}"], input=self.source.encode(), capture_output=True, check=True).stdout

    def render(self, filename: str, format: str = "svg") -> str:
        """Write `<filename>.<format>` and return its path."""
        path = Path(f"{filename}.{format}") if not str(filename).endswith(f".{format}") else Path(filename)
        path.write_bytes(self.pipe(format))
        return str(path)

    def save(self, filename: str) -> str:
        Path(filename).write_text(self.source)
        return filename

    def _repr_svg_(self) -> str:
        return self.pipe("svg").decode()


def make_dot(output: Any, params: dict | None = None, show_saved: bool = False, show_attrs: bool = False) -> DotGraph:
    """The backward graph of `output` as DOT: one box per grad_fn, leaves named from `params`.

    Outputs are green, leaves blue (labelled `name\\n (shape)` when `params` names
    them, e.g. `dict(model.named_parameters())`), saved tensors orange when
    `show_saved=True`.
    """
    names = {id(t): n for n, t in (params or {}).items()}
    lines = ["digraph {", "\t" + _STYLE["graph"], "\t" + _STYLE["node"]]
    roots = roots_of(output)
    for tensor, node in roots:
        size = "(" + ", ".join(map(str, tensor.shape)) + ")"
        lines.append(f"\t{id(tensor)} [label={_quote(size)} fillcolor=darkolivegreen1]")
        lines.append(f"\t{id(node)} -> {id(tensor)} [style=dotted]")
    for node in nodes_breadth_first([n for _, n in roots]):
        if isinstance(node, AccumulateGrad):
            lines.append(f"\t{id(node)} [label={_quote(leaf_label(node, names))} fillcolor=lightblue]")
        else:
            lines.append(f"\t{id(node)} [label={_quote(node.name())} fillcolor=lightgrey]")
        if show_saved:
            for k, (key, shape) in enumerate(saved_shapes(node)):
                sid = f"{id(node)}{k}"
                label = f"{key}\n(" + ", ".join(map(str, shape)) + ")"
                lines.append(f"\t{sid} [label={_quote(label)} fillcolor=orange]")
                lines.append(f"\t{sid} -> {id(node)} [dir=none style=dashed]")
        for child, _ in node.next_functions:
            if child is not None:
                lines.append(f"\t{id(child)} -> {id(node)}")
    lines.append("}")
    return DotGraph("\n".join(lines) + "\n")
