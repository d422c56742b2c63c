"""`torch.autograd.profiler`: time every op, backward node and labelled block of a region of code.

While a `profile` records, each primitive op is an event named as PyTorch names its operator
(`aten::mm`), each backward node two nested events (`autograd::engine::evaluate_function:
MmBackward0` around `MmBackward0`), and each `record_function` block an event of its own label.
An event's CPU total is its wall time; its self time is that minus its children's.
`key_averages()` groups the events by name (and input shapes) and `table()` prints them in
PyTorch's layout; `export_chrome_trace()` writes a trace for chrome://tracing or Perfetto.

Recording swaps timed versions of the engine's entry points in (`Primitive.__call__`,
`Primitive.scalar`, the nodes' `apply`) while a profile is active, and the plain ones back
after: code that is not profiled pays nothing. The times include the Python that runs around
each NumPy call, which is most of a small op's cost, so they show where an eager step spends it.
Memory, stack, FLOP and module records are not kept (a warning says so when they are asked for).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from ..engine.primitive import OpNode, Primitive
from ._emit_ranges import emit_itt, emit_nvtx
from .function import FunctionCtx

__all__ = ["profile", "record_function", "EventList", "FunctionEvent", "FunctionEventAvg", "emit_itt", "emit_nvtx"]


class FunctionEvent:
    """One recorded call: its name, time range (µs), input shapes and the events inside it.

    Args:
        id (int): the event's number in its profile.
        name (str): the op (`aten::mm`), node or label.
        thread (int): the thread that ran it.
        start_us (float): when it began, in µs.
        end_us (float): when it ended, in µs.
        input_shapes (list): the shapes of its tensor inputs (empty unless `record_shapes`).

    Returns:
        (FunctionEvent): with `cpu_time_total` (its wall time, µs), `self_cpu_time_total` (minus its
            children's) and `cpu_children`.

    Examples:
        >>> from retrograd.autograd.profiler import profile
        >>> with profile() as prof:
        ...     y = retrograd.ones(2) * 2
        >>> [e.name for e in prof.function_events if e.name == "aten::mul"]
        ['aten::mul']
    """

    def __init__(self, id: int, name: str, thread: int, start_us: float, end_us: float = 0.0,
                 input_shapes: list | None = None) -> None:
        self.id = id
        self.name = name
        self.thread = thread
        self.start_us = start_us
        self.end_us = end_us
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.count = 1
        self.flops = 0  # FLOPs are not recorded here (`with_flops` warns so): 0, PyTorch's value without it

    @property
    def key(self) -> str:  # the steps of a stepped profile are averaged together, as in PyTorch
        return "ProfilerStep*" if self.name.startswith("ProfilerStep#") else self.name

    @property
    def cpu_time_total(self) -> float:
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={_format_time(self.cpu_time_total)} "
                f"self_cpu_time={_format_time(self.self_cpu_time_total)} input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one name (and input shapes, when grouped so) added up: count and times (µs).

    Returns:
        (FunctionEventAvg): `key`, `count`, `cpu_time_total`, `self_cpu_time_total` and their
            average per call, `cpu_time`.

    Examples:
        >>> from retrograd.autograd.profiler import profile
        >>> with profile() as prof:
        ...     y = retrograd.ones(2) * 2 * 3
        >>> [(e.key, e.count) for e in prof.key_averages() if e.key == "aten::mul"]
        [('aten::mul', 2)]
    """

    def __init__(self, key: str, input_shapes: list | None = None) -> None:
        self.key = key
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.flops = 0

    def add(self, event: FunctionEvent) -> FunctionEventAvg:
        self.count += 1
        self.flops += event.flops
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)} input_shapes={self.input_shapes}>")


