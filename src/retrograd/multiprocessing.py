"""`torch.multiprocessing`: Python's `multiprocessing`, plus PyTorch's `spawn` and sharing strategies.

Every name of the standard module is here (`Process`, `Queue`, `Pool`, `get_context`,
`set_start_method`, ...), so `import torch.multiprocessing as mp` works as in PyTorch. Tensors
sent to another process (a spawned process's arguments, a queue's items) share its memory when
`Tensor.share_memory_()` put it in shared memory (Hogwild-style training; processes forked
afterwards share it too), as PyTorch's "file_descriptor" strategy; other tensors are copied
(PyTorch would move them to shared memory first). Under `python -m retrograd run`, spawned
processes see `torch` as retrograd too.
"""

from __future__ import annotations

import logging
import multiprocessing as _mp
import multiprocessing.connection as _mp_connection
import signal
import time
import traceback
from collections.abc import Callable
from multiprocessing import *  # noqa: F403  (the standard module's names, as PyTorch re-exports them)
from typing import Any

from ._shared_memory import share_with_processes as _share_with_processes
from .nn.parameter import Parameter as _Parameter
from .tensor import Tensor as _Tensor

__all__ = [
    *_mp.__all__,
    "spawn",
    "start_processes",
    "ProcessContext",
    "ProcessRaisedException",
    "ProcessExitedException",
    "get_sharing_strategy",
    "set_sharing_strategy",
    "get_all_sharing_strategies",
]

_log = logging.getLogger(__name__)
_share_with_processes(_Tensor)  # as `import torch.multiprocessing` registers PyTorch's reductions
_share_with_processes(_Parameter)
_STRATEGIES = {"file_descriptor", "file_system"}
_strategy = "file_descriptor"


def get_all_sharing_strategies() -> set[str]:
    """The strategies `set_sharing_strategy` takes: PyTorch's names.

    Returns:
        set of str: `{"file_descriptor", "file_system"}`.

    Examples:
        >>> sorted(retrograd.multiprocessing.get_all_sharing_strategies())
        ['file_descriptor', 'file_system']
    """
    return set(_STRATEGIES)


def get_sharing_strategy() -> str:
    """The strategy last set (PyTorch's default on Linux: "file_descriptor").

    Returns:
        str: the strategy's name.

    Examples:
        >>> retrograd.multiprocessing.get_sharing_strategy()
        'file_descriptor'
    """
    return _strategy


def set_sharing_strategy(new_strategy: str) -> None:
    """Choose how PyTorch passes shared tensors between processes; retrograd copies them (see the module).

    The name is checked and remembered for `get_sharing_strategy`, so programs that switch to
    "file_system" (to stay under the open-files limit with many DataLoader workers) run unchanged.

    Args:
        new_strategy (str): "file_descriptor" or "file_system".

    Returns:
        None

    Examples:
        >>> retrograd.multiprocessing.set_sharing_strategy("file_system")
        >>> retrograd.multiprocessing.get_sharing_strategy()
        'file_system'
        >>> retrograd.multiprocessing.set_sharing_strategy("file_descriptor")
    """
    global _strategy
    if new_strategy not in _STRATEGIES:
        raise AssertionError(f"unknown sharing strategy {new_strategy!r}")  # PyTorch asserts it
    _strategy = new_strategy


class ProcessException(Exception):
    """What `ProcessContext.join` raises when a spawned process failed: its index and process id.

    Args:
        msg (str): the message.
        error_index (int): the failed process's index.
        error_pid (int): its process id.

    Returns:
        (ProcessException): the base of `ProcessRaisedException` and `ProcessExitedException`.

    Examples:
        >>> e = retrograd.multiprocessing.ProcessException("boom", 0, 123)
        >>> e.error_index, e.error_pid
        (0, 123)
    """

    def __init__(self, msg: str, error_index: int, error_pid: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self) -> tuple:  # pickled with every argument, as PyTorch's (Exception keeps only msg)
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A process started by `spawn` raised; the message holds its traceback.

    Args:
        msg (str): the message, ending with the child's traceback.
        error_index (int): the failed process's index.
        error_pid (int): its process id.

    Returns:
        (ProcessRaisedException): the exception `ProcessContext.join` raises.

    Examples:
        >>> e = retrograd.multiprocessing.ProcessRaisedException("boom", 0, 123)
        >>> e.error_index, e.error_pid
        (0, 123)
    """


class ProcessExitedException(ProcessException):
    """A process started by `spawn` ended with a non-zero exit code (or a signal).

    Args:
        msg (str): the message.
        error_index (int): the failed process's index.
        error_pid (int): its process id.
        exit_code (int): its exit code (negative: killed by that signal).
        signal_name (str, optional): the signal's name (`"SIGKILL"`) when one ended it.

    Returns:
        (ProcessExitedException): the exception `ProcessContext.join` raises.

    Examples:
        >>> e = retrograd.multiprocessing.ProcessExitedException("gone", 1, 7, exit_code=3)
        >>> e.exit_code
        3
    """

    def __init__(self, msg: str, error_index: int, error_pid: int, exit_code: int, signal_name: str | None = None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self) -> tuple:
        return type(self), (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)


def _run(fn: Callable, index: int, args: tuple, errors: Any) -> None:
    """A spawned process's entry: `fn(index, *args)`, its traceback sent back if it raises."""
    try:
        fn(index, *args)
    except KeyboardInterrupt:
        pass
    except Exception:  # noqa: BLE001 - reported to the parent, which raises it
        errors.put(traceback.format_exc())
        raise SystemExit(1) from None


