"""Alternating worker processes: every system in its own process, A, B, A, B, ... over several rounds.

Running two libraries in one process distorts both: one library's idle OpenMP/BLAS threads spin
while the other works, and a wait policy that stops the spinning slows PyTorch's own kernels
(workloads.md, "How to compare"). So each (round, system) is a fresh process under the system's
own defaults; the figure is the median over all timed calls of all its rounds.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .measure import Result, summarize
from .suite import Values, Workload
from .systems import System

ROOT = Path(__file__).resolve().parent.parent  # workers run here so `-m benchmarks.worker` resolves
WORKER_TIMEOUT = 900.0


@dataclass
class Progress:
    """One system's runs of one workload so far: timed calls, cold calls, values, environment, failure."""

    times: list[float] = field(default_factory=list)
    firsts: list[float] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)  # round 1's [first value, last value]
    env: dict[str, Any] | None = None
    failed: Result | None = None


def worker(system: System, work: Workload, warmup: int, reps: int, total: int, quick: bool) -> dict[str, Any]:
    """Run one worker process; its JSON object, or an error object saying how it died."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.worker",
        system.name,
        work.name,
        "--warmup",
        str(warmup),
        "--reps",
        str(reps),
        "--total",
        str(total),
    ] + (["--quick"] if quick else [])
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=system.child_env(), capture_output=True, text=True, timeout=WORKER_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "why": f"worker ran over {WORKER_TIMEOUT:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if lines:
        return json.loads(lines[-1])
    tail = (done.stderr.strip().splitlines() or [""])[-1][:300]
    return {"status": "crash", "why": f"worker exit code {done.returncode}: {tail}"}


def applies(work: Workload, system: System) -> bool:
    """Whether the system has a row for this workload (the floor only where there is a hand-written version)."""
    return work.floor is not None if system.is_floor else work.build is not None


def run_workload(
    work: Workload, systems: list[System], rounds: int, quick: bool, progress_line: Any = None
) -> tuple[list[Result], list[str], dict[str, dict[str, Any]]]:
    """Measure one workload on every system, alternating processes; rows, check lines, environments."""
    systems = [s for s in systems if applies(work, s)]
    warmup, reps = (1, 1) if quick else (work.warmup, work.reps)
    per_round = max(1, math.ceil(reps / rounds))
    seen = {s.name: Progress() for s in systems}
    load_before = os.getloadavg()
    for round_index in range(rounds):
        for system in systems:
            state = seen[system.name]
            if state.failed:
                continue
            total = work.check_steps if round_index == 0 and not quick else 0
            out = worker(system, work, warmup, per_round, total, quick)
            if progress_line:
                progress_line(f"{work.name} round {round_index + 1}/{rounds} {system.label()}: {out['status']}")
            if out["status"] != "ok":
                state.failed = Result(system.label(), work.name, out["status"], work.unit, out.get("why", ""))
                continue
            state.times += out["times"]
            state.firsts.append(out["first"])
            if round_index == 0:
                state.values = [out["value_first"], out["value_last"]]
                state.env = out.get("env")
    load_after = os.getloadavg()
    load = f"load {load_before[0]:.2f} -> {load_after[0]:.2f}"
    rows = []
    for system in systems:
        state = seen[system.name]
        if state.failed and not state.times:
            rows.append(state.failed)
            continue
        cold = statistics.median(state.firsts) * work.scale
        extra = f"{len(state.firsts)} processes, median first {cold:.4g}, {load}"
        if state.failed:
            extra += f"; later {state.failed.value}: {state.failed.note}"
        rows.append(summarize(system.label(), work.name, work.unit, work.scale, state.times, state.firsts[0], extra))
    values: Values = {s.label(): seen[s.name].values for s in systems if seen[s.name].values}
    checks = work.check(work.name, values, quick) if values else []
    envs = {s.label(): seen[s.name].env for s in systems if seen[s.name].env}
    return rows, checks, envs
