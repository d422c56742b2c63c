"""`torch.autograd.profiler`: `profile` and `record_function`, which retrograd runs without recording.

retrograd has no profiler of its own (use Python's `cProfile`); these contexts let programs that
profile with PyTorch run unchanged. `profile(...).key_averages()` is an empty `EventList`, whose
`table()` says that nothing was recorded.
"""

from __future__ import annotations

from typing import Any

__all__ = ["profile", "record_function", "EventList", "FunctionEvent"]


class FunctionEvent:
    """One profiled call (retrograd records none; the class exists for `isinstance` checks).

    Returns:
        (FunctionEvent): an event without data.

    Examples:
        >>> from retrograd.autograd.profiler import FunctionEvent, profile
        >>> with profile() as prof:
        ...     y = retrograd.ones(2) * 2
        >>> all(isinstance(e, FunctionEvent) for e in prof.function_events)
        True
    """


class EventList(list):
    """The events of a profile, a list: always empty in retrograd.

    `table()` says that nothing was recorded, `key_averages()` is another empty EventList and
    `export_chrome_trace(path)` writes an empty trace.

    Args:
        iterable (iterable, optional): the events (default none).

    Returns:
        (EventList): the list.

    Examples:
        >>> from retrograd.autograd.profiler import EventList, profile
        >>> with profile() as prof:
        ...     y = retrograd.ones(2) * 2
        >>> isinstance(prof.key_averages(), EventList)
        True
    """

    def table(self, *args: Any, **kwargs: Any) -> str:
        return "(retrograd records no profiler events; use cProfile to time Python code)"

    def key_averages(self, *args: Any, **kwargs: Any) -> EventList:
        return EventList()

    def total_average(self) -> FunctionEvent:
        return FunctionEvent()

    def export_chrome_trace(self, path: str) -> None:
        with open(path, "w") as f:
            f.write('{"traceEvents": []}')


class profile:
    """`with profile() as prof: ...` runs the block; `prof.key_averages()` is an empty EventList.

    retrograd has no profiler of its own (time Python code with `cProfile`); this lets programs
    that profile with PyTorch run unchanged.

    Args:
        enabled (bool): accepted for PyTorch compatibility (nothing is recorded either way; default True).
        use_cuda (bool): accepted for PyTorch compatibility (default False).
        **options: PyTorch's other profiler options (record_shapes, profile_memory, ...), kept in `options`.

    Returns:
        (profile): a context manager; `key_averages()`, `events()`, `table()` and `export_chrome_trace()` answer
            as for a profile with no events.

    Examples:
        >>> from retrograd.autograd.profiler import profile
        >>> with profile(record_shapes=True) as prof:
        ...     y = retrograd.ones(2) * 2
        >>> y
        tensor([2., 2.])
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, **options: Any) -> None:
        self.enabled = enabled
        self.options = options
        self.function_events = EventList()

    def __enter__(self) -> profile:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def key_averages(self, *args: Any, **kwargs: Any) -> EventList:
        return EventList()

    def events(self) -> EventList:
        return self.function_events

    def table(self, *args: Any, **kwargs: Any) -> str:
        return self.function_events.table()

    def export_chrome_trace(self, path: str) -> None:
        self.function_events.export_chrome_trace(path)


class record_function:
    """`with record_function("name"): ...` labels a block for a profiler; here it just runs it.

    Args:
        name (str): the label.
        args (str, optional): extra text PyTorch attaches to the event.

    Returns:
        (record_function): a context manager (and decorator) that runs its block unchanged.

    Examples:
        >>> from retrograd.autograd.profiler import record_function
        >>> with record_function("scale"):
        ...     y = retrograd.ones(2) * 2
        >>> y
        tensor([2., 2.])
    """

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name, self.args = name, args

    def __enter__(self) -> record_function:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __call__(self, fn: Any) -> Any:
        return fn