class ProcessContext:
    """The processes `start_processes` started; `join()` waits for them and raises the first failure.

    Args:
        processes (list of Process): the started processes.
        error_queues (list of Queue): one per process, for its traceback.

    Returns:
        (ProcessContext): what `spawn(..., join=False)` returns.

    Examples:
        >>> ctx = retrograd.multiprocessing.ProcessContext([], [])
        >>> ctx.join(), ctx.pids()
        (True, [])
    """

    def __init__(self, processes: list, error_queues: list) -> None:
        self.processes = processes
        self.error_queues = error_queues

    def pids(self) -> list[int]:
        """The process ids, in index order."""
        return [p.pid for p in self.processes]

    def join(self, timeout: float | None = None, grace_period: float | None = None) -> bool:
        """Wait up to `timeout` seconds; True once all processes ended, else False (still running).

        When one fails, the others are terminated (SIGTERM after `grace_period` seconds, SIGKILL if still
        alive after another grace period, 30 s by default) and its error is raised: ProcessRaisedException
        with its traceback, or ProcessExitedException.
        """
        running = {p.sentinel: i for i, p in enumerate(self.processes) if p.exitcode is None}
        # Wait for whichever process ends first, as PyTorch does: a rank that fails is reported (and the
        # others stopped) at once, even while a lower rank still waits for it in a collective.
        ready = _mp_connection.wait(list(running), timeout) if running else []
        for sentinel in ready:
            i = running[sentinel]
            self.processes[i].join()
            if self.processes[i].exitcode != 0:
                self._stop_all(grace_period)
                self._raise_failure(i)
        for i, p in enumerate(self.processes):  # ended before this call
            if p.exitcode not in (None, 0):
                self._stop_all(grace_period)
                self._raise_failure(i)
        return all(p.exitcode is not None for p in self.processes)

    def _stop_all(self, grace_period: float | None) -> None:
        if grace_period is not None:
            self._join_all(grace_period)
        for p in self.processes:
            if p.is_alive():
                _log.warning("Terminating process %s via signal SIGTERM", p.pid)
                p.terminate()
        self._join_all(30 if grace_period is None else grace_period)
        for p in self.processes:
            if p.is_alive():
                p.kill()
            p.join()

    def _join_all(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        for p in self.processes:
            p.join(max(0.0, deadline - time.monotonic()))

    def _raise_failure(self, i: int) -> None:
        p = self.processes[i]
        if not self.error_queues[i].empty():
            message = f"\n\n-- Process {i} terminated with the following error:\n{self.error_queues[i].get()}"
            raise ProcessRaisedException(message, i, p.pid)
        if p.exitcode < 0:
            name = _signal_name(-p.exitcode)
            raise ProcessExitedException(f"process {i} terminated with signal {name}", i, p.pid, exit_code=p.exitcode,
                                         signal_name=name)
        raise ProcessExitedException(f"process {i} terminated with exit code {p.exitcode}", i, p.pid,
                                     exit_code=p.exitcode)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"<Unknown signal {number}>"


def start_processes(
    fn: Callable, args: tuple = (), nprocs: int = 1, join: bool = True, daemon: bool = False,
    start_method: str = "spawn",
) -> ProcessContext | None:
    """Run `fn(i, *args)` in `nprocs` new processes, i = 0 .. nprocs - 1 (the multiprocessing start method given).

    Args:
        fn (callable): the function (picklable for "spawn" and "forkserver": defined at module level).
        args (tuple): more arguments for `fn`, after the process index.
        nprocs (int): how many processes (default 1).
        join (bool): wait for all of them and raise the first failure (default True).
        daemon (bool): make them daemon processes (default False).
        start_method (str): "spawn" (default), "fork" or "forkserver".

    Returns:
        ProcessContext or None: None after joining; the context when `join` is False.

    Examples:
        >>> retrograd.multiprocessing.start_processes(print, nprocs=0) is None
        True
    """
    ctx = _mp.get_context(start_method)
    processes, queues = [], []
    for i in range(nprocs):
        errors = ctx.SimpleQueue()
        p = ctx.Process(target=_run, args=(fn, i, args, errors), daemon=daemon)  # type: ignore[attr-defined]
        p.start()
        processes.append(p)
        queues.append(errors)
    context = ProcessContext(processes, queues)
    if not join:
        return context
    while not context.join():
        pass
    return None


def spawn(
    fn: Callable, args: tuple = (), nprocs: int = 1, join: bool = True, daemon: bool = False,
    start_method: str = "spawn",
) -> ProcessContext | None:
    """`start_processes` with the "spawn" start method (PyTorch's usual way to start one process per worker).

    Args:
        fn (callable): called as `fn(i, *args)` in each process; must be picklable.
        args (tuple): more arguments for `fn`.
        nprocs (int): how many processes (default 1).
        join (bool): wait for all of them and raise the first failure (default True).
        daemon (bool): make them daemon processes (default False).
        start_method (str): must be "spawn" (as PyTorch; use `start_processes` for others).

    Returns:
        ProcessContext or None: None after joining; the context when `join` is False.

    Examples:
        >>> retrograd.multiprocessing.spawn(print, nprocs=0) is None
        True
    """
    if start_method != "spawn":
        raise ValueError(
            f"This method only supports start_method=spawn (got: {start_method}).\n"
            "To use a different start_method use:\n\t\t torch.multiprocessing.start_processes(...)"
        )
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
