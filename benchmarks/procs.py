"""The workloads that run in fresh processes: W5 (deep chain), W7 (peak memory) and W8 (import time).

Only the library systems take part (`retrograd`, `retrograd@PATH`, `pytorch`), never the NumPy
floor or a compiled variant; processes of different systems alternate in time.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .measure import Result, summarize
from .systems import System

ROOT = Path(__file__).resolve().parent.parent  # children run here so `-m benchmarks._child` resolves
W5_TIMEOUT = 120.0
W5_BUDGET = 60.0
W5_BIG_TIMEOUT = 600.0  # the 1,000,000-op variant must complete; allow it time
W5_RUNS = 5  # chain runs per system: one per fresh child, the children of the systems alternating


def library_systems(systems: list[System]) -> list[System]:
    """The systems that take part in the fresh-process workloads."""
    return [s for s in systems if not s.is_floor and not s.compiled]


def _child(system: System, args: list[str], timeout: float) -> tuple[list[dict[str, Any]], str]:
    """Run `python -m benchmarks._child MODE SYSTEM ARGS`; its JSON lines and what went wrong ("" if nothing)."""
    command = [sys.executable, "-m", "benchmarks._child", args[0], system.name, *args[1:]]
    try:
        done = subprocess.run(command, cwd=ROOT, env=system.child_env(), capture_output=True, text=True,
                              timeout=timeout)
        out, problem = done.stdout, _exit_problem(done.returncode, done.stderr)
    except subprocess.TimeoutExpired as expired:
        raw = expired.stdout or b""
        out = raw.decode() if isinstance(raw, bytes) else raw
        problem = f"timeout after {timeout:.0f} s"
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return lines, problem


def _exit_problem(code: int, stderr: str) -> str:
    """'' for a clean exit, else the signal or exit code and the last line of stderr."""
    if code == 0:
        return ""
    tail = stderr.strip().splitlines()[-1:] or [""]
    how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
    return f"{how}: {tail[0][:200]}"


def _failure_kind(why: str) -> str:
    """The spec's word for a failure description: timeout, crash (signal / exit code) or error."""
    if why.startswith("timeout"):
        return "timeout"
    return "crash" if why.startswith(("exit code", "killed")) else "error"


def _chain_result(system: System, workload: str, iterations: int, lines: list[dict[str, Any]],
                  problems: list[str]) -> Result:
    """A W5 row from the JSON lines of a system's chain children: the median, or error / timeout / crash."""
    label = system.label()
    times = [line["seconds"] for line in lines if "seconds" in line]
    errors = [line["error"] for line in lines if "error" in line]
    if not times:
        if errors:
            return Result(label, workload, "error", "s", errors[0])
        why = (problems or ["no output"])[0]
        return Result(label, workload, _failure_kind(why), "s", why)
    last = [line for line in lines if "seconds" in line][-1]
    note = f"{2 * iterations} ops, x.grad {last['grad']:.8g}, peak RSS {last['peak_rss_mib']:.0f} MiB"
    if problems or errors:
        note += f"; then {(errors or problems)[0]}"
    return summarize(label, workload, "s", 1.0, times, times[0], note)


def _chains(systems: list[System], workload: str, iterations: int, rounds: int, timeout: float) -> list[Result]:
    """`rounds` fresh children per system, alternating (A, B, A, B, ...), each running the chain once."""
    lines: dict[str, list[dict[str, Any]]] = {s.name: [] for s in systems}
    problems: dict[str, list[str]] = {s.name: [] for s in systems}
    for _ in range(rounds):
        for system in systems:
            if problems[system.name]:
                continue  # a system that timed out or crashed once is not run again
            more, problem = _child(system, ["w5", str(iterations), "1", str(W5_BUDGET)], timeout)
            lines[system.name] += more
            problems[system.name] += [problem] if problem else []
    return [_chain_result(s, workload, iterations, lines[s.name], problems[s.name]) for s in systems]


