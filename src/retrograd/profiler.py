"""`torch.profiler`: the profiler of `torch.autograd.profiler`, with activities, schedules and trace handlers.

`profile(schedule=schedule(wait=1, warmup=1, active=3), on_trace_ready=...)` records only the
steps the schedule marks active, counting steps with `prof.step()`, and hands each finished
cycle to `on_trace_ready` (`tensorboard_trace_handler(dir)` writes it as a Chrome trace file,
which TensorBoard's profile plugin and Perfetto open). Only the CPU is timed.
"""

from __future__ import annotations

import enum
import os
import socket
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from .autograd import profiler as _autograd_profiler
from .autograd.profiler import EventList, FunctionEvent, FunctionEventAvg, record_function

__all__ = [
    "EventList", "FunctionEvent", "FunctionEventAvg", "ProfilerAction", "ProfilerActivity", "kineto_available",
    "profile", "record_function", "schedule", "supported_activities", "tensorboard_trace_handler",
]


class ProfilerActivity(enum.Enum):
    """What a profile times: `CPU` (the only one retrograd records) or a device."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What a schedule asks of a step: nothing, warming up, recording, or recording and then saving."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities() -> set[ProfilerActivity]:
    """The activities retrograd's profiler records: the CPU."""
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    """True, as in PyTorch's CPU build: `profile` here is the tracer Kineto drives there (CPU events, a schedule,
    Chrome traces), so code that picks `torch.profiler.profile` when Kineto is there picks it here too."""
    return True


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """The step -> action function of a profiling cycle: `wait` steps, `warmup` steps, `active` recorded steps.

    Args:
        wait (int): steps skipped at the start of each cycle.
        warmup (int): steps run (not kept) before recording.
        active (int): steps recorded; the last one hands the cycle to `on_trace_ready`.
        repeat (int): how many cycles (0: as long as steps come).
        skip_first (int): steps skipped once, before the first cycle.
        skip_first_wait (int): 1 skips the first cycle's wait.

    Returns:
        (callable): step number -> ProfilerAction.

    Examples:
        >>> from retrograd.profiler import schedule
        >>> s = schedule(wait=1, warmup=1, active=2, repeat=1)
        >>> [s(i).name for i in range(5)]
        ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE']
    """
    if not (wait >= 0 and warmup >= 0 and active > 0 and repeat >= 0 and skip_first >= 0):
        raise AssertionError("Invalid profiler schedule arguments")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    cycle = wait + warmup + active

    def action(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        at = step % cycle
        if at < wait:
            return ProfilerAction.NONE
        if at < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if at < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return action


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False) -> Callable[[Any], None]:
    """An `on_trace_ready` that writes each finished cycle to `dir_name` as `<worker>.<time>.pt.trace.json`.

    Args:
        dir_name (str): the folder (made if missing).
        worker_name (str, optional): the file prefix (default `<host>_<pid>`).
        use_gzip (bool): write `.json.gz` (default False).

    Returns:
        (callable): the handler, called with the profile.

    Examples:
        >>> import tempfile, os
        >>> from retrograd.profiler import profile, tensorboard_trace_handler
        >>> folder = tempfile.mkdtemp()
        >>> with profile(on_trace_ready=tensorboard_trace_handler(folder)):
        ...     y = retrograd.ones(2) * 2
        >>> len(os.listdir(folder))
        1
    """
    def handler(prof: Any) -> None:
        os.makedirs(dir_name, exist_ok=True)
        name = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{name}.{time.time_ns()}.pt.trace.json")
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            import shutil

            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)

    return handler


class profile(_autograd_profiler.profile):
    """`torch.profiler.profile`: record the CPU side of a region, optionally on a step schedule.

    Args:
        activities (iterable of ProfilerActivity, optional): what to time; the CPU is recorded
            when it is listed (or when nothing is); devices are not timed (a warning says so).
        schedule (callable, optional): step -> ProfilerAction (see `schedule`); default: record throughout.
        on_trace_ready (callable, optional): called with the profile when a recorded cycle ends.
        record_shapes (bool): keep the input shapes of each event.
        profile_memory, with_stack, with_flops, with_modules (bool): not recorded by retrograd (a warning says so).

    Returns:
        (profile): a context manager; also `start()`, `stop()` and `step()` for a training loop.

    Examples:
        >>> from retrograd.profiler import profile, ProfilerActivity, record_function
        >>> with profile(activities=[ProfilerActivity.CPU]) as prof:
        ...     with record_function("step"):
        ...         y = retrograd.ones(2) * 2
        >>> prof.key_averages()[0].key
        'step'
    """

    def __init__(self, *, activities: Iterable[ProfilerActivity] | None = None,
                 schedule: Callable[[int], ProfilerAction] | None = None,
                 on_trace_ready: Callable[[Any], None] | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, acc_events: bool = False) -> None:
        chosen = set(activities) if activities is not None else {ProfilerActivity.CPU}
        if chosen - {ProfilerActivity.CPU}:
            warnings.warn("retrograd's profiler times the CPU only; device activities are not recorded", stacklevel=2)
        super().__init__(enabled=ProfilerActivity.CPU in chosen, record_shapes=record_shapes,
                         profile_memory=profile_memory, with_stack=with_stack, with_flops=with_flops,
                         with_modules=with_modules)
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.acc_events = acc_events
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._step_event: FunctionEvent | None = None  # "ProfilerStep#<n>" around each recorded step

    def __enter__(self) -> profile:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Begin: recording starts now if the schedule's first step is a recorded one."""
        if self._records(self.current_action):
            self._open_cycle()

    def stop(self) -> None:
        """End: a cycle being recorded is closed and handed to `on_trace_ready`."""
        if self._records(self.current_action):
            self._close_cycle()

    def step(self) -> None:
        """Mark the end of a training step: the schedule decides what the next one does."""
        before = self.current_action
        self._end_step()
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        was, now = self._records(before), self._records(self.current_action)
        if was and (not now or before is ProfilerAction.RECORD_AND_SAVE):
            self._close_cycle()
        if now and (not was or before is ProfilerAction.RECORD_AND_SAVE):
            self._open_cycle()
        elif now:
            self._begin_step()

    def _begin_step(self) -> None:
        if self.schedule is not _always_record:  # a stepped profile labels its steps, as PyTorch's
            self._step_event = _autograd_profiler.begin_event(f"ProfilerStep#{self.step_num}")

    def _end_step(self) -> None:
        _autograd_profiler.end_event(self._step_event)
        self._step_event = None

    @staticmethod
    def _records(action: ProfilerAction) -> bool:
        return action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)

    def _open_cycle(self) -> None:
        if not self.acc_events:
            self._events = []
        self._start()
        self._begin_step()

    def _close_cycle(self) -> None:
        self._end_step()
        self._stop()
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)
