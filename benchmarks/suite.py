"""The in-process workloads (W1-W4, W6, W9) with their repetitions, units and correctness checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from . import workloads as wl
from .data import analytic_hessian, hessian_data
from .measure import Result, build_runs, interleave, summarize
from .workloads_demo import w9_demo_epoch

Values = dict[str, list[Any]]  # system -> [value of the first call, value of the last call]


@dataclass(frozen=True)
class Workload:
    """An in-process workload: how to build it, how often to call it, how to report and check it."""

    name: str
    unit: str
    scale: float  # unit per second (W1: per op)
    warmup: int  # warm-up calls, the first one timed alone as the "first" (cold) call
    reps: int  # timed calls per system
    block: int  # timed calls per system before switching to the other system
    build: Callable[[ModuleType, bool], wl.Step]
    check: Callable[[str, Values, bool], list[str]]


def _fmt(values: Values, index: int, digits: int = 6) -> str:
    """`system value` pairs for one position (first/last) of each system's values."""
    return ", ".join(f"{s} {float(v[index]):.{digits}f}" for s, v in values.items())


def check_chain(name: str, values: Values, quick: bool) -> list[str]:
    """W1: x.grad of each system against 1.0001**1000."""
    return [f"{name} check: x.grad {_fmt(values, -1, 9)} (expected {1.0001 ** 1000:.9f})"]


def check_losses(expected_first: float, expected_last: str, steps: int) -> Callable[[str, Values, bool], list[str]]:
    """A check printing the loss at step 1 and after all steps, with the spec's expected values."""

    def check(name: str, values: Values, quick: bool) -> list[str]:
        first = "" if quick else f" (expected {expected_first:.6f})"
        last = "" if quick else f" (expected {expected_last})"
        return [f"{name} check: loss at step 1: {_fmt(values, 0)}{first}",
                f"{name} check: loss at the last step ({'quick' if quick else steps}): {_fmt(values, -1)}{last}"]

    return check


def check_hessian(name: str, values: Values, quick: bool) -> list[str]:
    """W4: max |H - H_torch| and max |H - H_analytic| for each system."""
    a, x = hessian_data(4, wl.hessian_size(quick))
    exact = analytic_hessian(a, x)
    reference = values.get("pytorch")
    lines = []
    for system, (_, h) in values.items():
        text = f"{name} check: {system} max|H - H_analytic| = {np.max(np.abs(h - exact)):.3g}"
        if reference is not None and system != "pytorch":
            text += f", max|H - H_torch| = {np.max(np.abs(h - reference[-1])):.3g}"
        lines.append(text)
    return lines


def check_epochs(name: str, values: Values, quick: bool) -> list[str]:
    """W9: mean training loss of the first epoch and of the last epoch."""
    return [f"{name} check: mean loss of epoch 1: {_fmt(values, 0)}; of the last epoch: {_fmt(values, -1)}"]


WORKLOADS = [
    Workload("W1", "us/op", 1e6 / 2000, 3, 11, 1, wl.w1_chain, check_chain),
    Workload("W2", "us/step", 1e6, 20, 200, 20, wl.w2_small_mlp, check_losses(2.261725, "0.016269", 220)),
    Workload("W3", "ms/step", 1e3, 5, 50, 10, wl.w3_mnist_mlp, check_losses(2.302860, "0.5997-0.5998", 55)),
    Workload("W4", "ms/Hessian", 1e3, 1, 7, 1, wl.w4_functional, check_hessian),
    Workload("W4[vectorize=True]", "ms/Hessian", 1e3, 1, 7, 1,
             lambda m, quick: wl.w4_functional(m, quick, vectorize=True), check_hessian),
    Workload("W4[torch.func.hessian]", "ms/Hessian", 1e3, 1, 7, 1, wl.w4_func, check_hessian),
    Workload("W6", "ms/step", 1e3, 5, 50, 10, wl.w6_small_cnn, check_losses(2.426830, "0.0652-0.0657", 55)),
    Workload("W9", "s/epoch", 1.0, 1, 5, 1, w9_demo_epoch, check_epochs),
]


def run_workload(work: Workload, modules: dict[str, ModuleType], quick: bool) -> tuple[list[Result], list[str]]:
    """Measure one workload on every loaded system, alternating them; rows and check lines."""
    warmup, reps, block = (1, 1, 1) if quick else (work.warmup, work.reps, work.block)
    runs, failed = build_runs(modules, work.build, quick)
    interleave(runs, warmup, reps, block)
    results = []
    for system in modules:
        if system in failed:
            row = failed[system]
            row.workload, row.unit = work.name, work.unit
        elif runs[system].error:
            row = Result(system, work.name, "error", work.unit, runs[system].error)
        else:
            run = runs[system]
            row = summarize(system, work.name, work.unit, work.scale, run.times, run.first)
        results.append(row)
    values = {s: r.values for s, r in runs.items() if not r.error and r.values}
    checks = work.check(work.name, values, quick) if values else []
    return results, checks
