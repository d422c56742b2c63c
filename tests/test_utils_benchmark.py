"""torch.utils.benchmark's Timer and Measurement: the statistics and summaries of known times.

A statement that advances a fake clock by a fixed cycle of steps makes every timing loop
deterministic, so the same program's Measurements can be compared with PyTorch's line by line.
"""

from __future__ import annotations

import importlib

import pytest

import retrograd
from retrograd.utils import benchmark


class _Clock:
    """A clock that only the timed statement moves (`tick`), by steps that cycle."""

    def __init__(self) -> None:
        self.now = 0.0
        self.ticks = 0

    def tick(self) -> None:
        self.ticks += 1
        self.now += [1e-6, 3e-6, 2e-6, 7e-6, 5e-6][self.ticks % 7 % 5]

    def __call__(self) -> float:
        self.now += 1e-9
        return self.now


def _timed(m, how: str, **kwargs):
    clock = _Clock()
    # PyTorch loads torch.utils.benchmark only when it is imported
    timer = importlib.import_module(f"{m.__name__}.utils.benchmark").Timer(
        "y = x * 2\nc.tick()", globals={"x": m.ones(3), "c": clock}, timer=clock, **kwargs
    )
    if how == "timeit":
        return timer.timeit(100)
    if how == "blocked":
        return timer.blocked_autorange(min_run_time=0.0005)
    return timer.adaptive_autorange(min_run_time=0.0001, max_run_time=0.01)


def _summary(m) -> tuple:
    # the repr's first line is the object's address
    return (repr(m).splitlines()[1:], m.number_per_run, m.median, m.iqr, m.has_warnings, m.env, m.times)


def test_measurement_statistics_and_summary():
    spec = benchmark.TaskSpec("f(x)", "import os\nx = 1")
    m = benchmark.Measurement(number_per_run=10, raw_times=[1e-4, 3e-4, 2e-4, 9e-4, 1.5e-4], task_spec=spec)
    assert m.times == pytest.approx([1e-5, 3e-5, 2e-5, 9e-5, 1.5e-5])
    assert (m.median, m.iqr, m.mean) == pytest.approx((2e-5, 1.5e-5, 3.3e-5))
    assert m.env is None and m.stmt == "f(x)" and m.title == "f(x)" and m.significant_figures == 1
    assert repr(m).splitlines()[1:] == [
        "f(x)",
        "setup:",
        "  import os",
        "  x = 1",
        "",
        "  Median: 20.00 us",
        "  IQR:    15.00 us (15.00 to 30.00)",
        "  5 measurements, 10 runs per measurement, 1 thread",
        "  WARNING: Interquartile range is 75.0% of the median measurement.",
        "           This suggests significant environmental influence.",
    ]
    single = benchmark.Measurement(1, [2.5e-3], benchmark.TaskSpec("g()", "pass", env="cpu"))
    assert repr(single).splitlines()[1:] == ["g()", "  2.50 ms", "  1 measurement, 1 runs , 1 thread"]
    assert single.env == "cpu" and single.significant_figures == 4
    (merged,) = benchmark.Measurement.merge([m, m])
    assert merged.number_per_run == 1 and len(merged.times) == 10


def test_timer_loops_on_a_fake_clock():
    clock = _Clock()
    t = benchmark.Timer("c.tick()", globals={"c": clock}, timer=clock, label="tick", sub_label="n=1", num_threads=2)
    m = t.timeit(100)
    # a warm-up of 2 runs, then 100 runs: ticks 3..102
    assert clock.ticks == 102 and m.number_per_run == 100 and len(m.raw_times) == 1
    seen = []
    m = t.blocked_autorange(callback=lambda n, s: seen.append(n), min_run_time=0.0005)
    assert m.number_per_run == 10 and len(seen) == len(m.times) and sum(m.raw_times) >= 0.0005
    assert repr(m).splitlines()[1] == "tick: n=1" and m.num_threads == 2
    with pytest.raises(NotImplementedError, match="blocked_autorange"):
        t.repeat()


def test_timer_restores_the_thread_count():
    before = retrograd.get_num_threads()
    benchmark.Timer("pass", num_threads=before + 1).timeit(2)
    assert retrograd.get_num_threads() == before


