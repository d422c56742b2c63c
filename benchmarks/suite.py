"""The in-process workloads (W1-W4, W6, W9-W12 and the W1 floors): sizes of their runs, units and checks.

Each runs in worker processes, one system per process (benchmarks/worker.py); `alternate.py`
alternates the processes. `build(m, quick, compile_fn)` is the library version (the same code for
every library), `floor(quick)` the hand-written NumPy version; either may be None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from . import floors
from . import workloads as wl
from .data import analytic_hessian, hessian_data
from .workloads_demo import w9_demo_epoch
from .workloads_func import check_per_sample, w12_floor, w12_per_sample_grads
from .workloads_lm import w10_compiled_step, w10_gpt, w11_compiled_step, w11_lstm

Values = dict[str, list[Any]]  # system label -> [value of the first call, value of the last call]
LibraryBuilder = Callable[[ModuleType, bool, wl.Compile], wl.Step]
FIRST_LOSS_TOLERANCE = 1e-4  # W10/W11: the first loss must agree this closely between systems


@dataclass(frozen=True)
class Workload:
    """An in-process workload: how to build it, how often to call it, how to report and check it."""

    name: str
    unit: str
    scale: float  # unit per second (W1: per op)
    warmup: int  # warm-up calls per process, the first one timed alone as the "first" (cold) call
    reps: int  # timed calls per system, spread over the rounds
    build: LibraryBuilder | None
    floor: floors.FloorBuilder | None
    check: Callable[[str, Values, bool], list[str]]
    check_steps: int = 0  # round 1 continues (untimed) to this many calls for the last-value check


def _fmt(values: Values, index: int, digits: int = 6) -> str:
    """`system value` pairs for one position (first/last) of each system's values."""
    return ", ".join(f"{s} {float(v[index]):.{digits}f}" for s, v in values.items())


def check_chain(name: str, values: Values, quick: bool) -> list[str]:
    """W1: x.grad of each system against 1.0001**1000."""
    return [f"{name} check: x.grad {_fmt(values, -1, 9)} (expected {1.0001 ** 1000:.9f})"]


def check_nothing(name: str, values: Values, quick: bool) -> list[str]:
    """No check (the W1 floors multiply a constant)."""
    return []


def check_losses(expected_first: float, expected_last: str, steps: int) -> Callable[[str, Values, bool], list[str]]:
    """A check printing the loss at step 1 and after all steps, with the spec's expected values."""

    def check(name: str, values: Values, quick: bool) -> list[str]:
        first = "" if quick else f" (expected {expected_first:.6f})"
        last = "" if quick else f" (expected {expected_last})"
        return [f"{name} check: loss at step 1: {_fmt(values, 0)}{first}",
                f"{name} check: loss at the last step ({'quick' if quick else steps}): {_fmt(values, -1)}{last}"]

    return check


def check_first_loss_agrees(name: str, values: Values, quick: bool) -> list[str]:
    """W10/W11: the first loss agrees to 1e-4 between all systems (pass/FAIL), and the last loss."""
    firsts = [float(v[0]) for v in values.values()]
    spread = max(firsts) - min(firsts)
    verdict = "agrees" if spread <= FIRST_LOSS_TOLERANCE else "DISAGREES"
    return [f"{name} check: loss at step 1: {_fmt(values, 0)}; spread {spread:.2g} {verdict} "
            f"(tolerance {FIRST_LOSS_TOLERANCE:g})",
            f"{name} check: loss at the last step: {_fmt(values, -1)}"]


def check_hessian(name: str, values: Values, quick: bool) -> list[str]:
    """W4: max |H - H_analytic| for each system, and max |H - H_torch| where PyTorch ran."""
    a, x = hessian_data(4, wl.hessian_size(quick))
    exact = analytic_hessian(a, x)
    reference = values.get("pytorch")
    lines = []
    for system, (_, h) in values.items():
        h = np.asarray(h)
        text = f"{name} check: {system} max|H - H_analytic| = {np.max(np.abs(h - exact)):.3g}"
        if reference is not None and system != "pytorch":
            text += f", max|H - H_torch| = {np.max(np.abs(h - np.asarray(reference[-1]))):.3g}"
        lines.append(text)
    return lines


