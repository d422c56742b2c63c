"""The workloads that run in fresh processes: W5 (deep chain), W7 (peak memory) and W8 (import time)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .measure import Result, summarize
from .systems import MODULE_NAMES

ROOT = Path(__file__).resolve().parent.parent  # children run here so `-m benchmarks._child` resolves
W5_TIMEOUT = 120.0
W5_BUDGET = 60.0
W5_BIG_TIMEOUT = 600.0  # the 1,000,000-op variant must complete; allow it time


def _child(args: list[str], timeout: float) -> tuple[list[dict[str, Any]], str]:
    """Run `python -m benchmarks._child ARGS`; its JSON lines and what went wrong ("" if nothing)."""
    command = [sys.executable, "-m", "benchmarks._child", *args]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
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


def _chain_result(system: str, workload: str, iterations: int, runs: int, timeout: float) -> Result:
    """One fresh child running the chain up to `runs` times; the median, or error / timeout / crash."""
    lines, problem = _child(["w5", system, str(iterations), str(runs), str(W5_BUDGET)], timeout)
    times = [line["seconds"] for line in lines if "seconds" in line]
    errors = [line["error"] for line in lines if "error" in line]
    if not times:
        if errors:
            return Result(system, workload, "error", "s", errors[0])
        return Result(system, workload, _failure_kind(problem or "no output"), "s", problem or "no output")
    last = [line for line in lines if "seconds" in line][-1]
    note = f"{2 * iterations} ops, x.grad {last['grad']:.8g}, peak RSS {last['peak_rss_mib']:.0f} MiB"
    if problem or errors:
        note += f"; then {(errors or [problem])[0]}"
    return summarize(system, workload, "s", 1.0, times, times[0], note)


def run_w5(systems: list[str], quick: bool) -> list[Result]:
    """W5: 100,000-op chain in a fresh process per system; then the 1,000,000-op variant (one run each)."""
    if quick:
        return [_chain_result(s, "W5", 500, 1, W5_TIMEOUT) for s in systems]
    rows = [_chain_result(s, "W5", 50_000, 5, W5_TIMEOUT) for s in systems]
    rows += [_chain_result(s, "W5[1000000 ops]", 500_000, 1, W5_BIG_TIMEOUT) for s in systems]
    return rows


def run_w7(systems: list[str], quick: bool) -> list[Result]:
    """W7: peak RSS of fresh processes running 50 W3 steps, 3 per system, alternating; the median."""
    processes, steps = (1, 2) if quick else (3, 50)
    seen: dict[str, list[dict[str, Any]]] = {s: [] for s in systems}
    problems: dict[str, str] = {}
    for _ in range(processes):
        for system in systems:
            lines, problem = _child(["w7", system, str(steps)] + (["quick"] if quick else []), 600.0)
            seen[system] += [line for line in lines if "peak_mib" in line]
            errors = [line["error"] for line in lines if "error" in line]
            if errors or problem:
                problems.setdefault(system, errors[0] if errors else problem)
    rows = []
    for system in systems:
        runs = seen[system]
        if not runs:
            why = problems.get(system, "no output")
            rows.append(Result(system, "W7", _failure_kind(why), "MiB", why))
            continue
        peaks = [r["peak_mib"] for r in runs]
        mid = {k: statistics.median(r[k] for r in runs) for k in ("import_mib", "setup_mib", "vmrss_mib")}
        note = (f"runs {', '.join(f'{p:.0f}' for p in peaks)}; peak RSS after import {mid['import_mib']:.0f}, "
                f"after setup {mid['setup_mib']:.0f}; VmRSS at end {mid['vmrss_mib']:.0f}; "
                f"loss {runs[0]['loss_first']:.6f} -> {runs[0]['loss_last']:.6f}")
        rows.append(Result(system, "W7", statistics.median(peaks), "MiB", note, min(peaks), peaks[0], len(peaks)))
    return rows


def _wall(code: str) -> float:
    """Whole-process wall time of `python -c CODE` in seconds (raises if it fails)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def run_w8(systems: list[str], quick: bool) -> list[Result]:
    """W8: `python -c "import <lib>"` wall time: one unmeasured (first) run, then 5 fresh processes, alternating."""
    codes = {s: f"import {MODULE_NAMES[s]}" for s in systems}
    baselines = {} if quick else {"python": "pass", "numpy": "import numpy"}
    everything = {**codes, **baselines}
    times: dict[str, list[float]] = {k: [] for k in everything}
    failed: dict[str, str] = {}
    for _ in range(1 if quick else 6):
        for key, code in everything.items():
            if key in failed:
                continue
            try:
                times[key].append(_wall(code))
            except (subprocess.SubprocessError, OSError) as error:
                failed[key] = f"{type(error).__name__}: {error}"[:300]
    timed = {k: v if quick else v[1:] for k, v in times.items()}  # the first run only warms the file cache
    base = ", ".join(f"`{everything[k]}` {statistics.median(timed[k]):.3f} s" for k in baselines if timed[k])
    rows = []
    for system in systems:
        if system in failed:
            rows.append(Result(system, "W8", "error", "s", failed[system]))
        else:
            rows.append(summarize(system, "W8", "s", 1.0, timed[system], times[system][0], base))
    return rows
