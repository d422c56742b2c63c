"""What runs inside a DataLoader worker process, and the messages it exchanges.

A worker seeds its random generators, publishes `get_worker_info()`, calls
`worker_init_fn`, then answers `(task_index, sampler_entry)` requests from its index
queue with `(task_index, batch)` on the shared result queue until it gets None.
Errors are sent back as an `ExceptionWrapper` carrying the worker's traceback.
"""

from __future__ import annotations

import multiprocessing.queues
import os
import queue
import random
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np

from ..._generator import manual_seed
from ._fetch import _DatasetKind, make_fetcher

# How often (seconds) a blocked worker checks that its parent lives, and the main
# process checks that its workers do.
STATUS_CHECK_INTERVAL = 1.0


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What `get_worker_info()` returns inside a worker: its id, the worker count, its seed and
    its own copy of the dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Any = None
    worker_method: str | None = "multiprocessing"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """This process's `WorkerInfo` inside a DataLoader worker; None in the main process.

    An `IterableDataset.__iter__` uses it to read only its share of the data: the info's
    `id` (0 to `num_workers - 1`), `num_workers`, `seed` and `dataset` (the worker's copy).

    Returns:
        (WorkerInfo or None): the worker's info, or None outside a worker.

    Examples:
        >>> class Shard(retrograd.utils.data.IterableDataset):
        ...     def __iter__(self):
        ...         info = retrograd.utils.data.get_worker_info()
        ...         start, step = (0, 1) if info is None else (info.id, info.num_workers)
        ...         return iter(range(start, 6, step))
        >>> list(Shard())  # the main process reads everything
        [0, 1, 2, 3, 4, 5]
        >>> retrograd.utils.data.get_worker_info() is None
        True
    """
    return _worker_info


class _KeyErrorMessage(str):
    """A str whose repr is itself: KeyError reprs its argument, which would mangle a traceback."""

    __slots__ = ()

    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception's type and formatted traceback, picklable across processes (the traceback
    object itself is not)."""

    def __init__(self, where: str) -> None:
        exc_type, exc, tb = sys.exc_info()
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = where

    def reraise(self) -> NoReturn:
        """Raise the same exception type here, its message naming the worker and its traceback."""
        assert self.exc_type is not None
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            # The type needs other constructor arguments: keep the message, lose the type.
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            # Unbind it: a frame holding its own exception is a cycle, which would keep the
            # iterator, and with it the workers, alive until the next garbage collection.
            del exception


@dataclass(frozen=True)
class IterableDatasetStopIteration:
    """A worker's pass over its iterable dataset ended."""

    worker_id: int


@dataclass(frozen=True)
class ResumeIteration:
    """Start a new epoch in a persistent worker (it re-creates its fetcher and echoes this back)."""


def _seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed retrograd, `random` and NumPy's global generator for this worker; returns its seed."""
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    # PyTorch hashes (worker id, low word, high word, 0) with NumPy's SeedSequence mixing, so that
    # NumPy's stream differs from `random`'s while a program's np.random draws still match it.
    entropy = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    np.random.seed(np.random.SeedSequence(entropy).generate_state(4))
    return seed


def _parent_alive(parent_pid: int) -> bool:
    return os.getppid() == parent_pid


def _fetch_one(fetcher: Any, entry: Any, kind: int, worker_id: int, where: str) -> Any:
    """One batch, or the message that stands for its failure (end of pass, or an exception)."""
    try:
        return fetcher.fetch(entry)
    except StopIteration:
        if kind == _DatasetKind.Iterable:
            return IterableDatasetStopIteration(worker_id)
        return ExceptionWrapper(where)
    except Exception:
        return ExceptionWrapper(where)


class ResultQueue(multiprocessing.queues.Queue):
    """The workers' shared result queue. A batch that cannot be pickled is answered with its
    pickling error (a plain Queue would drop it and leave the main process waiting forever)."""

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx=ctx)

    def _on_queue_feeder_error(self, e: Exception, obj: Any) -> None:  # type: ignore[override]
        task_index = obj[0] if isinstance(obj, tuple) and len(obj) == 2 else None
        try:
            raise RuntimeError(f"DataLoader worker could not send its result: {e!r}") from e
        except RuntimeError:
            worker = "?" if _worker_info is None else _worker_info.id
            self.put((task_index, ExceptionWrapper(f"in DataLoader worker process {worker}")))


@dataclass(frozen=True)
class WorkerJob:
    """What every worker of one iterator needs to build batches."""

    kind: int
    dataset: Any
    auto_collation: bool
    collate_fn: Callable[[Any], Any]
    drop_last: bool
    base_seed: int
    init_fn: Callable[[int], None] | None

    def new_fetcher(self, where: str) -> tuple[Any, ExceptionWrapper | None]:
        """A fetcher for a new pass, or the error that making it raised (e.g. in `__iter__`)."""
        try:
            return make_fetcher(self.kind, self.dataset, self.auto_collation, self.collate_fn, self.drop_last), None
        except Exception:
            return None, ExceptionWrapper(where)


def worker_loop(
    job: WorkerJob,
    worker_id: int,
    num_workers: int,
    index_queue: Any,
    result_queue: Any,
    done_event: Any,
) -> None:
    """The body of worker process `worker_id` (see the module docstring)."""
    global _worker_info
    # The parent the worker starts with: the main process, or the server of a 'forkserver'
    # context. When it goes, so did the main process (as PyTorch's worker watchdog reasons).
    parent_pid = os.getppid()
    where = f"in DataLoader worker process {worker_id}"
    try:
        from ... import _threads

        _threads.set_num_threads(1)  # workers run side by side: one thread each, as PyTorch
        seed = _seed_worker(job.base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=job.dataset)
        fetcher: Any = None
        error: ExceptionWrapper | None = None  # answers every request while set
        try:
            if job.init_fn is not None:
                job.init_fn(worker_id)
        except Exception:
            error = ExceptionWrapper(where)
        init_failed = error is not None  # then every request, in every pass, gets that error
        if not init_failed:
            fetcher, error = job.new_fetcher(where)
        ended = False
        while _parent_alive(parent_pid):
            try:
                request = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if request is None:
                break  # shutdown
            if isinstance(request, ResumeIteration):
                result_queue.put((request, None))
                ended = False
                if not init_failed:
                    fetcher, error = job.new_fetcher(where)
                continue
            if done_event.is_set() or ended:
                continue  # shutting down or this pass is over: drop the request
            task_index, entry = request
            data: Any
            if error is not None:
                data = error
            else:
                data = _fetch_one(fetcher, entry, job.kind, worker_id, where)
                ended = isinstance(data, IterableDatasetStopIteration)
            result_queue.put((task_index, data))
            del data, entry, request  # free the batch now, not at the next request
    except KeyboardInterrupt:
        pass  # the main process decides what an interrupt means
    if done_event.is_set():
        # Do not block exit flushing results nobody will read.
        result_queue.cancel_join_thread()
        result_queue.close()
