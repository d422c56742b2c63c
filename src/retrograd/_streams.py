"""`torch.Stream` and `torch.Event`: the device-generic stream and event, on the CPU.

With no accelerator, PyTorch's generic stream is the CPU's: every query is True and waits return
at once, while recording an event raises "cpu backend doesn't support events.". Libraries name
the classes in annotations (diffusers' group offloading) and check `isinstance` against them.
"""

from __future__ import annotations

from typing import Any

from .backend import device

__all__ = ["Event", "Stream"]

_NO_EVENTS = "cpu backend doesn't support events."


def _cpu_device(where: Any) -> device:
    """The CPU device `where` names (None: the CPU, there being no accelerator); other types raise."""
    dev = device("cpu") if where is None else device(where)
    if dev.type != "cpu":
        raise RuntimeError(f"PyTorch is not linked with support for {dev.type} devices")
    return dev


class Stream:
    """An in-order queue of work on a device: here the CPU's, where work is done when its call returns.

    Args:
        device (device or str, optional): the stream's device; only the CPU has one here.
        priority (int): kept as `priority`; the CPU runs every stream's work at once, as in PyTorch.

    Returns:
        Stream: the CPU's stream.

    Examples:
        >>> s = retrograd.Stream()
        >>> s
        torch.Stream device_type=cpu, device_index=-1, stream_id=0
        >>> s.query()
        True
    """

    def __init__(self, device: Any = None, *, priority: int = 0) -> None:
        self.device = _cpu_device(device)
        self.priority = priority
        self.device_index = -1
        self.device_type = 0  # PyTorch's DeviceType enum: CPU is 0
        self.stream_id = 0

    def query(self) -> bool:
        """Whether all work on the stream is done: always, on the CPU."""
        return True

    def synchronize(self) -> None:
        """Nothing to wait for on the CPU."""

    def is_capturing(self) -> bool:
        """Whether the stream records a graph: never on the CPU."""
        return False

    def wait_event(self, event: Event) -> None:
        """Nothing to wait for: no CPU event is ever recorded."""

    def wait_stream(self, stream: Stream) -> None:
        """Raises as PyTorch's CPU stream does: waiting needs an event."""
        raise RuntimeError(_NO_EVENTS)

    def record_event(self, event: Event | None = None) -> Event:
        """Raises as PyTorch's CPU stream does: the CPU has no events."""
        raise RuntimeError(_NO_EVENTS)

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Stream):
            return NotImplemented
        return (self.device, self.stream_id) == (other.device, other.stream_id)

    def __hash__(self) -> int:
        return hash((self.device_type, self.device_index, self.stream_id))

    def __repr__(self) -> str:
        where = f"device_type={self.device.type}, device_index={self.device_index}"
        return f"torch.Stream {where}, stream_id={self.stream_id}"


class Event:
    """A point in a stream's work to wait on or time: here the CPU's, always complete.

    Args:
        device (device or str, optional): the event's device; only the CPU has one here.
        enable_timing (bool): whether `elapsed_time` may be asked of it.
        blocking (bool), interprocess (bool): kept as `blocking` and `interprocess`; a CPU event
            is never recorded, so nothing waits on it or crosses processes.

    Returns:
        Event: an event of the CPU's stream.

    Examples:
        >>> retrograd.Event()
        torch.Event device_type=cpu, device_index=-1, event_flag=0, event_id=0
    """

    def __init__(
        self, device: Any = None, *, enable_timing: bool = False, blocking: bool = False, interprocess: bool = False
    ) -> None:
        self.device = _cpu_device(device)
        self.blocking, self.interprocess = blocking, interprocess
        self.event_id = 0
        self._flag = int(enable_timing)  # PyTorch's EventFlag: 1 for timing events

    def query(self) -> bool:
        """Whether the event has happened: always, on the CPU."""
        return True

    def record(self, stream: Stream | None = None) -> None:
        """Raises as PyTorch does on the CPU: "cpu backend doesn't support events."."""
        raise RuntimeError(_NO_EVENTS)

    def synchronize(self) -> None:
        """Nothing to wait for on the CPU."""

    def wait(self, stream: Stream | None = None) -> None:
        """Nothing to wait for on the CPU."""

    def elapsed_time(self, end_event: Event) -> float:
        """Milliseconds between two timing events; the CPU records none, so this raises."""
        if not (self._flag and end_event._flag):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise ValueError("Both events must be recorded before calculating elapsed time.")

    def __repr__(self) -> str:
        return f"torch.Event device_type={self.device.type}, device_index=-1, event_flag={self._flag}, event_id=0"
