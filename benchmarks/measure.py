"""Timing: warm-up, then timed repetitions alternating between systems in blocks; results as rows."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from .workloads import Step, Unsupported


@dataclass
class Result:
    """One (system, workload) row: the figure (median) or what happened instead, with min and first call."""

    system: str
    workload: str
    value: float | str
    unit: str
    note: str = ""
    minimum: float | None = None
    first: float | None = None
    count: int = 0

    def line(self) -> dict[str, Any]:
        """The spec's JSON line: system, workload, value, unit, note."""
        return {"system": self.system, "workload": self.workload, "value": self.value, "unit": self.unit,
                "note": self.note}


@dataclass
class Run:
    """One system's progress through a workload: first call, timed repetitions, first and last value."""

    step: Step
    first: float = 0.0
    times: list[float] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)  # [value of call 1, value of the latest call]
    error: str = ""

    def call(self) -> float:
        """Run one step; keep its value; return its duration in seconds."""
        start = time.perf_counter()
        value = self.step()
        seconds = time.perf_counter() - start
        self.values[1:] = [value] if self.values else [value, value]
        return seconds


def summarize(system: str, workload: str, unit: str, scale: float, times: list[float], first: float | None,
              note: str = "") -> Result:
    """A row from durations in seconds: value = median * scale; the note gives min, first call and n."""
    median = statistics.median(times) * scale
    minimum = min(times) * scale
    first_scaled = None if first is None else first * scale
    parts = [f"min {minimum:.4g}", f"first {first_scaled:.4g}" if first_scaled is not None else "", f"n={len(times)}"]
    text = ", ".join(p for p in parts + [note] if p)
    return Result(system, workload, median, unit, text, minimum, first_scaled, len(times))


def describe(error: BaseException) -> str:
    """An exception as one line: `Type: message` (shortened)."""
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    return text if len(text) <= 300 else text[:297] + "..."


def _guarded(run: Run, calls: int, timed: bool) -> None:
    """Make `calls` calls of a run that has not failed; a failure is recorded, not raised."""
    if run.error:
        return
    try:
        for _ in range(calls):
            seconds = run.call()
            if timed:
                run.times.append(seconds)
    except Exception as error:  # noqa: BLE001 - any failure of a system is a result, not a crash
        run.error = describe(error)


def interleave(runs: dict[str, Run], warmup: int, reps: int, block: int) -> None:
    """Warm up each system (its first call timed alone), then `reps` timed calls, `block` per turn."""
    for run in runs.values():
        try:
            run.first = run.call()
        except Exception as error:  # noqa: BLE001
            run.error = describe(error)
        _guarded(run, warmup - 1, timed=False)
    done = 0
    while done < reps:
        turn = min(block, reps - done)
        for run in runs.values():
            _guarded(run, turn, timed=True)
        done += turn


def build_runs(builders: dict[str, Any], build: Any, quick: bool) -> tuple[dict[str, Run], dict[str, Result]]:
    """Build each loaded system's step; systems that cannot build give a row at once."""
    runs: dict[str, Run] = {}
    failed: dict[str, Result] = {}
    for system, module in builders.items():
        try:
            runs[system] = Run(build(module, quick))
        except Unsupported as why:
            failed[system] = Result(system, "", "unsupported", "", str(why))
        except Exception as error:  # noqa: BLE001
            failed[system] = Result(system, "", "error", "", "set-up: " + describe(error))
    return runs, failed
