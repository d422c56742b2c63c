"""`retrograd.cpu`: PyTorch's `torch.cpu`, the CPU's side of the device-generic API.

The CPU runs every op synchronously, in the calling thread, so its streams and events are
already in order: `synchronize`, `Stream.wait_stream` and `Event.wait` have nothing to wait for.
`retrograd.cpu.amp` holds the deprecated spellings of `retrograd.amp.autocast("cpu")` and
`retrograd.amp.GradScaler("cpu")`.
"""

from __future__ import annotations

from typing import Any

from . import amp

__all__ = [
    "is_available", "is_initialized", "synchronize", "current_device", "current_stream", "stream", "set_device",
    "device_count", "Stream", "StreamContext", "Event", "amp",
]


def is_available() -> bool:
    """Always True: there is always a CPU."""
    return True


def is_initialized() -> bool:
    """Always True: the CPU needs no initialisation."""
    return True


def synchronize(device: Any = None) -> None:
    """Wait for the CPU's queued work: there is none, every op has finished when it returns."""


def current_device() -> str:
    """The CPU's device string, `"cpu"`."""
    return "cpu"


def device_count() -> int:
    """How many CPU devices PyTorch counts: 1."""
    return 1


def set_device(device: Any) -> None:
    """Select a CPU device: there is only the one."""


class Stream:
    """The CPU's one stream of work (ops run in order, in the calling thread)."""

    def __init__(self, priority: int = -1) -> None:
        self.priority = priority

    def wait_stream(self, stream: Stream) -> None:
        """Order this stream after `stream`: both are the one CPU stream, already in order."""

    def wait_event(self, event: Event) -> None:
        """Wait for `event`: recorded events on the CPU are already complete."""

    def record_event(self, event: Event | None = None) -> Event:
        """Record `event` (a new one when None) at this point of the stream."""
        return Event() if event is None else event


class Event:
    """A marker in the CPU stream; complete as soon as it is recorded."""

    def query(self) -> bool:
        """Whether the work before the event has finished: always, on the CPU."""
        return True

    def record(self, stream: Stream | None = None) -> None:
        """Mark the current point of `stream`."""

    def wait(self, stream: Stream | None = None) -> None:
        """Make `stream` wait for the event: nothing to wait for."""

    def synchronize(self) -> None:
        """Wait until the event completes: it has."""


_STREAM = Stream()


def current_stream(device: Any = None) -> Stream:
    """The CPU's stream."""
    return _STREAM


class StreamContext:
    """A `with` block that makes `stream` current (on the CPU, a block with nothing to switch)."""

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: Any) -> None:
        return None


def stream(stream: Stream) -> StreamContext:
    """A context manager selecting `stream` (the CPU's one stream)."""
    return StreamContext(stream)