def run_w5(systems: list[System], quick: bool) -> list[Result]:
    """W5: 100,000-op chain, 5 fresh processes per system (alternating); then 1,000,000 ops (one run each)."""
    systems = library_systems(systems)
    if quick:
        return _chains(systems, "W5", 500, 1, W5_TIMEOUT)
    rows = _chains(systems, "W5", 50_000, W5_RUNS, W5_TIMEOUT)
    rows += _chains(systems, "W5[1000000 ops]", 500_000, 1, W5_BIG_TIMEOUT)
    return rows


def run_w7(systems: list[System], quick: bool) -> list[Result]:
    """W7: peak RSS of fresh processes running 50 W3 steps, 3 per system, alternating; the median."""
    systems = library_systems(systems)
    processes, steps = (1, 2) if quick else (3, 50)
    seen: dict[str, list[dict[str, Any]]] = {s.name: [] for s in systems}
    problems: dict[str, str] = {}
    for _ in range(processes):
        for system in systems:
            lines, problem = _child(system, ["w7", str(steps)] + (["quick"] if quick else []), 600.0)
            seen[system.name] += [line for line in lines if "peak_mib" in line]
            errors = [line["error"] for line in lines if "error" in line]
            if errors or problem:
                problems.setdefault(system.name, errors[0] if errors else problem)
    rows = []
    for system in systems:
        runs = seen[system.name]
        if not runs:
            why = problems.get(system.name, "no output")
            rows.append(Result(system.label(), "W7", _failure_kind(why), "MiB", why))
            continue
        peaks = [r["peak_mib"] for r in runs]
        mid = {k: statistics.median(r[k] for r in runs) for k in ("import_mib", "setup_mib", "vmrss_mib")}
        note = (f"runs {', '.join(f'{p:.0f}' for p in peaks)}; peak RSS after import {mid['import_mib']:.0f}, "
                f"after setup {mid['setup_mib']:.0f}; VmRSS at end {mid['vmrss_mib']:.0f}; "
                f"loss {runs[0]['loss_first']:.6f} -> {runs[0]['loss_last']:.6f}")
        median = statistics.median(peaks)
        rows.append(Result(system.label(), "W7", median, "MiB", note, min(peaks), peaks[0], len(peaks)))
    return rows


def _wall(code: str, env: dict[str, str] | None) -> float:
    """Whole-process wall time of `python -c CODE` in seconds (raises if it fails)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def _import_env(env: dict[str, str] | None) -> dict[str, str]:
    """The environment for an import timing: bytecode caches allowed, as in any installed package.

    With PYTHONDONTWRITEBYTECODE set, a source checkout (retrograd's src/) would be compiled from
    source in every process, while installed libraries (torch, numpy) read their shipped caches;
    the unmeasured first run writes the caches, so the timed runs compare like with like.
    """
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_w8(systems: list[System], quick: bool) -> list[Result]:
    """W8: `python -c "import <lib>"` wall time: one unmeasured (first) run, then 5 fresh processes, alternating."""
    systems = library_systems(systems)
    codes = {s.name: (f"import {s.library}", _import_env(s.child_env())) for s in systems}
    baselines = {} if quick else {"python": ("pass", _import_env(None)), "numpy": ("import numpy", _import_env(None))}
    everything = {**codes, **baselines}
    times: dict[str, list[float]] = {k: [] for k in everything}
    failed: dict[str, str] = {}
    for _ in range(1 if quick else 6):
        for key, (code, env) in everything.items():
            if key in failed:
                continue
            try:
                times[key].append(_wall(code, env))
            except (subprocess.SubprocessError, OSError) as error:
                failed[key] = f"{type(error).__name__}: {error}"[:300]
    timed = {k: v if quick else v[1:] for k, v in times.items()}  # the first run only warms the file cache
    base = ", ".join(f"`{everything[k][0]}` {statistics.median(timed[k]):.3f} s" for k in baselines if timed[k])
    rows = []
    for system in systems:
        if system.name in failed:
            rows.append(Result(system.label(), "W8", "error", "s", failed[system.name]))
        else:
            rows.append(summarize(system.label(), "W8", "s", 1.0, timed[system.name], times[system.name][0], base))
    return rows
