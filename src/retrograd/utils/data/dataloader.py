"""DataLoader: batches of samples from a dataset, in sampler order, collated.

With `num_workers=0` batches are loaded in the calling process; with `num_workers > 0`
by that many worker processes (see `_multiprocess_iter`), giving the same batches in
the same order. `pin_memory=True` warns and pins nothing, as PyTorch does when no
accelerator is present (retrograd has none).
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.context
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..._display_name import package_class, public_class
from ...random import Generator
from ._fetch import _DatasetKind
from ._loader_iter import _BaseDataLoaderIter, _SingleProcessDataLoaderIter
from ._multiprocess_iter import _MultiProcessingDataLoaderIter
from ._worker import get_worker_info
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]

_T = TypeVar("_T")
_worker_init_fn_t = Callable[[int], None]
_collate_fn_t = Callable[[list[_T]], Any]  # PyTorch's aliases, which libraries (Opacus) import for their hints

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class _InfiniteConstantSampler(Sampler[None]):
    """Yields None forever: the index stream of an iterable dataset (the dataset decides the end)."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


def _check_worker_count(num_workers: int) -> None:
    """PyTorch's warning when there are more workers than CPUs this process may run on.

    As in PyTorch it names the loader's own line (its caller here), not the user's: under the default
    warning filter a program sees it once when a loader is made and once when workers start, however
    many loaders it makes and iterates.
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if num_workers and (usable is None or num_workers > usable):
        if usable is None:
            suggestion = "DataLoader is not able to compute a suggested max number of worker in current system."
        else:
            unchecked = "" if hasattr(os, "sched_getaffinity") else " (`cpuset` is not taken into account)"
            suggestion = (
                f"Our suggested max number of worker in current system is {usable}{unchecked}, which is smaller "
                "than what this DataLoader is going to create."
            )
        warnings.warn(
            f"This DataLoader will create {num_workers} worker processes in total. {suggestion} Please be aware "
            "that excessive worker creation might get DataLoader running slow or even freeze, lower the worker "
            "number to avoid potential slowness/freeze if necessary.",
            stacklevel=2,
        )


def _check_worker_options(num_workers: int, timeout: float, prefetch_factor: int | None,
                          persistent_workers: bool) -> int | None:
    """PyTorch's checks of the multiprocessing options; returns the prefetch factor in force."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing."
            "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
        )
    if num_workers > 0 and prefetch_factor is None:
        prefetch_factor = 2
    elif prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    return prefetch_factor


def _check_iterable_options(shuffle: Any, sampler: Any, batch_sampler: Any) -> None:
    """An iterable dataset orders itself: no shuffle, sampler or batch_sampler."""
    if shuffle not in {False, None}:
        raise ValueError(
            f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
        )
    if sampler is not None:
        raise ValueError(
            f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
        )
    if batch_sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified "
            f"batch_sampler option, but got batch_sampler={batch_sampler}"
        )


