"""One system, one workload, one process: the timed steps of an in-process workload.

    python -m benchmarks.worker SYSTEM WORKLOAD --warmup N --reps K [--total T] [--quick]

Imports only SYSTEM's library (under its own default settings), builds the workload, makes N
warm-up calls (the first timed alone: the cold call), then K timed calls, then untimed calls up to
T in all (so that round 1 can report the loss at the spec's last step). Prints one JSON object:
status ("ok", "unsupported" or "error"), the times in seconds, the values of the first and last
call, and what this process saw of its environment (library, BLAS pools, threads, OMP_*/OPENBLAS_*).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import numpy as np

from .measure import describe
from .suite import WORKLOADS_BY_NAME, Workload
from .systems import System, compiler, load_module, parse_system
from .workloads import Step, Unsupported

ENV_PREFIXES = ("OMP_", "OPENBLAS_", "MKL_", "GOMP_", "KMP_")


def library_env(system: System, module: Any) -> dict[str, Any]:
    """What this process runs on: library version and file, BLAS/OpenMP pools, torch's threads and kernels."""
    info: dict[str, Any] = {
        "library": system.library,
        "version": getattr(module, "__version__", "?"),
        "file": getattr(module, "__file__", None),
        "numpy": np.__version__,
        "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)},
    }
    try:
        from threadpoolctl import threadpool_info  # optional: recorded when installed
    except ImportError:
        info["blas"] = "threadpoolctl not installed"
    else:
        keys = (
            "user_api",
            "internal_api",
            "prefix",
            "architecture",
            "version",
            "num_threads",
            "threading_layer",
            "filepath",
        )
        info["blas"] = [{k: pool[k] for k in keys if k in pool} for pool in threadpool_info()]
    if system.library == "torch":
        info["torch"] = {
            "num_threads": module.get_num_threads(),
            "num_interop_threads": module.get_num_interop_threads(),
            "mkl": module.backends.mkl.is_available(),
            "mkldnn": module.backends.mkldnn.is_available(),
            "cpu_capability": module.backends.cpu.get_cpu_capability(),
        }
    return info


def build_step(work: Workload, system: System, quick: bool) -> tuple[Step, Any]:
    """The workload's step for this system, and the loaded module (None for the NumPy floor)."""
    if system.is_floor:
        if work.floor is None:
            raise Unsupported(f"no hand-written NumPy version of {work.name}")
        return work.floor(quick), None
    if work.build is None:
        raise Unsupported(f"{work.name} is a NumPy floor only")
    module = load_module(system)
    return work.build(module, quick, compiler(system, module)), module


def jsonable(value: Any) -> Any:
    """A step's value for JSON: floats stay, arrays become nested lists."""
    return value.tolist() if isinstance(value, np.ndarray) else float(value)


def measure(step: Step, warmup: int, reps: int, total: int) -> dict[str, Any]:
    """First (cold) call, warm-up, timed calls, then untimed calls up to `total`; times and first/last value."""
    start = time.perf_counter()
    first_value = last_value = step()
    first = time.perf_counter() - start
    for _ in range(warmup - 1):
        last_value = step()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        last_value = step()
        times.append(time.perf_counter() - start)
    for _ in range(total - max(warmup, 1) - reps):
        last_value = step()
    return {
        "first": first,
        "times": times,
        "value_first": jsonable(first_value),
        "value_last": jsonable(last_value),
        "calls": max(total, max(warmup, 1) + reps),
    }


def run(argv: list[str] | None = None) -> dict[str, Any]:
    """Parse the command line, measure, and return the JSON object (never raises for a workload failure)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    parser.add_argument("system")
    parser.add_argument("workload")
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--reps", type=int, required=True)
    parser.add_argument("--total", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    system, work = parse_system(args.system), WORKLOADS_BY_NAME[args.workload]
    out: dict[str, Any] = {"system": args.system, "workload": work.name, "pid": os.getpid()}
    try:
        step, module = build_step(work, system, args.quick)
        out.update(measure(step, args.warmup, args.reps, args.total), status="ok")
    except Unsupported as why:
        return {**out, "status": "unsupported", "why": str(why)}
    except Exception as error:  # noqa: BLE001 - a failing system is a result, not a crash of the suite
        return {**out, "status": "error", "why": describe(error)}
    out["env"] = library_env(system, module if module is not None else np)
    return out


if __name__ == "__main__":
    print(json.dumps(run()), flush=True)
