"""`retrograd.cpu`: PyTorch's `torch.cpu`, the CPU spelled like `torch.cuda` for device-agnostic code.

There is one CPU device and work on it is synchronous, so streams and events are markers that
are always done and synchronising waits for nothing. The device arguments PyTorch's signatures
take are not read, as in PyTorch: code written for `torch.cuda` passes its CUDA device here.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from contextlib import AbstractContextManager
from types import MappingProxyType
from typing import Any

from . import amp  # noqa: F401  (`retrograd.cpu.amp`, as `torch.cpu.amp`)

__all__ = [
    "is_available",
    "is_initialized",
    "synchronize",
    "current_device",
    "current_stream",
    "stream",
    "set_device",
    "device_count",
    "Stream",
    "StreamContext",
    "Event",
    "get_capabilities",
]


def is_available() -> bool:
    """Whether the CPU is available: always True.

    Returns:
        bool: True.

    Examples:
        >>> retrograd.cpu.is_available()
        True
    """
    return True


def is_initialized() -> bool:
    """Whether the CPU device is initialised: always True.

    Returns:
        bool: True.

    Examples:
        >>> retrograd.cpu.is_initialized()
        True
    """
    return True


def synchronize(device: Any = None) -> None:
    """Wait for the CPU's work to finish: it already has (CPU ops are synchronous).

    Args:
        device (device or int, optional): not read, as in PyTorch (there is one CPU).

    Returns:
        None

    Examples:
        >>> retrograd.cpu.synchronize()
    """


def current_device() -> str:
    """The current CPU device's name: always "cpu".

    Returns:
        str: "cpu".

    Examples:
        >>> retrograd.cpu.current_device()
        'cpu'
    """
    return "cpu"


def set_device(device: Any) -> None:
    """Select the CPU device: there is only one, so nothing changes (as in PyTorch).

    Args:
        device (device or int or str): not read.

    Returns:
        None

    Examples:
        >>> retrograd.cpu.set_device("cpu")
    """


def device_count() -> int:
    """How many CPU devices there are: always 1.

    Returns:
        int: 1.

    Examples:
        >>> retrograd.cpu.device_count()
        1
    """
    return 1


def get_capabilities() -> Mapping[str, Any]:
    """What is known of the CPU: its architecture (no instruction-set probe: NumPy picks its kernels).

    Returns:
        Mapping: read-only, with "architecture".

    Examples:
        >>> "architecture" in retrograd.cpu.get_capabilities()
        True
    """
    return MappingProxyType({"architecture": platform.machine()})


class Stream:
    """A CPU stream: a marker, since CPU work runs in order and at once.

    Args:
        priority (int): not read, as in PyTorch.

    Returns:
        (Stream): a stream whose waits and events are no-ops.

    Examples:
        >>> s = retrograd.cpu.Stream()
        >>> with retrograd.cpu.stream(s):
        ...     retrograd.cpu.current_stream() is s
        True
    """

    def __init__(self, priority: int = -1) -> None:
        pass

    def wait_stream(self, stream: Stream) -> None:
        """Nothing to wait for: CPU work is done when its call returns."""

    def record_event(self) -> None:
        """Nothing to record: PyTorch's CPU stream returns None."""

    def wait_event(self, event: Event) -> None:
        """Nothing to wait for: every CPU event has happened."""


class Event:
    """A CPU event: always complete.

    Returns:
        (Event): an event whose `query()` is True.

    Examples:
        >>> retrograd.cpu.Event().query()
        True
    """

    def query(self) -> bool:
        """Whether the event has happened: always True."""
        return True

    def record(self, stream: Stream | None = None) -> None:
        """Nothing to record on the CPU."""

    def synchronize(self) -> None:
        """Nothing to wait for on the CPU."""

    def wait(self, stream: Stream | None = None) -> None:
        """Nothing to wait for on the CPU."""


_default_stream = Stream()
_current = [_default_stream]  # the selected stream (process-wide, as PyTorch's)


def current_stream(device: Any = None) -> Stream:
    """The selected CPU stream (the default one unless `stream(...)` chose another).

    Args:
        device (device or int, optional): not read, as in PyTorch.

    Returns:
        Stream: the current stream.

    Examples:
        >>> isinstance(retrograd.cpu.current_stream(), retrograd.cpu.Stream)
        True
    """
    return _current[0]


class StreamContext(AbstractContextManager):
    """Select `stream` while the block runs (None selects nothing).

    Args:
        stream (Stream or None): the stream to make current.

    Returns:
        (StreamContext): a context manager.

    Examples:
        >>> s = retrograd.cpu.Stream()
        >>> with retrograd.cpu.StreamContext(s):
        ...     retrograd.cpu.current_stream() is s
        True
    """

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream
        self.prev_stream = _default_stream

    def __enter__(self) -> None:
        if self.stream is not None:
            self.prev_stream = _current[0]
            _current[0] = self.stream

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            _current[0] = self.prev_stream


def stream(stream: Stream | None) -> AbstractContextManager:
    """`StreamContext(stream)`: make `stream` current inside a `with` block.

    Args:
        stream (Stream or None): the stream to select.

    Returns:
        StreamContext: the context manager.

    Examples:
        >>> with retrograd.cpu.stream(None):
        ...     retrograd.cpu.current_stream() is not None
        True
    """
    return StreamContext(stream)
