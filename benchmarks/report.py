"""The machine description, the comparison table, and the result files (JSON and RESULTS.md)."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from .measure import Result

# The targets for retrograd / PyTorch (ratio of medians); W4 is measured only.
TARGETS: dict[str, float] = {"W1": 0.5, "W2": 0.4, "W3": 1.05, "W5": 0.5, "W6": 1.5, "W7": 0.2, "W8": 0.1, "W9": 1.3}
MUST_COMPLETE = {"W5[1000000 ops]"}  # retrograd must finish it; there is no ratio target


def _cpu() -> tuple[str, list[str]]:
    """CPU model name and flags from /proc/cpuinfo (platform's guess where there is none)."""
    model, flags = "", []
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and not model:
                    model = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = value.split()
    except OSError:
        pass
    return model or platform.processor() or "unknown", flags


def _blas() -> list[dict[str, Any]] | str:
    """threadpoolctl's view of the loaded BLAS/OpenMP libraries (library, API, kernel, threads, version)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    keys = ("user_api", "internal_api", "architecture", "version", "num_threads", "threading_layer", "filepath")
    return [{k: pool[k] for k in keys if k in pool} for pool in threadpool_info()]


def machine_info(modules: dict[str, ModuleType]) -> dict[str, Any]:
    """What the figures depend on: CPU, cores, load, Python, NumPy and its BLAS, torch, OPENBLAS_* values."""
    model, flags = _cpu()
    info: dict[str, Any] = {
        "cpu": model,
        "avx512f": "avx512f" in flags,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "blas": _blas(),
        "openblas_env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("OPENBLAS")},
    }
    if "retrograd" in modules:
        info["retrograd"] = getattr(modules["retrograd"], "__version__", "?")
    if "pytorch" in modules:
        torch = modules["pytorch"]
        info["torch"] = {"version": torch.__version__, "num_threads": torch.get_num_threads(),
                         "mkl": torch.backends.mkl.is_available(), "mkldnn": torch.backends.mkldnn.is_available()}
    return info


def _shown(row: Result | None) -> str:
    """A cell: the median with its unit, or what happened instead."""
    if row is None:
        return "-"
    if isinstance(row.value, str):
        return row.value
    return f"{row.value:.4g} {row.unit}"


def table_rows(results: list[Result]) -> list[dict[str, Any]]:
    """One row per workload: both systems' cells, ratio of medians, target and whether it is met."""
    names = list(dict.fromkeys(r.workload for r in results))
    rows = []
    for name in names:
        by_system = {r.system: r for r in results if r.workload == name}
        rg, pt = by_system.get("retrograd"), by_system.get("pytorch")
        ratio = None
        if rg and pt and not isinstance(rg.value, str) and not isinstance(pt.value, str) and pt.value:
            ratio = rg.value / pt.value
        target = TARGETS.get(name)
        if name in MUST_COMPLETE:
            target_text, met = "completes", "yes" if rg and not isinstance(rg.value, str) else "no"
        elif target is None:
            target_text, met = "measured only", ""
        else:
            target_text, met = f"<= {target}", "" if ratio is None else ("yes" if ratio <= target else "no")
        rows.append({"workload": name, "retrograd": _shown(rg), "pytorch": _shown(pt),
                     "ratio": None if ratio is None else round(ratio, 3), "target": target_text, "met": met})
    return rows


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The table as Markdown (also what is printed)."""
    lines = ["| workload | retrograd | PyTorch | ratio | target | met |", "|---|---|---|---|---|---|"]
    for row in rows:
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.3g}"
        lines.append(f"| {row['workload']} | {row['retrograd']} | {row['pytorch']} | {ratio} | {row['target']} "
                     f"| {row['met']} |")
    return "\n".join(lines)


def machine_markdown(info: dict[str, Any]) -> str:
    """The machine description as a Markdown list."""
    lines = [f"- CPU: {info['cpu']} ({info['cores']} cores, {info['cores_usable']} usable, "
             f"AVX-512: {'yes' if info['avx512f'] else 'no'}); load average at start {info['load_average_at_start']}",
             f"- Python {info['python']} on {info['platform']}; NumPy {info['numpy']}; retrograd "
             f"{info.get('retrograd', '-')}",
             f"- OPENBLAS_* seen by the process: {info['openblas_env'] or 'none set'}"]
    torch = info.get("torch")
    if torch:
        lines.append(f"- PyTorch {torch['version']}, {torch['num_threads']} threads, MKL {torch['mkl']}, "
                     f"oneDNN {torch['mkldnn']}")
    blas = info["blas"]
    for pool in blas if isinstance(blas, list) else []:
        path = str(pool.get("filepath"))
        owner = next((name for name in ("numpy", "scipy", "torch") if f"/{name}" in path), "?")
        lines.append(f"- {owner}'s {pool.get('internal_api')} {pool.get('version') or ''} ({pool.get('user_api')}), "
                     f"kernel {pool.get('architecture', '-')}, {pool.get('num_threads')} threads: {path}")
    if isinstance(blas, str):
        lines.append(f"- BLAS: {blas}")
    return "\n".join(lines)


def write_files(results: list[Result], checks: list[str], info: dict[str, Any], command: str, day: str,
                results_dir: Path, markdown_path: Path) -> None:
    """Write results/<day>.json and regenerate RESULTS.md."""
    rows = table_rows(results)
    results_dir.mkdir(parents=True, exist_ok=True)
    payload = {"date": day, "command": command, "machine": info, "table": rows, "checks": checks,
               "results": [asdict(r) for r in results]}
    (results_dir / f"{day}.json").write_text(json.dumps(payload, indent=1) + "\n")
    details = [f"- {r.system} {r.workload}: {_shown(r)}" + (f" ({r.note})" if r.note else "") for r in results]
    markdown_path.write_text("\n".join([
        "# Benchmark results: retrograd vs PyTorch",
        "",
        f"Generated by `{command}` on {day}; `make bench` rewrites this file and "
        f"`benchmarks/results/{day}.json`. Workloads: /work/shared/bench/workloads.md; notes: "
        "[NOTES.md](NOTES.md).",
        "",
        "## Machine", "", machine_markdown(info), "",
        "## Results", "",
        "Medians; ratio = retrograd / PyTorch of the medians, measured in the same run with the systems "
        "alternating.", "",
        markdown_table(rows), "",
        "## Details (median, min, first call, repetitions)", "", *details, "",
        "## Correctness checks", "", *[f"- {c}" for c in checks], "",
    ]))
