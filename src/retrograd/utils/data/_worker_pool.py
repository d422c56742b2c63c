"""The worker processes of one DataLoader iterator, their queues, and their shutdown.

Shutdown is a `weakref.finalize` on the iterator rather than its `__del__`: the pool is
then kept reachable by the finalizer, so when the iterator dies in a reference cycle
(an exception's traceback makes one easily) the garbage collector cannot close the
pool's queues before the shutdown uses them to tell the workers to stop.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import pickle
import sys
import warnings
import weakref
from typing import Any

from ..._user_frames import user_stacklevel
from ._worker import STATUS_CHECK_INTERVAL, ResultQueue, WorkerJob, worker_loop


def default_context() -> multiprocessing.context.BaseContext:
    """'fork' on Linux unless the program chose a start method (PyTorch's default there)."""
    chosen = multiprocessing.get_start_method(allow_none=True)
    if chosen is None and sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _start(worker: Any) -> None:
    """Start `worker`; when its arguments cannot be pickled (the 'spawn' and 'forkserver' start
    methods send them to the child), PyTorch's hint, at the user's line, before the error."""
    try:
        worker.start()
    except (TypeError, AttributeError, pickle.PicklingError):
        warnings.warn(
            "Got pickle error when attempting to start a worker Process. "
            "This might be because the worker Process arguments are not picklable. "
            "Python 3.14+ changed the multiprocessing start method in non-Mac POSIX platforms "
            "to 'forkserver', which requires the worker Process arguments to be picklable. "
            "You can also try multiprocessing.set_start_method('fork').",
            stacklevel=user_stacklevel(),
        )
        raise


class WorkerPool:
    """`num_workers` daemonic processes running `worker_loop`, each with its own index queue
    and all sharing one result queue."""

    def __init__(
        self, owner: object, ctx: multiprocessing.context.BaseContext | None, num_workers: int, job: WorkerJob
    ) -> None:
        """Start the workers; they stop when `owner` is collected or `stop()` is called."""
        ctx = ctx or default_context()
        self.result_queue = ResultQueue(ctx)
        self.done_event = ctx.Event()
        self.index_queues: list[Any] = []
        self.workers: list[Any] = []
        self._owner_pid = os.getpid()  # a forked child inherits this object, not the workers
        self.stop = weakref.finalize(owner, self._shutdown)
        self.stop.atexit = False  # at exit multiprocessing terminates daemonic workers itself
        for worker_id in range(num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()  # never block exit on requests a worker will not read
            worker = ctx.Process(  # type: ignore[attr-defined]
                target=worker_loop,
                args=(job, worker_id, num_workers, index_queue, self.result_queue, self.done_event),
                daemon=True,
            )
            _start(worker)
            self.index_queues.append(index_queue)
            self.workers.append(worker)  # only started workers: join() needs a started process

    def _shutdown(self) -> None:
        """Tell every worker to stop, reap them, and terminate any that do not stop in time."""
        if os.getpid() != self._owner_pid:
            return
        try:
            self.done_event.set()
            for index_queue in self.index_queues:
                index_queue.put(None)
            for worker in self.workers:
                worker.join(timeout=STATUS_CHECK_INTERVAL)
            for index_queue in self.index_queues:
                index_queue.close()
        finally:
            for worker in self.workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join()
            self.result_queue.cancel_join_thread()
            self.result_queue.close()
