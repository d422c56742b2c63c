"""Fetchers: turn one entry of the index sampler into one (collated) batch.

The same code runs in the calling process (`num_workers=0`) and in each worker process,
so a batch is built identically either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class _DatasetKind:
    Map = 0
    Iterable = 1


class MapFetcher:
    """Reads samples by index (`dataset[i]`, or `dataset.__getitems__(batch)` when defined)."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable[[Any], Any]) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn

    def fetch(self, index: Any) -> Any:
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        batched = getattr(self.dataset, "__getitems__", None)
        samples = batched(index) if batched else [self.dataset[i] for i in index]
        return self.collate_fn(samples)


class IterableFetcher:
    """Reads the next samples from one pass over an iterable dataset; StopIteration at its end."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable[[Any], Any], drop_last: bool) -> None:
        self.dataset_iter = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index: Any) -> Any:
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        samples = []
        for _ in index:
            try:
                samples.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not samples or (self.drop_last and len(samples) < len(index)):
            raise StopIteration
        return self.collate_fn(samples)


def make_fetcher(
    kind: int, dataset: Any, auto_collation: bool, collate_fn: Callable[[Any], Any], drop_last: bool
) -> MapFetcher | IterableFetcher:
    """The fetcher for a dataset of this kind (an iterable dataset's pass starts here)."""
    if kind == _DatasetKind.Map:
        return MapFetcher(dataset, auto_collation, collate_fn)
    return IterableFetcher(dataset, auto_collation, collate_fn, drop_last)