class DataLoader:
    """Iterates over `dataset` in batches: `for x, y in DataLoader(ds, batch_size=32, shuffle=True)`.

    Map-style datasets are read in sampler order (sequential, or a random permutation
    from `generator` when `shuffle=True`); `batch_size=None` turns batching off.
    See the module docstring for what `num_workers` and friends do here.

    Args:
        dataset (Dataset): a map-style or iterable-style dataset.
        batch_size (int, optional): samples per batch (default 1); None for no batching.
        shuffle (bool, optional): reshuffle at every epoch (default False).
        sampler (Sampler or iterable, optional): the order of indices; excludes `shuffle`.
        batch_sampler (Sampler or iterable, optional): yields lists of indices; excludes
            `batch_size`, `shuffle`, `sampler` and `drop_last`.
        num_workers (int): worker processes for loading (default 0, the main process).
        collate_fn (callable, optional): merges a list of samples into a batch (default:
            `default_collate`, which stacks tensors and numbers).
        pin_memory (bool): copy batches into pinned memory.
        drop_last (bool): drop the last batch if it is incomplete (default False).
        timeout (float): how long to wait for a worker's batch (default 0, no limit).
        worker_init_fn (callable, optional): called in each worker with its id.
        multiprocessing_context (str or context, optional): how workers are started.
        generator (Generator, optional): the generator for shuffling and worker seeds.
        prefetch_factor (int, optional): batches loaded ahead by each worker.
        persistent_workers (bool): keep the workers between epochs.
        pin_memory_device (str): the device to pin for (deprecated in PyTorch).
        in_order (bool): return batches in order even when workers finish out of order.

    Returns:
        (DataLoader): an iterable over batches; `len()` gives the number of batches.

    Examples:
        >>> from retrograd.utils.data import DataLoader, TensorDataset
        >>> ds = TensorDataset(retrograd.arange(5.0), retrograd.tensor([0, 1, 0, 1, 0]))
        >>> loader = DataLoader(ds, batch_size=2)
        >>> len(loader)
        3
        >>> for x, y in loader:
        ...     print(x, y)
        tensor([0., 1.]) tensor([0, 1])
        tensor([2., 3.]) tensor([0, 1])
        tensor([4.]) tensor([0])
    """

    _initialized = False

    def __init__(
        self, dataset: Dataset[Any], batch_size: int | None = 1, shuffle: bool | None = None,
        sampler: Sampler[Any] | Iterable[Any] | None = None,
        batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None = None, num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None, pin_memory: bool = False, drop_last: bool = False,
        timeout: float = 0, worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None, generator: Generator | None = None, *,
        prefetch_factor: int | None = None, persistent_workers: bool = False, pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        self.prefetch_factor = _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterator: _BaseDataLoaderIter | None = None  # the persistent workers' iterator
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            _check_iterable_options(shuffle, sampler, batch_sampler)
        else:
            self._dataset_kind = _DatasetKind.Map
            shuffle = bool(shuffle)
        batch_size, drop_last = self._check_batching(batch_size, shuffle, sampler, batch_sampler, drop_last)
        if sampler is None:
            sampler = self._default_sampler(dataset, bool(shuffle), generator)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called: int | None = None
        self._initialized = True
        _check_worker_count(num_workers)

    @staticmethod
    def _check_batching(batch_size: int | None, shuffle: Any, sampler: Any, batch_sampler: Any,
                        drop_last: bool) -> tuple[int | None, bool]:
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            return None, False
        if batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        return batch_size, drop_last

    def _default_sampler(self, dataset: Any, shuffle: bool, generator: Generator | None) -> Sampler[Any]:
        if self._dataset_kind == _DatasetKind.Iterable:
            return _InfiniteConstantSampler()
        if shuffle:
            return RandomSampler(dataset, generator=generator)
        return SequentialSampler(dataset)

    @property
    def multiprocessing_context(self) -> multiprocessing.context.BaseContext | None:
        """The start method's context for worker processes (None: 'fork' on Linux)."""
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context: Any) -> None:
        if context is not None:
            if self.num_workers == 0:
                raise ValueError(
                    "multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                    f"but got num_workers={self.num_workers}"
                )
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(
                        f"multiprocessing_context option should specify a valid start method in {methods!r}, "
                        f"but got multiprocessing_context={context!r}"
                    )
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError(
                    "multiprocessing_context option should be a valid context object or a string "
                    f"specifying the start method, but got multiprocessing_context={context}"
                )
        self._multiprocessing_context = context

    def __setattr__(self, attr: str, val: Any) -> None:
        if self._initialized and attr in _FROZEN:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        """What the iterator draws from: batches of indices when batching, single indices otherwise."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self) -> _BaseDataLoaderIter:
        if not (self.persistent_workers and self.num_workers > 0):
            return self._get_iterator()
        if self._iterator is None:
            self._iterator = self._get_iterator()
        else:
            self._iterator._reset(self)
        return self._iterator

    def _get_iterator(self) -> _BaseDataLoaderIter:
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        _check_worker_count(self.num_workers)  # again at each start of workers, as PyTorch
        return _MultiProcessingDataLoaderIter(self)

    def __len__(self) -> int:
        if self._dataset_kind == _DatasetKind.Iterable:
            # Trust the dataset's own length; remember it to warn if iteration yields more.
            length = self._IterableDataset_len_called = len(self.dataset)  # type: ignore[arg-type]
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)


package_class(DataLoader)  # `<torch.utils.data.dataloader.DataLoader object at ...>` under the alias
for _cls in (_BaseDataLoaderIter, _SingleProcessDataLoaderIter, _MultiProcessingDataLoaderIter):
    public_class(_cls, "utils.data.dataloader")  # where PyTorch defines its loader iterators
