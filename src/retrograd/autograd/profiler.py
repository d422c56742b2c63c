"""`torch.autograd.profiler`: `profile` and `record_function`, which retrograd runs without recording.

retrograd has no profiler of its own (use Python's `cProfile`); these contexts let programs that
profile with PyTorch run unchanged. `profile(...).key_averages()` is an empty `EventList`, whose
`table()` says that nothing was recorded.
"""

from __future__ import annotations

from typing import Any

__all__ = ["profile", "record_function", "EventList", "FunctionEvent"]


class FunctionEvent:
    """One profiled call (retrograd records none; the class exists for `isinstance` checks)."""


class EventList(list):
    """The events of a profile: always empty in retrograd."""

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
    """`with profile() as prof: ...` runs the block; `prof.key_averages()` is an empty EventList."""

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
    """`with record_function("name"): ...` labels a block for a profiler; here it just runs it."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name, self.args = name, args

    def __enter__(self) -> record_function:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __call__(self, fn: Any) -> Any:
        return fn
