"""Turn hangs and crashes into clear errors: a timeout on every wait, and abort on an uncaught exception.

MPI calls block until every rank of the group arrives; a rank that died, raised or went down a
different code path would leave the others waiting forever. A daemon thread watches the call in
progress and, past the group's timeout, prints what this rank was waiting for and ends the
process, which makes the launcher (mpiexec) stop the whole job. An uncaught exception on any
rank aborts the job the same way instead of leaving the other ranks blocked.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from ._mpi import mpi

EXIT_CODE = 3  # what a rank exits with after a timeout


class Watchdog:
    """One per process: ends it when a watched wait outlasts its timeout."""

    def __init__(self, rank: int) -> None:
        self.rank = rank
        self._lock = threading.Lock()
        self._waiting: tuple[str, float, float] | None = None  # (what, started, timeout seconds)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="retrograd-distributed-watchdog", daemon=True)
        self._thread.start()

    @contextmanager
    def waiting(self, what: str, timeout: float) -> Iterator[None]:
        """Watch the body: an MPI call waiting for the other ranks of a group."""
        with self._lock:
            self._waiting = (what, time.monotonic(), timeout)
        try:
            yield
        finally:
            with self._lock:
                self._waiting = None

    def stop(self) -> None:
        self._stopped.set()

    def _watch(self) -> None:
        while not self._stopped.wait(0.2):
            with self._lock:
                waiting = self._waiting
            if waiting is not None and time.monotonic() - waiting[1] > waiting[2]:
                what, _, timeout = waiting
                sys.stderr.write(
                    f"[rank {self.rank}] retrograd.distributed: timed out after {timeout:g} s waiting in {what}: "
                    "another rank has died, raised an error, or called a different collective. "
                    "Ending this rank (init_process_group(timeout=...) sets the limit).\n"
                )
                sys.stderr.flush()
                os._exit(EXIT_CODE)


class AbortOnException:
    """An excepthook that prints the rank's traceback, then aborts every rank of the job."""

    def __init__(self, rank: int, previous: Any) -> None:
        self.rank = rank
        self.previous = previous

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        lines = traceback.format_exception(kind, value, tb)
        sys.stderr.write(f"[rank {self.rank}] " + "".join(lines))
        sys.stderr.write(
            f"[rank {self.rank}] retrograd.distributed: uncaught {kind.__name__} on rank {self.rank}; "
            "aborting all ranks.\n"
        )
        sys.stderr.flush()
        mpi().COMM_WORLD.Abort(1)
