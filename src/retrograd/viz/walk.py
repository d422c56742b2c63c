"""Walking a backward graph once, in a stable order, for both kinds of picture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..engine.graph import AccumulateGrad, Node, SavedTensor, _saved_entries
from ..tensor import Tensor


def roots_of(output: Any) -> list[tuple[Tensor, Node]]:
    """The (tensor, grad_fn) pairs of one output or a tuple/list of outputs."""
    outs = output if isinstance(output, (tuple, list)) else [output]
    return [(t, t.grad_fn) for t in outs if isinstance(t, Tensor) and t.grad_fn is not None]


def nodes_breadth_first(starts: list[Node]) -> Iterator[Node]:
    """Every node reachable from `starts`, each once, nearest first."""
    seen: set[int] = set()
    queue = list(starts)
    i = 0
    while i < len(queue):
        node = queue[i]
        i += 1
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        queue.extend(child for child, _ in node.next_functions if child is not None)


def leaf_label(node: Node, names: dict[int, str]) -> str:
    """`name\\n(3, 2)` for an AccumulateGrad node's variable."""
    assert isinstance(node, AccumulateGrad)
    var = node.variable
    name = names.get(id(var), "")
    shape = "(" + ", ".join(map(str, var.shape)) + ")"
    return f"{name}\n {shape}" if name else shape


def saved_shapes(node: Node) -> list[tuple[str, tuple]]:
    """(name, shape) of the tensors a node holds for backward."""
    out = []
    saved = getattr(node, "saved", None)
    if isinstance(saved, dict):
        for key, value in saved.items():
            for k, s in enumerate(value if isinstance(value, tuple) else (value,)):
                shape = _shape_of(s)
                if shape is not None:
                    out.append((key if not isinstance(value, tuple) or len(value) == 1 else f"{key}{k}", shape))
    else:
        for k, s in enumerate(_saved_entries(node)):
            shape = _shape_of(s)
            if shape is not None:
                out.append((f"saved{k}", shape))
    return out


def _shape_of(s: SavedTensor) -> tuple | None:
    if s.data is not None:  # an op's own output, kept as bare data
        return tuple(s.data.shape)
    return None if s.tensor is None else tuple(s.tensor.shape)
