"""The machine description, the comparison table, and the result files (JSON and RESULTS.md)."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .measure import Result
from .systems import FLOOR, REFERENCE, source_commit

# The targets for retrograd / PyTorch (ratio of medians); the other workloads are measured only.
TARGETS: dict[str, float] = {"W1": 1.0, "W2": 1.3, "W5": 1.0, "W6": 1.3, "W7": 0.2, "W8": 0.15, "W10": 1.5, "W11": 1.5,
                             "W12": 2.0}  # W12: per-sample gradients (issue 12)
# compiled retrograd / PyTorch eager; W2's also for the whole step compiled (forward, loss,
# backward and update as one generated function), beside the forward alone
COMPILED_TARGETS: dict[str, float] = {"W1": 0.3, "W2": 0.5, "W2[compiled step]": 0.5, "W10": 1.0, "W11": 1.0}
# retrograd / the hand-written NumPy floor (where the work is NumPy's own: matrix products)
FLOOR_TARGETS: dict[str, float] = {"W3": 1.05}
# the GPU workloads, retrograd on CuPy / torch-cuda eager
GPU_TARGETS: dict[str, float] = {"G1": 1.2, "G2": 1.05, "G3": 1.05}
MUST_COMPLETE = {"W5[1000000 ops]"}  # retrograd must finish it; there is no ratio target
ENV_PREFIXES = ("OMP_", "OPENBLAS_", "MKL_", "GOMP_", "KMP_")
METHOD = (
    "Every system runs in its own fresh process under its own default settings (`torch.set_num_threads(2)`; "
    "no wait policy or thread setting chosen for another library's sake), one process per (round, system), "
    "the systems alternating in time (A, B, C, A, B, C, ...). Each process warms up (its first call is the "
    "cold call) and times its share of the repetitions; the figure is the median over all timed calls of "
    "all rounds. W5, W7 and W8 run fresh processes per system, alternating likewise. `numpy-handwritten` "
    "is the floor: the same step written out by hand in NumPy, no autograd. Ratios are of medians measured "
    "in the same run; ratios to PyTorch move with the CPU (PyTorch's MKL/oneDNN kernels differ between "
    "Intel and AMD), ratios to the NumPy floor much less."
)


def _cpu() -> dict[str, Any]:
    """CPU model, vendor, family/model numbers and the vector flags that matter, from /proc/cpuinfo."""
    fields: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    flags = fields.get("flags", "").split()
    return {"cpu": fields.get("model name") or platform.processor() or "unknown",
            "vendor": fields.get("vendor_id", "unknown"),
            "family_model": f"{fields.get('cpu family', '?')}/{fields.get('model', '?')}",
            "avx2": "avx2" in flags, "avx512f": "avx512f" in flags}


def machine_info(sources: dict[str, str]) -> dict[str, Any]:
    """What the figures depend on, seen from the runner: CPU, cores, load, Python, NumPy, env, commits."""
    here = str(Path(__file__).resolve().parent.parent)
    return {
        **_cpu(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)},
        "benchmarks_commit": source_commit(here),
        "sources": {label: {"path": path, "commit": source_commit(path)} for label, path in sources.items()},
    }


def _shown(row: Result | None) -> str:
    """A cell: the median with its unit, or what happened instead."""
    if row is None:
        return "-"
    if isinstance(row.value, str):
        return row.value
    return f"{row.value:.4g} {row.unit}"


def _ratio(a: Result | None, b: Result | None) -> float | None:
    """a / b of two medians, None unless both are numbers."""
    if a is None or b is None or isinstance(a.value, str) or isinstance(b.value, str) or not b.value:
        return None
    return round(a.value / b.value, 3)


def ratio_columns(labels: list[str]) -> list[tuple[str, str, str]]:
    """(title, numerator, denominator) of every ratio shown: each system to PyTorch, each retrograd to the floor."""
    columns = [(f"{s} / {REFERENCE}", s, REFERENCE) for s in labels if s != REFERENCE and REFERENCE in labels]
    if FLOOR in labels:
        columns += [(f"{s} / floor", s, FLOOR) for s in labels if s.startswith("retrograd")]
    return columns


def table_rows(results: list[Result], labels: list[str]) -> list[dict[str, Any]]:
    """One row per workload: every system's cell, the ratios, the target and whether retrograd meets it."""
    rows = []
    for name in dict.fromkeys(r.workload for r in results):
        by_system = {r.system: r for r in results if r.workload == name}
        ratios = {title: _ratio(by_system.get(a), by_system.get(b)) for title, a, b in ratio_columns(labels)}
        checks = [
            (kind, ratios.get(title), bound)
            for kind, title, table in (
                ("eager", f"retrograd / {REFERENCE}", TARGETS),
                ("compiled", f"retrograd-compiled / {REFERENCE}", COMPILED_TARGETS),
                ("vs floor", "retrograd / floor", FLOOR_TARGETS),
            )
            if (bound := table.get(name)) is not None and title in ratios
        ]
        if name in MUST_COMPLETE:
            rg = by_system.get("retrograd")
            target_text, met = "completes", "yes" if rg and not isinstance(rg.value, str) else "no"
        elif not checks:
            target_text, met = "measured only", ""
        else:
            target_text = "; ".join(f"{kind} <= {bound}" for kind, _, bound in checks)
            met = "; ".join("-" if r is None else ("yes" if r <= bound else "no") for _, r, bound in checks)
        rows.append({"workload": name, "cells": {s: _shown(by_system.get(s)) for s in labels}, "ratios": ratios,
                     "target": target_text, "met": met})
    return rows


