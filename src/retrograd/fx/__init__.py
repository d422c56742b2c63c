"""`torch.fx`: the name `GraphModule`, which libraries use in annotations and `isinstance` checks.

PyTorch's FX traces a module into a graph of calls and turns it back into code. retrograd has
no FX graphs (`retrograd.compile` records its own), so no object is a GraphModule and building
one raises NotImplementedError.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..nn.modules.module import Module

__all__ = ["GraphModule", "wrap"]


class GraphModule(Module):
    """A module generated from an FX graph; retrograd has no FX graphs, so building one raises."""

    def __init__(self, root: Any, graph: Any, class_name: str = "GraphModule") -> None:
        raise NotImplementedError("retrograd has no torch.fx graphs; retrograd.compile records functions instead")


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
