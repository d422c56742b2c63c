"""print_graph: the backward graph as an indented tree in the terminal."""

from __future__ import annotations

from typing import Any

from ..engine.graph import AccumulateGrad, Node
from .walk import leaf_label, roots_of


def format_graph(output: Any, params: dict | None = None) -> str:
    """The tree under `output.grad_fn`; a node reached twice is listed once, then `(see above)`."""
    names = {id(t): n for n, t in (params or {}).items()}
    lines: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[Node, str, str]] = [(node, "", "") for _, node in reversed(roots_of(output))]
    while stack:
        node, lead, child_lead = stack.pop()
        label = node.name()
        if isinstance(node, AccumulateGrad):
            label = "AccumulateGrad " + leaf_label(node, names).replace("\n ", " ")
        if id(node) in seen and node.next_functions:
            lines.append(f"{lead}{label} (see above)")
            continue
        seen.add(id(node))
        lines.append(lead + label)
        children = [c for c, _ in node.next_functions if c is not None]
        for i in range(len(children) - 1, -1, -1):
            last = i == len(children) - 1
            stack.append(
                (children[i], child_lead + ("└─ " if last else "├─ "), child_lead + ("   " if last else "│  "))
            )
    return "\n".join(lines)


def print_graph(output: Any, params: dict | None = None) -> None:
    """Print the backward graph of `output` as a tree (leaves named from `params`)."""
    print(format_graph(output, params))