def markdown_table(rows: list[dict[str, Any]], labels: list[str]) -> str:
    """The table as Markdown (also what is printed)."""
    titles = [title for title, _, _ in ratio_columns(labels)]
    head = ["workload", *labels, *titles, "target (ratio)", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        ratios = ["-" if row["ratios"][t] is None else f"{row['ratios'][t]:.3g}" for t in titles]
        cells = [row["workload"], *(row["cells"][s] for s in labels), *ratios, row["target"], row["met"]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine_markdown(info: dict[str, Any], envs: dict[str, dict[str, Any]]) -> str:
    """The machine and every system's process environment as a Markdown list."""
    lines = [f"- CPU: {info['cpu']} (vendor {info['vendor']}, family/model {info['family_model']}, "
             f"{info['cores']} cores, {info['cores_usable']} usable, AVX2 {'yes' if info['avx2'] else 'no'}, "
             f"AVX-512 {'yes' if info['avx512f'] else 'no'})",
             f"- Load average (1, 5, 15 min) at start {info['load_average_at_start']}, at end "
             f"{info.get('load_average_at_end', '-')}",
             f"- Python {info['python']} on {info['platform']}; benchmarks at commit "
             f"{info['benchmarks_commit'] or '?'}",
             f"- OMP_* / OPENBLAS_* / MKL_* in the runner's environment: {info['env'] or 'none set'}"]
    for label, source in info["sources"].items():
        lines.append(f"- {label}: retrograd from {source['path']} (commit {source['commit'] or '?'})")
    for label, env in envs.items():
        text = f"- {label} process: {env['library']} {env['version']}, NumPy {env['numpy']}"
        if env.get("torch"):
            t = env["torch"]
            text += (f"; {t['num_threads']} intra-op / {t['num_interop_threads']} inter-op threads, MKL {t['mkl']}, "
                     f"oneDNN {t['mkldnn']}, CPU capability {t['cpu_capability']}")
        if env.get("env"):
            text += f"; env {env['env']}"
        lines.append(text)
        blas = env.get("blas")
        for pool in blas if isinstance(blas, list) else []:
            lines.append(f"  - {pool.get('internal_api')} {pool.get('version') or ''} ({pool.get('user_api')}), "
                         f"kernel {pool.get('architecture', '-')}, {pool.get('num_threads')} threads: "
                         f"{pool.get('filepath')}")
        if isinstance(blas, str):
            lines.append(f"  - BLAS: {blas}")
    return "\n".join(lines)


def write_files(results: list[Result], checks: list[str], info: dict[str, Any], envs: dict[str, dict[str, Any]],
                labels: list[str], command: str, day: str, results_dir: Path, markdown_path: Path) -> None:
    """Write results/<day>.json and regenerate RESULTS.md."""
    rows = table_rows(results, labels)
    results_dir.mkdir(parents=True, exist_ok=True)
    payload = {"date": day, "command": command, "method": METHOD, "machine": info, "systems": envs,
               "table": rows, "checks": checks, "results": [asdict(r) for r in results]}
    (results_dir / f"{day}.json").write_text(json.dumps(payload, indent=1) + "\n")
    details = [f"- {r.system} {r.workload}: {_shown(r)}" + (f" ({r.note})" if r.note else "") for r in results]
    markdown_path.write_text("\n".join([
        "# Benchmark results: retrograd vs PyTorch and the NumPy floor",
        "",
        f"Generated by `{command}` on {day}; `make bench` rewrites this file and "
        f"`benchmarks/results/{day}.json`. Workloads: /work/shared/bench/workloads.md; notes: "
        "[NOTES.md](NOTES.md).",
        "",
        "## Machine", "", machine_markdown(info, envs), "",
        "## Method", "", METHOD, "",
        "## Results", "",
        "Medians; `a / b` = ratio of the medians; `floor` = numpy-handwritten.", "",
        markdown_table(rows, labels), "",
        "## Details (median, min, first call of round 1, timed calls, processes, median first call, load)", "",
        *details, "",
        "## Correctness checks", "", *[f"- {c}" for c in checks], "",
        *gpu_markdown(results_dir),
    ]))


def gpu_markdown(results_dir: Path) -> list[str]:
    """Every recorded GPU run (benchmarks/gpu/run.sh on a lent device, saved as results/gpu-*.jsonl)."""
    runs = sorted(results_dir.glob("gpu-*.jsonl"))
    if not runs:
        return ["## GPU (G1-G3)", "", "No GPU run recorded yet (benchmarks/gpu/run.sh on a GPU machine).", ""]
    lines = ["## GPU (G1-G3)", ""]
    for run in runs:
        lines += _gpu_table(run, results_dir)
    return lines


def _gpu_table(run: Path, results_dir: Path) -> list[str]:
    """One run's table: G1-G3 against their targets, then the measured-only workloads."""
    values: dict[tuple[str, str], list[float]] = {}
    for line in run.read_text().splitlines():
        r = json.loads(line)
        if not isinstance(r["value"], str):
            values.setdefault((r["workload"], r["system"]), []).append(r["value"])
    lines = [f"From `{run.relative_to(results_dir.parent)}` (each system in its own process, rounds "
             "alternating; every round's median listed).", "",
             "| workload | retrograd-cupy | torch-cuda | cupy-by-hand (floor) | retrograd / torch | target | met |",
             "|---|---|---|---|---|---|---|"]
    names = list(GPU_TARGETS) + sorted({w for w, _ in values} - set(GPU_TARGETS))
    for name in names:
        bound = GPU_TARGETS.get(name)
        rg, th, floor = (values.get((name, s), []) for s in ("retrograd-cupy", "torch-cuda", "cupy-by-hand"))
        ratio = min(rg) / min(th) if rg and th else None  # best round of each: the GPU is shared with nothing
        shown = ["/".join(f"{v:g}" for v in vs) or "-" for vs in (rg, th, floor)]
        target = "measured only" if bound is None else f"<= {bound}"
        met = "" if ratio is None or bound is None else ("yes" if ratio <= bound else "no")
        lines.append(f"| {name} | {' | '.join(shown)} | {'-' if ratio is None else f'{ratio:.3g}'} | {target} | "
                     f"{met} |")
    return [*lines, ""]
