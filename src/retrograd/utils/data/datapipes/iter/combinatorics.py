"""`torch.utils.data.datapipes.iter.combinatorics`: `ShufflerIterDataPipe`, a buffer shuffler."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sized
from typing import Any, TypeVar

from .....dtypes import int64
from .....ops import empty
from ..datapipe import IterDataPipe

__all__ = ["ShufflerIterDataPipe"]

_T_co = TypeVar("_T_co", covariant=True)


class ShufflerIterDataPipe(IterDataPipe[_T_co]):
    """Shuffle `datapipe` through a buffer of `buffer_size` items (reservoir sampling).

    Each new iterator reseeds the shuffler: with the seed given to `set_seed` (used once), else
    with a seed drawn from the global generator as PyTorch draws it, so `manual_seed` makes the
    order repeatable. `buffer_size >= len(datapipe)` shuffles fully; 1 keeps the order.

    Example:
        >>> import retrograd
        >>> from retrograd.utils.data.datapipes.iter.combinatorics import ShufflerIterDataPipe
        >>> list(ShufflerIterDataPipe(range(6)).set_seed(0))
        [3, 4, 0, 2, 5, 1]
    """

    def __init__(self, datapipe: Any, *, buffer_size: int = 10000, unbatch_level: int = 0) -> None:
        super().__init__()
        if buffer_size <= 0:
            raise AssertionError("buffer_size should be larger than 0")
        if unbatch_level != 0:
            raise NotImplementedError("ShufflerIterDataPipe(unbatch_level=...): retrograd has no DataPipe unbatching")
        self.datapipe = datapipe
        self.buffer_size = buffer_size
        self._buffer: list[Any] = []
        self._enabled = True
        self._seed: int | None = None
        self._rng = random.Random()

    def set_shuffle(self, shuffle: bool = True) -> ShufflerIterDataPipe[_T_co]:
        """Turn shuffling on or off (off: items pass through in order)."""
        self._enabled = shuffle
        return self

    def set_seed(self, seed: int) -> ShufflerIterDataPipe[_T_co]:
        """Seed the next iterator's order."""
        self._seed = seed
        return self

    def reset(self) -> None:
        """Empty the buffer and reseed (called for each new iterator, as PyTorch's DataPipe hook does)."""
        self._buffer = []
        if self._enabled:
            if self._seed is None:
                self._seed = int(empty((), dtype=int64).random_().item())
            self._rng.seed(self._seed)
            self._seed = None

    def __iter__(self) -> Iterator[_T_co]:
        self.reset()
        return self._items()

    def _items(self) -> Iterator[Any]:
        if not self._enabled:
            yield from self.datapipe
            return
        for x in self.datapipe:
            if len(self._buffer) == self.buffer_size:
                idx = self._rng.randint(0, len(self._buffer) - 1)
                val, self._buffer[idx] = self._buffer[idx], x
                yield val
            else:
                self._buffer.append(x)
        while self._buffer:
            idx = self._rng.randint(0, len(self._buffer) - 1)
            yield self._buffer.pop(idx)

    def __len__(self) -> int:
        if isinstance(self.datapipe, Sized):
            return len(self.datapipe)
        raise TypeError(f"{type(self).__name__} instance doesn't have valid length")
