"""`torch.utils.benchmark.Compare`: many measurements as one table per label, PyTorch's layout.

Rows are the measurements' sub-labels (grouped by thread count, with a `N threads: ---` line
before each group), columns their descriptions, and each cell the median time in the unit that
suits the fastest one. `trim_significant_figures()`, `colorize()` and `highlight_warnings()`
change the cells as PyTorch's do.
"""

from __future__ import annotations

import enum
import itertools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ...ops.from_data import tensor
from .measurement import Measurement, ordered_unique, select_unit, trim_sigfig, unit_to_english

__all__ = ["Colorize", "Compare"]

BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"


class Colorize(enum.Enum):
    """How `Compare` colours its cells: not at all, against the best of a column, or of a row."""

    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


class _Column:
    """One description's cells: a fixed-width number format shared by every row."""

    def __init__(self, groups: list[tuple[Measurement | None, ...]], scale: float, trim: bool, warn: bool) -> None:
        self.groups = groups
        flat = [m for m in itertools.chain.from_iterable(groups)]
        self.scale, self.trim = scale, trim
        self.warn = warn and any(m.has_warnings for m in flat if m)
        # digits before the point: the float32 log10 PyTorch takes
        leading = [int(tensor(m.median / scale).log10().ceil()) if m else None for m in flat]
        unit_digits = max(d for d in leading if d is not None)
        decimals = min(
            max(m.significant_figures - d, 0) for d, m in zip(leading, flat) if m is not None and d is not None
        ) if trim else 1
        width = unit_digits + decimals + (1 if decimals else 0)
        self.template = f"{{:>{width}.{decimals}f}}{{:>{7 if self.warn else 0}}}"

    def cell(self, value: float | None, sigfigs: int, spread: float | None) -> str:
        if value is None:
            return " " * len(self.cell(1, sigfigs, None))
        if self.trim:
            value = trim_sigfig(value, sigfigs)
        return self.template.format(value, f" (! {spread * 100:.0f}%)" if self.warn and spread is not None else "")


def _colored(text: str, value: float, best: float) -> str:
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + text + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + text + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + text + TERMINATE * 2
    if value >= best * 2:
        return BAD + text + TERMINATE * 2
    return text


