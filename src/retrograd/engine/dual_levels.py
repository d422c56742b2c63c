"""Which dual level of forward-mode AD is open, and which tensors carry a tangent at it.

Apart from `forward_ad` so that the graph's saved tensors can read it (forward_ad itself
runs backward passes, which import the graph).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..tensor import Tensor


class _Levels:
    level: int | None = None  # the active dual level (one at a time, as in practice in PyTorch)
    # tensors given a tangent at the level, by id (tensors compare elementwise), cleared when it ends
    carriers: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


levels = _Levels()


def carry(t: Tensor, tangent: Tensor | None) -> None:
    """Give `t` its tangent at the current dual level (forgotten when the level ends)."""
    t._fw_grad = tangent
    if tangent is not None:
        levels.carriers[id(t)] = t
