"""`torch._dynamo.explain(fn)(*args)`: the graphs and graph breaks one call of `fn` meets.

A break (a print, `.item()`, an `if` on a tensor, a disabled function) ends a graph; PyTorch
compiles the ops before and after it as separate graphs, so the graph count here is the number
of stretches between breaks that run at least one op. Ops are named by retrograd's primitives
(`addmm`, `relu`), not PyTorch's FX targets, so `op_count` can differ from PyTorch's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..nn.modules.module import Module
from ._compiled import CompiledFunction


@dataclass
class GraphCompileReason:
    """One graph break: why, and where in the program's code (PyTorch's GraphCompileReason)."""

    reason: str
    user_stack: list = field(default_factory=list)  # traceback.FrameSummary, outermost first
    graph_break: bool = True


@dataclass
class ExplainOutput:
    """What `explain` found: the graphs, the breaks between them and their reasons, and the code."""

    graph_count: int
    graph_break_count: int
    break_reasons: list = field(default_factory=list)
    op_count: int = 0
    ops_per_graph: list = field(default_factory=list)  # op names, per graph
    code: str = ""

    def __str__(self) -> str:
        lines = [
            f"Graph Count: {self.graph_count}",
            f"Graph Break Count: {self.graph_break_count}",
            f"Op Count: {self.op_count}",
        ]
        if self.break_reasons:
            lines.append("Break Reasons:")
            for i, r in enumerate(self.break_reasons, 1):
                lines += [f"  Break Reason {i}:", f"    Reason: {r.reason}", "    User Stack:"]
                lines += [f"      {frame!r}" for frame in r.user_stack]
        lines.append("Ops per Graph:")
        for i, ops in enumerate(self.ops_per_graph, 1):
            lines.append(f"  Ops {i}:")
            lines += [f"    {op}" for op in ops]
        return "\n".join(lines) + "\n" + self.code


def explain(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """`explain(fn)(*args)`: run `fn` once while recording; report its graphs, breaks and code.

    Args:
        fn (callable or Module): the function to look at.
        *args, **kwargs: its arguments; without them, a function taking them is returned.

    Returns:
        ExplainOutput: `graph_count`, `graph_break_count`, `break_reasons` (each with `reason`
            and `user_stack`), `op_count`, `ops_per_graph` and the generated `code`.
    """

    def run(*args: Any, **kwargs: Any) -> ExplainOutput:
        compiled = CompiledFunction(fn, False, module=fn if isinstance(fn, Module) else None)
        compiled(*args, **kwargs)
        entry = compiled._last
        assert entry is not None
        reasons = [GraphCompileReason(reason, stack) for reason, stack in entry.break_sites]
        graphs = entry.graphs
        return ExplainOutput(
            graph_count=len(graphs),
            graph_break_count=len(reasons),
            break_reasons=reasons,
            op_count=sum(len(ops) for ops in graphs),
            ops_per_graph=graphs,
            code=compiled.code,
        )

    if args or kwargs:
        return run(*args, **kwargs)
    return run
