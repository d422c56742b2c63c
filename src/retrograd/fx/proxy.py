"""`torch.fx.proxy`: the names `Proxy`, `TracerBase` and `GraphAppendingTracer`.

Libraries that generate code with FX (e3nn's tensor products, opt_einsum_fx) name these at import
time; retrograd has no FX graphs, so building any of them raises NotImplementedError.
"""

from __future__ import annotations

from typing import Any

from .node import no_fx_graphs

__all__ = ["GraphAppendingTracer", "Proxy", "TracerBase"]


class TracerBase:
    """The base of FX tracers, which record calls on proxies into a graph."""


class GraphAppendingTracer(TracerBase):
    """A tracer that appends each call on its proxies to `graph`; building one raises."""

    def __init__(self, graph: Any) -> None:
        no_fx_graphs()


class Proxy:
    """A stand-in value whose operations FX records as graph nodes; building one raises."""

    def __init__(self, node: Any, tracer: TracerBase | None = None) -> None:
        no_fx_graphs()
