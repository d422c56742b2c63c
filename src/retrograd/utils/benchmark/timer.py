"""`Timer`: timeit's Timer that reports a `Measurement` and runs under a chosen thread count.

As PyTorch's: `timeit(n)` warms up with n // 100 runs (at least 2) and times n runs once;
`blocked_autorange` picks a block size large enough that the timer's own overhead is under
0.01% and times blocks until `min_run_time` seconds are spent; `adaptive_autorange` goes on
until the interquartile range falls under `threshold` of the median. Statements are Python;
`torch` (retrograd) is in their globals unless the caller's globals name it otherwise.
"""

from __future__ import annotations

import enum
import importlib
import textwrap
import timeit
from collections.abc import Callable
from typing import Any

from .measurement import Measurement, TaskSpec, set_torch_threads

__all__ = ["Language", "Timer", "timer"]


def timer() -> float:
    """The default clock: `timeit.default_timer` (there is no accelerator to wait for)."""
    return timeit.default_timer()


class Language(enum.Enum):
    """The language of a Timer's statement."""

    PYTHON = 0
    CPP = 1


def _tidy(code: str) -> str:
    code = textwrap.dedent(code)
    return (code[1:] if code.startswith("\n") else code).rstrip()


class Timer:
    """Times a Python statement; `timeit`, `blocked_autorange` and `adaptive_autorange` return a Measurement.

    Examples:
        >>> t = Timer("x * 2", globals={"x": retrograd.ones(3)})
        >>> m = t.timeit(10)
        >>> m.number_per_run, len(m.times)
        (10, 1)
    """

    def __init__(
        self,
        stmt: str = "pass",
        setup: str = "pass",
        global_setup: str = "",
        timer: Callable[[], float] = timer,
        globals: dict[str, Any] | None = None,  # noqa: A002  (PyTorch's parameter name)
        label: str | None = None,
        sub_label: str | None = None,
        description: str | None = None,
        env: str | None = None,
        num_threads: int = 1,
        language: Language | str = Language.PYTHON,
    ) -> None:
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language in (Language.CPP, "cpp", "c++"):
            raise NotImplementedError("retrograd's Timer times Python statements only: it has no C++ to compile")
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError(f"Invalid language `{language}`.")
        if global_setup:
            raise ValueError(
                f"global_setup is C++ only, got `{global_setup}`. Most likely this code can simply be moved to `setup`."
            )
        names = dict(globals or {})
        # the package sits above utils; statements say `torch.` and mean it
        names.setdefault("torch", importlib.import_module("retrograd"))
        stmt, setup = _tidy(stmt), _tidy(setup)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=names)
        self._task_spec = TaskSpec(
            stmt=stmt,
            setup=setup,
            global_setup=global_setup,
            label=label,
            sub_label=sub_label,
            description=description,
            env=env,
            num_threads=num_threads,
        )

    def _timeit(self, number: int) -> float:
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number: int = 1000000) -> Measurement:
        """One measurement of `number` runs, after a warm-up of number // 100 runs (at least 2)."""
        with set_torch_threads(self._task_spec.num_threads):
            self._timeit(max(number // 100, 2))
            return Measurement(number_per_run=number, raw_times=[self._timeit(number)], task_spec=self._task_spec)

    def repeat(self, repeat: int = -1, number: int = -1) -> None:
        """Not provided, as in PyTorch: use `blocked_autorange`."""
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback: Callable[[int, float], Any] | None = None) -> None:
        """Not provided, as in PyTorch: use `blocked_autorange`."""
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def blocked_autorange(
        self, callback: Callable[[int, float], Any] | None = None, min_run_time: float = 0.2
    ) -> Measurement:
        """Blocks of runs timed until `min_run_time` seconds are spent; `callback(number, seconds)` sees each."""
        number = self._block_size(min_run_time)
        times = self._measure(number, min_run_time, None, callback, lambda times: True)
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def adaptive_autorange(
        self,
        threshold: float = 0.1,
        *,
        min_run_time: float = 0.01,
        max_run_time: float = 10.0,
        callback: Callable[[int, float], Any] | None = None,
    ) -> Measurement:
        """Blocks timed until more than 3, `min_run_time` spent and IQR / median < `threshold` (or `max_run_time`)."""
        number = self._block_size(0.05)

        def steady(times: list[float]) -> bool:
            if len(times) <= 3:
                return False
            return Measurement(number, times, self._task_spec).meets_confidence(threshold=threshold)

        times = self._measure(number, min_run_time, max_run_time, callback, steady)
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def _block_size(self, min_run_time: float) -> int:
        # grow by tens until the clock's overhead is negligible and the block takes a thousandth of the time
        with set_torch_threads(self._task_spec.num_threads):
            overhead = sorted(self._timeit(0) for _ in range(5))[2]
            number = 1
            while True:
                took = self._timeit(number)
                if overhead / took <= 1e-4 and took >= min_run_time / 1000:
                    return number
                if took > min_run_time or number * 10 > 2147483647:
                    return number
                number *= 10

    def _measure(
        self,
        number: int,
        min_run_time: float,
        max_run_time: float | None,
        callback: Callable[[int, float], Any] | None,
        can_stop: Callable[[list[float]], bool],
    ) -> list[float]:
        times: list[float] = []
        total, stop = 0.0, False
        with set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not stop:
                spent = self._timeit(number)
                times.append(spent)
                total += spent
                if callback:
                    callback(number, spent)
                stop = can_stop(times)
                if max_run_time and total > max_run_time:
                    break
        return times