def test_timer_statements_see_torch_and_errors():
    assert benchmark.Timer("torch.ones(2).sum()").timeit(3).number_per_run == 3
    with pytest.raises(ValueError, match=r"^Currently only a `str` stmt is supported\.$"):
        benchmark.Timer(lambda: 1)
    with pytest.raises(ValueError, match=r"^Invalid language `rust`\.$"):
        benchmark.Timer("pass", language="rust")
    with pytest.raises(ValueError, match="^global_setup is C\\+\\+ only"):
        benchmark.Timer("pass", global_setup="int x;")
    with pytest.raises(NotImplementedError, match="Python statements only"):
        benchmark.Timer("pass", language="cpp")


def test_unit_helpers():
    assert benchmark.select_unit(3e-7) == ("ns", 1e-9)
    assert benchmark.select_unit(1e-10) == ("s", 1)  # PyTorch's table has no unit below ns
    assert benchmark.trim_sigfig(3.14159, 2) == 3.1000001430511475  # rounded in float32
    assert benchmark.unit_to_english("us") == "microsecond"
    assert benchmark.ordered_unique([3, 1, 3, 2]) == [3, 1, 2]


@pytest.mark.pytorch
@pytest.mark.parametrize("how", ["timeit", "blocked", "adaptive"])
def test_measurements_match_pytorch(how):
    torch = pytest.importorskip("torch")
    kwargs = {"label": "mul", "sub_label": "n=3", "description": "twice", "num_threads": 2}
    ours, theirs = _summary(_timed(retrograd, how, **kwargs)), _summary(_timed(torch, how, **kwargs))
    assert ours[:2] == theirs[:2]
    assert ours[2:4] == pytest.approx(theirs[2:4], rel=1e-12)
    assert ours[4:6] == theirs[4:6]
    assert ours[6] == pytest.approx(theirs[6], rel=1e-12)


@pytest.mark.pytorch
def test_unit_helpers_match_pytorch():
    torch_benchmark = pytest.importorskip("torch.utils.benchmark")
    for t in (3e-7, 1e-10, 5e-4, 2.0, 999e-6):
        assert benchmark.select_unit(t) == torch_benchmark.select_unit(t)
    for x, n in ((3.14159, 2), (123456.0, 3), (0.000123456, 2)):
        assert benchmark.trim_sigfig(x, n) == torch_benchmark.trim_sigfig(x, n)


def _compared(m, trim: bool = False, colorize: bool = False) -> str:
    bench = importlib.import_module(f"{m.__name__}.utils.benchmark")

    def measured(times, sub_label, description, threads=1):
        spec = bench.TaskSpec("f(x)", "pass", label="mm", sub_label=sub_label, description=description,
                              num_threads=threads)
        return bench.Measurement(1, times, spec)

    compare = bench.Compare([
        measured([1.2e-5, 1.25e-5, 1.3e-5], "[64, 64]", "torch"), measured([2.5e-5, 2.4e-5], "[64, 64]", "numpy"),
        measured([1.1e-3, 1.2e-3, 1.6e-3, 1.0e-3], "[512, 512]", "torch"), measured([9e-4], "[512, 512]", "numpy"),
        measured([3e-6, 3.1e-6], "[64, 64]", "torch", threads=4),
    ])
    if trim:
        compare.trim_significant_figures()
        compare.highlight_warnings()
    if colorize:
        compare.colorize()
    return str(compare)


def test_compare_table():
    assert _compared(retrograd) == "\n".join([
        "[---------------- mm ---------------]",
        "                  |  torch   |  numpy",
        "1 threads: --------------------------",
        "      [64, 64]    |    12.5  |   24.5",
        "      [512, 512]  |  1150.0  |  900.0",
        "4 threads: --------------------------",
        "      [64, 64]    |     3.1  |       ",
        "",
        "Times are in microseconds (us).",
        "",
    ])
    trimmed = _compared(retrograd, trim=True).splitlines()
    assert trimmed[4] == "      [512, 512]  |  1000 (! 20%)  |   900 "  # the spread that makes it doubtful
    assert trimmed[-1] == "(! XX%) Measurement has high variance, where XX is the IQR / median * 100."
    with pytest.raises(ValueError, match="Expected an instance of `Measurement`, got <class 'int'> instead."):
        benchmark.Compare([1])


@pytest.mark.pytorch
def test_compare_table_matches_pytorch():
    torch = pytest.importorskip("torch")
    for options in ({}, {"trim": True}, {"colorize": True}, {"trim": True, "colorize": True}):
        assert _compared(retrograd, **options) == _compared(torch, **options)
