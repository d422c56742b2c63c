"""`torch.utils.flop_counter`: `FlopCounterMode`, which Lightning's model summary builds.

PyTorch's counter is a dispatch mode that adds up the FLOPs of every matmul, convolution and
attention call made inside it, per module. retrograd has no dispatch modes, so it counts
nothing: the counts stay empty (a total of 0), and entering the mode warns that they do.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from types import TracebackType
from typing import Any

__all__ = ["FlopCounterMode"]


class FlopCounterMode:
    """A context manager that would count FLOPs per module; retrograd counts none (see the module doc)."""

    def __init__(
        self, mods: Any = None, depth: int = 2, display: bool = True, custom_mapping: dict[Any, Any] | None = None
    ) -> None:
        if mods is not None:
            warnings.warn("mods argument is not needed anymore, you can stop passing it", stacklevel=2)
        self.depth = depth
        self.display = display
        self.flop_counts: dict[str, dict[Any, int]] = defaultdict(lambda: defaultdict(int))

    def get_total_flops(self) -> int:
        """The FLOPs counted inside the mode: 0 here."""
        return sum(self.flop_counts["Global"].values())

    def get_flop_counts(self) -> dict[str, dict[Any, int]]:
        """FLOPs by module name, then by op: empty here."""
        return {name: dict(counts) for name, counts in self.flop_counts.items()}

    def __enter__(self) -> FlopCounterMode:
        warnings.warn("retrograd does not count FLOPs: FlopCounterMode's counts stay 0", UserWarning, stacklevel=2)
        self.flop_counts.clear()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None