class _Table:
    """The measurements of one label laid out as rows (sub-labels) by columns (descriptions)."""

    def __init__(self, results: list[Measurement], colorize: Colorize, trim: bool, warn: bool) -> None:
        self.results, self.colorize, self.warn = results, colorize, warn
        self.label = results[0].label
        self.unit, self.scale = select_unit(min(m.median for m in results))
        self.row_keys = ordered_unique([self._row_key(m) for m in results])
        self.row_keys.sort(key=lambda k: k[:2])  # by threads and env; statements keep their order
        self.column_keys = ordered_unique([m.description for m in results])
        cells: list[list[Measurement | None]] = [[None] * len(self.column_keys) for _ in self.row_keys]
        for m in results:
            cells[self.row_keys.index(self._row_key(m))][self.column_keys.index(m.description)] = m
        self.cells = cells
        self.groups: list[int] = []  # each row's thread group
        for i, key in enumerate(self.row_keys):
            new_group = i == 0 or key[0] != self.row_keys[i - 1][0]
            self.groups.append(self.groups[-1] + new_group if self.groups else 0)
        self.columns = [
            _Column([tuple(row[j] for row, g in zip(cells, self.groups) if g == group)
                     for group in range(self.groups[-1] + 1)], self.scale, trim, warn)
            for j in range(len(self.column_keys))
        ]

    @staticmethod
    def _row_key(m: Measurement) -> tuple[int, str | None, str]:
        return m.num_threads, m.env, m.as_row_name

    def _names(self) -> list[str]:
        envs = {m.env for m in self.results}
        render_env = len(envs) > 1
        env_width = max(len(e) for e in envs) if render_env else 0  # type: ignore[arg-type]
        names, prior = [], ""
        for i, row in enumerate(self.cells):
            first = next(m for m in row if m is not None)
            if i and self.groups[i] != self.groups[i - 1]:
                prior = ""
            env = f"({first.env})" if render_env and first.env != prior else ""
            names.append("  " + env.ljust(env_width + 4) + first.as_row_name)
            prior = first.env  # type: ignore[assignment]
        return names

    def _best(self, i: int) -> list[float | None]:
        row = self.cells[i]
        if self.colorize == Colorize.ROWWISE:
            return [min(m.median for m in row if m is not None)] * len(row)
        if self.colorize == Colorize.COLUMNWISE:
            return [min((m.median for m in col.groups[self.groups[i]] if m is not None), default=None)
                    for col in self.columns]
        return [-1.0] * len(row)

    def render(self) -> str:
        rows: list[list[Any]] = [["", *self.column_keys]]  # (a None description fails as in PyTorch)
        for name, row in zip(self._names(), self.cells):
            rows.append([name] + [
                col.cell(None if m is None else m.median / self.scale, 1 if m is None else m.significant_figures,
                         m.iqr / m.median if m is not None and m.has_warnings else None)
                for m, col in zip(row, self.columns)])
        widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
        lines = ["  |  ".join(c.center(w) for c, w in zip(rows[0], widths))]
        overall = len(lines[0])
        for i, (cells, row) in enumerate(zip(rows[1:], self.cells)):
            if i == 0 or self.groups[i] != self.groups[i - 1]:
                lines.append(f"{self.row_keys[i][0]} threads: ".ljust(overall, "-"))
            out = [cells[0].ljust(widths[0])]
            for text, width, m, best in zip(cells[1:], widths[1:], row, self._best(i)):
                text = text.center(width)
                if self.colorize != Colorize.NONE and m is not None and best is not None:
                    text = _colored(text, m.median, best)
                out.append(text)
            lines.append("  |  ".join(out))
        warned = self.warn and any(m.has_warnings for m in self.results)
        note = "(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n" if warned else ""
        title = f"[{(' ' + (self.label or '') + ' ').center(overall - 2, '-')}]"
        return "\n".join([title, *lines, "", f"Times are in {unit_to_english(self.unit)}s ({self.unit}).", note])


class Compare:
    """A table of many measurements: one per label, a row per sub-label, a column per description.

    Args:
        results (list of Measurement): what `Timer.timeit` / `blocked_autorange` returned.

    Examples:
        >>> from retrograd.utils.benchmark import Compare, Timer
        >>> results = [Timer("x * 2", globals={"x": retrograd.ones(n)}, label="mul", sub_label=str(n),
        ...                  description="ones").timeit(10) for n in (10, 1000)]
        >>> str(Compare(results)).splitlines()[0].strip("[]- ")
        'mul'
    """

    def __init__(self, results: list[Measurement]) -> None:
        self._results: list[Measurement] = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self) -> str:
        return "\n".join(self._render())

    def extend_results(self, results: Iterable[Any]) -> None:
        """Add more measurements (each must be a `Measurement`)."""
        results = list(results)
        for r in results:
            if not isinstance(r, Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self) -> None:
        """Show each time with only the digits its spread supports."""
        self._trim_significant_figures = True

    def colorize(self, rowwise: bool = False) -> None:
        """Colour each cell against the best of its column (or of its row with `rowwise=True`)."""
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self) -> None:
        """Mark the times whose spread is high with `(! XX%)`."""
        self._highlight_warnings = True

    def print(self) -> None:
        """Print the tables."""
        print(str(self))

    def _render(self) -> list[str]:
        by_label: defaultdict[Any, list[Measurement]] = defaultdict(list)
        for m in Measurement.merge(self._results):
            by_label[m.label].append(m)
        return [_Table(group, self._colorize, self._trim_significant_figures, self._highlight_warnings).render()
                for group in by_label.values()]


