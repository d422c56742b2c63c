"""`torch.fx.node`: the name `Node`, which graph passes (opt_einsum_fx, e3nn) import and test against.

retrograd has no FX graphs, so no object is a Node and building one raises NotImplementedError.
"""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = ["Node"]

NO_FX_GRAPHS = "retrograd has no torch.fx graphs; retrograd.compile records functions instead"


def no_fx_graphs() -> NoReturn:
    """Raise the error every FX graph object raises when built."""
    raise NotImplementedError(NO_FX_GRAPHS)


class Node:
    """One operation in an FX graph; retrograd has no FX graphs, so building one raises."""

    def __init__(
        self,
        graph: Any,
        name: str,
        op: str,
        target: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        return_type: Any = None,
    ) -> None:
        no_fx_graphs()