def check_epochs(name: str, values: Values, quick: bool) -> list[str]:
    """W9: mean training loss of the first epoch and of the last epoch."""
    return [f"{name} check: mean loss of epoch 1: {_fmt(values, 0)}; of the last epoch: {_fmt(values, -1)}"]


def _vectorized(m: ModuleType, quick: bool, compile_fn: wl.Compile) -> wl.Step:
    return wl.w4_functional(m, quick, compile_fn, vectorize=True)


US_PER_OP = 1e6 / 2000  # W1: one repetition is 2000 ops
WORKLOADS = [
    Workload("W1", "us/op", US_PER_OP, 3, 11, wl.w1_chain, floors.w1_floor, check_chain),
    Workload("W1-floor[call+mul]", "us/call", US_PER_OP, 3, 11, None,
             lambda quick: floors.call_mul(np.float64(1.0)), check_nothing),
    Workload("W1-floor[call+mul, 0-d array]", "us/call", US_PER_OP, 3, 11, None,
             lambda quick: floors.call_mul(np.array(1.0)), check_nothing),
    Workload("W1-floor[call+mul, float]", "us/call", US_PER_OP, 3, 11, None,
             lambda quick: floors.call_mul(1.0), check_nothing),
    Workload("W2", "us/step", 1e6, 20, 200, wl.w2_small_mlp, floors.w2_floor,
             check_losses(2.261725, "0.016269", 220), 220),
    Workload("W2[compiled loss]", "us/step", 1e6, 20, 200, wl.w2_compiled_loss, None,
             check_losses(2.261725, "0.016269", 220), 220),
    Workload("W2[compiled step]", "us/step", 1e6, 20, 200, wl.w2_compiled_step, floors.w2_floor,
             check_losses(2.261725, "0.016269", 220), 220),
    Workload("W3", "ms/step", 1e3, 5, 50, wl.w3_mnist_mlp, floors.w3_floor,
             check_losses(2.302860, "0.5997-0.5998", 55), 55),
    Workload("W3[compiled step]", "ms/step", 1e3, 5, 50, wl.w3_compiled_step, floors.w3_floor,
             check_losses(2.302860, "0.5997-0.5998", 55), 55),
    Workload("W4", "ms/Hessian", 1e3, 1, 7, wl.w4_functional, floors.w4_floor, check_hessian),
    Workload("W4[vectorize=True]", "ms/Hessian", 1e3, 1, 7, _vectorized, None, check_hessian),
    # retrograd.func.hessian against torch.func.hessian (unsupported where a library has no `func`)
    Workload("W4[func.hessian]", "ms/Hessian", 1e3, 1, 7, wl.w4_func, None, check_hessian),
    Workload("W6", "ms/step", 1e3, 5, 50, wl.w6_small_cnn, floors.w6_floor,
             check_losses(2.426830, "0.0652-0.0657", 55), 55),
    Workload("W9", "s/epoch", 1.0, 1, 5, w9_demo_epoch, None, check_epochs),
    Workload("W10", "ms/step", 1e3, 5, 20, w10_gpt, None, check_first_loss_agrees),
    Workload("W10[compiled step]", "ms/step", 1e3, 5, 20, w10_compiled_step, None, check_first_loss_agrees),
    Workload("W11", "ms/step", 1e3, 5, 20, w11_lstm, None, check_first_loss_agrees),
    Workload("W11[compiled step]", "ms/step", 1e3, 5, 20, w11_compiled_step, None, check_first_loss_agrees),
    Workload("W12", "ms/call", 1e3, 5, 40, w12_per_sample_grads, w12_floor, check_per_sample),
]
WORKLOADS_BY_NAME = {w.name: w for w in WORKLOADS}


def base_name(workload: str) -> str:
    """The workload a row or variant belongs to: W4[vectorize=True] -> W4, W1-floor[...] -> W1."""
    return workload.split("[")[0].split("-")[0]
