"""`torch.utils.data.graph_settings`: seeding the random DataPipes of a pipeline."""

from __future__ import annotations

from typing import Any

from ...dtypes import int64
from ...ops import empty
from ...random import Generator

__all__ = ["apply_random_seed"]


def apply_random_seed(datapipe: Any, rng: Generator) -> Any:
    """Give each random DataPipe (one with `set_seed`) in `datapipe`'s chain a seed drawn from `rng`.

    The chain is followed through each pipe's `datapipe` attribute, from the outermost pipe in; a
    DataLoader calls this for each new pass with a generator seeded from its own. Returns `datapipe`.
    """
    seen: list[int] = []
    pipe = datapipe
    while pipe is not None and id(pipe) not in seen:
        seen.append(id(pipe))
        if callable(getattr(pipe, "set_seed", None)):
            pipe.set_seed(int(empty((), dtype=int64).random_(generator=rng).item()))
        pipe = getattr(pipe, "datapipe", None)
    return datapipe
