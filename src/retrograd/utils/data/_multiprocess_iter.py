"""A pass over a DataLoader whose batches are loaded by worker processes.

Sampler entries go round-robin to the workers' index queues, at most
`prefetch_factor * num_workers` at a time; results come back on one shared queue and
are yielded in sampler order (`in_order=True`) or as they arrive. Workers are shut
down at the end of the pass (unless persistent) and when the iterator is dropped (an
early `break`, see `_worker_pool`); a worker that dies is reported, not waited for.
"""

from __future__ import annotations

import itertools
import queue
from typing import TYPE_CHECKING, Any

from ._loader_iter import _BaseDataLoaderIter, reseed_datapipe
from ._worker import STATUS_CHECK_INTERVAL, ExceptionWrapper, IterableDatasetStopIteration, ResumeIteration, WorkerJob
from ._worker_pool import WorkerPool

if TYPE_CHECKING:
    from .dataloader import DataLoader


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Loads batches in `loader.num_workers` worker processes (see the module docstring)."""

    def __init__(self, loader: DataLoader) -> None:
        prefetch_factor = loader.prefetch_factor
        assert prefetch_factor is not None
        if prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        self._num_workers = loader.num_workers
        self._max_tasks = prefetch_factor * self._num_workers
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        super().__init__(loader)
        job = WorkerJob(
            self._kind,
            self._dataset,
            self._auto_collation,
            self._collate_fn,
            self._drop_last,
            self._base_seed,
            loader.worker_init_fn,
        )
        self._pool = WorkerPool(self, loader.multiprocessing_context, self._num_workers, job)
        # PyTorch's first `_reset` reseeds once more, after the workers took their copies
        reseed_datapipe(self._dataset, loader)
        self._workers = self._pool.workers
        self._index_queues = self._pool.index_queues
        self._result_queue = self._pool.result_queue
        self._start_pass(first_iter=True)

    def _reset(self, loader: DataLoader, first_iter: bool = False) -> None:
        super()._reset(loader, first_iter)
        if not first_iter:
            self._start_pass(first_iter=False)

    def _start_pass(self, first_iter: bool) -> None:
        self._send_idx = 0  # index of the next task sent
        self._rcvd_idx = 0  # index of the next task to yield
        self._task_worker: dict[int, int] = {}  # outstanding task -> its worker
        self._arrived: dict[int, Any] = {}  # results that came before their turn
        self._workers_active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # Persistent workers: start their new pass, and drop what the previous pass left
            # in flight (each worker answers in order, so its echo comes after those).
            for index_queue in self._index_queues:
                index_queue.put(ResumeIteration())
            resumed = 0
            while resumed < self._num_workers:
                task_index, _ = self._get_result()
                resumed += isinstance(task_index, ResumeIteration)
        for _ in range(self._max_tasks):
            self._send_next_task()

    def _send_next_task(self) -> None:
        """Send the next sampler entry to the next active worker, if there is one of each."""
        active = [w for w in range(self._num_workers) if self._workers_active[w]]
        if not active:
            return
        try:
            entry = next(self._sampler_iter)
        except StopIteration:
            return
        worker_id = next(self._worker_cycle)
        while not self._workers_active[worker_id]:
            worker_id = next(self._worker_cycle)
        self._index_queues[worker_id].put((self._send_idx, entry))
        self._task_worker[self._send_idx] = worker_id
        self._send_idx += 1

    def _next_data(self) -> Any:
        while True:
            # Skip tasks that will never be answered (their worker's iterable pass ended).
            while (
                self._rcvd_idx < self._send_idx
                and self._rcvd_idx not in self._arrived
                and (
                    self._rcvd_idx not in self._task_worker
                    or not self._workers_active[self._task_worker[self._rcvd_idx]]
                )
            ):
                self._task_worker.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            if self._rcvd_idx >= self._send_idx:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if self._rcvd_idx in self._arrived:
                data = self._arrived.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process(data)
            task_index, data = self._get_result()
            if task_index is None:  # an error that belongs to no task (see ResultQueue)
                return self._process(data)
            del self._task_worker[task_index]
            if isinstance(data, IterableDatasetStopIteration):
                self._retire(data.worker_id)
                self._send_next_task()
                continue
            if task_index == self._rcvd_idx:
                self._rcvd_idx += 1
                return self._process(data)
            if not self._in_order:
                return self._process(data)
            self._arrived[task_index] = data

    def _process(self, data: Any) -> Any:
        self._send_next_task()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _retire(self, worker_id: int) -> None:
        """A worker's iterable pass ended: send it nothing more this pass (a non-persistent
        worker is told to exit)."""
        self._workers_active[worker_id] = False
        if not self._persistent:
            self._index_queues[worker_id].put(None)

    def _get_result(self) -> tuple[Any, Any]:
        """The next `(task_index, data)` from the workers, checking on them while waiting."""
        waited = 0.0
        while True:
            interval = STATUS_CHECK_INTERVAL if self._timeout <= 0 else min(STATUS_CHECK_INTERVAL, self._timeout)
            try:
                return self._result_queue.get(timeout=interval)
            except queue.Empty:
                pass
            dead = [w for w_id, w in enumerate(self._workers) if self._workers_active[w_id] and not w.is_alive()]
            if dead:
                pids = ", ".join(str(w.pid) for w in dead)
                self._shutdown_workers()
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
            waited += interval
            if self._timeout > 0 and waited >= self._timeout:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def _shutdown_workers(self) -> None:
        """Stop and reap every worker (once; later calls do nothing)."""
        self._pool.stop()
