"""`torch.utils.data.datapipes.datapipe`: the base classes of iterable- and map-style DataPipes."""

from __future__ import annotations

from typing import TypeVar

from ..dataset import Dataset, IterableDataset

__all__ = ["IterDataPipe", "MapDataPipe"]

_T_co = TypeVar("_T_co", covariant=True)


class IterDataPipe(IterableDataset[_T_co]):
    """An iterable-style DataPipe: an `IterableDataset` that builds on another DataPipe."""


class MapDataPipe(Dataset[_T_co]):
    """A map-style DataPipe: a `Dataset` indexed by keys, built on another DataPipe."""