class EventList(list):
    """A profile's events (or their averages), with PyTorch's table and trace exports.

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

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0) -> EventList:
        """The events added up per name (and per input shapes with `group_by_input_shape`)."""
        if group_by_stack_n:
            raise NotImplementedError("retrograd's profiler keeps no stacks: group_by_stack_n must be 0")
        groups: dict[tuple, FunctionEventAvg] = {}
        for e in self:
            key = (e.key, str(e.input_shapes)) if group_by_input_shape else (e.key,)
            if key not in groups:
                groups[key] = FunctionEventAvg(e.key, e.input_shapes if group_by_input_shape else [])
            groups[key].add(e)
        return EventList(groups.values())

    def total_average(self) -> FunctionEventAvg:
        """All events added up into one."""
        total = FunctionEventAvg("Total")
        for e in self:
            total.count += e.count
            total.cpu_time_total += e.cpu_time_total
            total.self_cpu_time_total += e.self_cpu_time_total
        return total

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_name_column_width: int = 55,
              max_shapes_column_width: int = 80, header: str | None = None, top_level_events_only: bool = False,
              **kwargs: Any) -> str:
        """PyTorch's profiler table: Self CPU (%), CPU total (%), CPU time avg and # of Calls per row."""
        unknown = set(kwargs) - {"time_unit"}
        if unknown:
            raise TypeError(f"table() got unexpected keyword argument(s) {sorted(unknown)}")
        return _table(self, sort_by, row_limit, max_name_column_width, max_shapes_column_width, header,
                      top_level_events_only, kwargs.get("time_unit"))

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace (JSON; open it in chrome://tracing or ui.perfetto.dev)."""
        pid = os.getpid()
        events = [
            {"ph": "X", "cat": "cpu_op", "name": e.name, "pid": pid, "tid": e.thread, "ts": e.start_us,
             "dur": e.cpu_time_total, "args": {"Input Dims": e.input_shapes} if e.input_shapes else {}}
            for e in self if isinstance(e, FunctionEvent)
        ]
        with open(path, "w") as f:
            json.dump({"traceEvents": events, "displayTimeUnit": "ms"}, f)


def _format_time(us: float, unit: str | None = None) -> str:
    if unit == "s" or (unit is None and us >= 1e6):
        return f"{us / 1e6:.3f}s"
    if unit == "ms" or (unit is None and us >= 1e3):
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


_SORT_KEYS = {"cpu_time_total", "self_cpu_time_total", "cpu_time", "count"}


def _table(events: EventList, sort_by: str | None, row_limit: int, name_width: int, shapes_width: int,
           header: str | None, top_level_only: bool, unit: str | None) -> str:
    rows = list(events)
    if top_level_only:
        rows = [e for e in rows if getattr(e, "cpu_parent", None) is None]
    if sort_by is not None:
        if sort_by not in _SORT_KEYS:
            raise AttributeError(f"'{type(rows[0]).__name__ if rows else 'FunctionEvent'}' has no sort key {sort_by!r}")
        rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
    if row_limit > 0:
        rows = rows[:row_limit]
    with_shapes = any(getattr(e, "input_shapes", None) for e in events)
    names_w = min(max((len(e.key) for e in events), default=4) + 4, name_width)  # widths from every event
    columns = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
    widths = [names_w] + [12] * len(columns)
    titles = ["Name"] + columns
    if with_shapes:
        widths.append(min(max((len(str(e.input_shapes)) for e in events), default=12) + 4, shapes_width))
        titles.append("Input Shapes")
    line = "".join("-" * w + "  " for w in widths)
    total = events.self_cpu_time_total or 1.0

    def row(cells: list[str]) -> str:
        return "".join(c.rjust(w) + "  " for c, w in zip(cells, widths))

    out = [header] if header else []
    out += [line, row(titles), line]
    for e in rows:
        cells = [
            _truncate(e.key, names_w),
            f"{100 * e.self_cpu_time_total / total:.2f}%", _format_time(e.self_cpu_time_total, unit),
            f"{100 * e.cpu_time_total / total:.2f}%", _format_time(e.cpu_time_total, unit),
            _format_time(e.cpu_time_total / max(e.count, 1), unit), str(e.count),
        ]
        if with_shapes:
            cells.append(_truncate(str(e.input_shapes), widths[-1]))
        out.append(row(cells))
    out.append(line)
    out.append(f"Self CPU time total: {_format_time(events.self_cpu_time_total, unit)}")
    return "\n".join(out) + "\n"


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# --- recording -------------------------------------------------------------------------------------

_recording: list[profile] = []  # the profiles now recording, outermost first
_local = threading.local()  # per thread: the stack of open events
_ids = itertools.count()
_lock = threading.Lock()
_plain: dict[str, Any] = {}  # the entry points as they are, while timed ones stand in


def begin_event(name: str, inputs: Iterable[Any] = ()) -> FunctionEvent | None:
    """Open an event `name` on this thread (None when nothing records); close it with `end_event`."""
    if not _recording:
        return None
    shapes = [list(getattr(x, "shape", ())) for x in inputs] if any(p.record_shapes for p in _recording) else None
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    event = FunctionEvent(next(_ids), name, threading.get_ident(), time.perf_counter_ns() / 1e3, input_shapes=shapes)
    if stack:
        event.cpu_parent = stack[-1]
    stack.append(event)
    return event


def end_event(event: FunctionEvent | None) -> None:
    """Close an event `begin_event` opened: it is kept by every profile recording now."""
    if event is None:
        return
    event.end_us = time.perf_counter_ns() / 1e3
    stack = _local.stack
    while stack and stack.pop() is not event:  # an event left open by an exception inside it
        pass
    if event.cpu_parent is not None:
        event.cpu_parent.cpu_children.append(event)
    for prof in list(_recording):
        prof._events.append(event)


def _timed(name_of: Callable[..., str], plain: Callable[..., Any], inputs_of: Callable[..., Any]) -> Callable:
    @functools.wraps(plain)
    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        event = begin_event(name_of(self), inputs_of(args))
        try:
            return plain(self, *args, **kwargs)
        finally:
            end_event(event)

    return timed


def _timed_node(plain: Callable[..., Any]) -> Callable:
    @functools.wraps(plain)
    def timed(self: Any, grads: list, wanted: Any) -> Any:
        name = self.name()
        outer = begin_event("autograd::engine::evaluate_function: " + name, ())
        inner = begin_event(name, [g for g in grads if g is not None])
        try:
            return plain(self, grads, wanted)
        finally:
            end_event(inner)
            end_event(outer)

    return timed


def _tensors(args: tuple) -> list:
    return [a for a in args if hasattr(a, "_data")]


def _start_recording(prof: profile) -> None:
    with _lock:
        if not _recording:
            _plain.update(call=Primitive.__call__, scalar=Primitive.scalar, op_apply=OpNode.apply,
                          fn_apply=FunctionCtx.apply)
            Primitive.__call__ = _timed(lambda p: "aten::" + p.name, _plain["call"], _tensors)  # type: ignore[method-assign]
            Primitive.scalar = _timed(lambda p: "aten::" + p.name, _plain["scalar"], _tensors)  # type: ignore[method-assign]
            OpNode.apply = _timed_node(_plain["op_apply"])  # type: ignore[method-assign]
            FunctionCtx.apply = _timed_node(_plain["fn_apply"])  # type: ignore[method-assign]
        _recording.append(prof)


def _stop_recording(prof: profile) -> None:
    with _lock:
        if prof in _recording:
            _recording.remove(prof)
        if not _recording and _plain:
            Primitive.__call__ = _plain.pop("call")  # type: ignore[method-assign]
            Primitive.scalar = _plain.pop("scalar")  # type: ignore[method-assign]
            OpNode.apply = _plain.pop("op_apply")  # type: ignore[method-assign]
            FunctionCtx.apply = _plain.pop("fn_apply")  # type: ignore[method-assign]


_NOT_KEPT = ("profile_memory", "with_stack", "with_flops", "with_modules")


class profile:
    """Record the ops, backward nodes and labelled blocks run inside `with profile() as prof:`.

    Args:
        enabled (bool): False runs the block without recording (default True).
        use_cuda (bool): PyTorch's CUDA timing: must be False (retrograd times the CPU side).
        record_shapes (bool): keep each event's input shapes (default False).
        profile_memory, with_stack, with_flops, with_modules (bool): PyTorch's extra records; retrograd
            keeps none of them and warns when one is asked for.

    Returns:
        (profile): a context manager; `function_events`, `key_averages()`, `table()` and
            `export_chrome_trace()` give what it recorded.

    Examples:
        >>> from retrograd.autograd.profiler import profile
        >>> x = retrograd.ones(3, requires_grad=True)
        >>> with profile(record_shapes=True) as prof:
        ...     (x * 2).sum().backward()
        >>> {"aten::expand", "aten::mul", "aten::sum"} <= {e.key for e in prof.key_averages()}
        True
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, use_device: str | None = None, use_cpu: bool = True) -> None:
        if use_cuda or use_device not in (None, "cpu"):
            raise NotImplementedError("retrograd's profiler times the CPU side only: use_cuda/use_device must be unset")
        self.enabled = enabled and use_cpu
        self.record_shapes = record_shapes
        asked = [n for n, v in zip(_NOT_KEPT, (profile_memory, with_stack, with_flops, with_modules)) if v]
        if asked:
            warnings.warn(f"retrograd's profiler records times and input shapes only; {', '.join(asked)} "
                          "are not recorded", UserWarning, stacklevel=2)
        self._events: list[FunctionEvent] = []
        self.function_events: EventList = EventList()

    def __enter__(self) -> profile:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _start(self) -> None:
        if self.enabled:
            _start_recording(self)

    def _stop(self) -> None:
        _stop_recording(self)
        self.function_events = EventList(sorted(self._events, key=lambda e: (e.start_us, e.id)))

    def events(self) -> EventList:
        """Every recorded event, in the order they began."""
        return self.function_events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0) -> EventList:
        """The events added up per name (see `EventList.key_averages`)."""
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def table(self, *args: Any, **kwargs: Any) -> str:
        """The events' table (see `EventList.table`)."""
        return self.function_events.table(*args, **kwargs)

    def total_average(self) -> FunctionEventAvg:
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self) -> float:
        return self.function_events.self_cpu_time_total

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace (see `EventList.export_chrome_trace`)."""
        self.function_events.export_chrome_trace(path)


class record_function:
    """`with record_function("name"): ...` records the block as an event of that name.

    Args:
        name (str): the label.
        args (str, optional): text PyTorch attaches to the event (kept as `args`).

    Returns:
        (record_function): a context manager, also a decorator for functions.

    Examples:
        >>> from retrograd.autograd.profiler import profile, record_function
        >>> with profile() as prof, record_function("scale"):
        ...     y = retrograd.ones(2) * 2
        >>> [e.name for e in prof.function_events][:1]
        ['scale']
    """

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name, self.args = name, args
        self._event: FunctionEvent | None = None

    def __enter__(self) -> record_function:
        self._event = begin_event(self.name)
        return self

    def __exit__(self, *exc: object) -> None:
        end_event(self._event)
        self._event = None

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def labelled(*args: Any, **kwargs: Any) -> Any:
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)

        return labelled
