"""`torch.fx`: the name `GraphModule`, which libraries use in annotations and `isinstance` checks.

PyTorch's FX traces a module into a graph of calls and turns it back into code. retrograd has
no FX graphs (`retrograd.compile` records its own), so no object is a GraphModule and building
one raises NotImplementedError.
"""

from __future__ import annotations

from typing import Any

from ..nn.modules.module import Module

__all__ = ["GraphModule"]


class GraphModule(Module):
    """A module generated from an FX graph; retrograd has no FX graphs, so building one raises."""

    def __init__(self, root: Any, graph: Any, class_name: str = "GraphModule") -> None:
        raise NotImplementedError("retrograd has no torch.fx graphs; retrograd.compile records functions instead")
