"""One pass over a DataLoader: the shared part, and the pass run in the calling process."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ...dtypes import int64
from ...ops import empty
from ...random import Generator
from ._fetch import _DatasetKind, make_fetcher
from .datapipes.datapipe import IterDataPipe
from .graph_settings import apply_random_seed

if TYPE_CHECKING:
    from .dataloader import DataLoader


# PyTorch's hint when workers fetched more than the reported length: each has a whole copy of the data
_UNSHARDED_REPLICAS = (
    "For multiprocessing data-loading, this could be caused by not properly configuring the IterableDataset "
    "replica at each worker. Please see https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset "
    "for examples."
)


def reseed_datapipe(dataset: Any, loader: DataLoader) -> None:
    """Reseed a DataPipe's shufflers from a seed drawn from the loader's generator, as PyTorch does
    when an iterator starts (and, with workers, once more for the workers' copies)."""
    if isinstance(dataset, IterDataPipe):
        shared_seed = int(empty((), dtype=int64).random_(generator=loader.generator).item())
        apply_random_seed(dataset, Generator().manual_seed(shared_seed))


class _BaseDataLoaderIter:
    """Sampler pass, worker base seed and batch count, whatever process loads the data.

    The iterator classes carry PyTorch's names: programs print `type(iter(loader)).__name__`.
    """

    def __init__(self, loader: DataLoader) -> None:
        # Warned at the iterator class's `super().__init__` line, as PyTorch: the default filter shows
        # each once per process, however many loaders a program iterates from however many lines.
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn(
                "pin_memory_device is deprecated, the current accelerator will be used as the device,"
                f"ignore pin_memory_device='{loader.pin_memory_device}'.",
                stacklevel=2,
            )
        if loader.pin_memory:
            warnings.warn(
                "'pin_memory' argument is set as true but no accelerator is found, "
                "then device pinned memory won't be used.",
                stacklevel=2,
            )
        self._dataset = loader.dataset
        reseed_datapipe(self._dataset, loader)
        self._kind = loader._dataset_kind
        self._auto_collation = loader._auto_collation
        self._collate_fn = loader.collate_fn
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._timeout = loader.timeout
        self._num_workers = loader.num_workers
        self._reset(loader, first_iter=True)
        # Drawn once per iterator (with workers or not, as PyTorch) so that the random stream,
        # and with it a shuffled order, is the same for any num_workers. Persistent workers
        # keep their iterator, and with it this seed, across passes (`_reset` draws no new one).
        # PyTorch draws it after making the sampler iterator, as a full-range int64 `random_`,
        # so a worker's `get_worker_info().seed` is the same number.
        self._base_seed = int(empty((), dtype=int64).random_(generator=loader.generator).item())

    def _reset(self, loader: DataLoader, first_iter: bool = False) -> None:
        """Start a new pass: a fresh sampler iterator (the base seed stays, as PyTorch)."""
        # No reference to the loader: a persistent loader holds its iterator, and a cycle
        # would leave the workers' queues to the garbage collector, which closes them
        # before the shutdown in __del__ can use them.
        self._reported_len = loader._IterableDataset_len_called
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0

    def __iter__(self) -> _BaseDataLoaderIter:
        return self

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __next__(self) -> Any:
        data = self._next_data()
        self._num_yielded += 1
        reported = self._reported_len
        if self._kind == _DatasetKind.Iterable and reported is not None and self._num_yielded > reported:
            message = (
                f"Length of IterableDataset {self._dataset} was reported to be {reported}"
                f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. "
            )
            if self._num_workers > 0:
                message += _UNSHARDED_REPLICAS
            warnings.warn(message, stacklevel=2)
        return data

    def _next_data(self) -> Any:
        raise NotImplementedError


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """Loads every batch in the calling process (`num_workers=0`)."""

    def __init__(self, loader: DataLoader) -> None:
        if loader.timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        super().__init__(loader)
        self._fetcher = make_fetcher(self._kind, self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def _next_data(self) -> Any:
        return self._fetcher.fetch(next(self._sampler_iter))
