"""Result rows: a (system, workload) figure with its minimum, first call and count, or what happened instead."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any


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
