"""Child processes of W5 (deep chain) and W7 (peak memory of W3); one JSON object per output line.

    python -m benchmarks._child w5 SYSTEM ITERATIONS MAX_RUNS BUDGET_S
    python -m benchmarks._child w7 SYSTEM STEPS [quick]

Only the named system is imported (for `retrograd@PATH`, from PATH), so the process measures that
system alone.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

from .systems import load_module, parse_system
from .workloads import chain_grad, mlp_step, w3_sizes


def _emit(**fields: object) -> None:
    """Print one JSON line at once, so a parent that kills us still reads what was done."""
    print(json.dumps(fields), flush=True)


def _status_mib(field: str) -> float | None:
    """A `VmXxx:` field of /proc/self/status in MiB (None where there is no /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mib() -> float:
    """Peak RSS of this process in MiB: VmHWM, else ru_maxrss (KiB on Linux).

    ru_maxrss is not used where VmHWM exists: Linux carries the parent's RSS into a child started
    with vfork/fork + exec (as subprocess does), so a child of the benchmark runner, which holds
    both libraries, would report the runner's ~300 MiB. VmHWM counts this process image only; in a
    process started from a small parent the two agree.
    """
    hwm = _status_mib("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    """VmRSS in MiB (0 where there is no /proc)."""
    return _status_mib("VmRSS") or 0.0


def deep_chain(system: str, iterations: int, max_runs: int, budget: float) -> None:
    """W5: repeat the chain (fresh x each time) up to `max_runs` times while the total stays under budget."""
    m = load_module(parse_system(system))
    spent: list[float] = []
    while len(spent) < max_runs and (not spent or sum(spent) + statistics.median(spent) <= budget):
        start = time.perf_counter()
        try:
            grad = chain_grad(m, iterations)
        except BaseException as error:  # noqa: BLE001 - RecursionError, MemoryError: the result itself
            _emit(error=f"{type(error).__name__}: {str(error)[:200]}")
            return
        spent.append(time.perf_counter() - start)
        _emit(seconds=spent[-1], grad=grad, peak_rss_mib=peak_rss_mib())


def w3_memory(system: str, steps: int, quick: bool) -> None:
    """W7: import, build W3, run `steps` steps; peak RSS after each phase and VmRSS at the end."""
    m = load_module(parse_system(system))
    after_import = peak_rss_mib()
    sizes, batch = w3_sizes(quick)
    step = mlp_step(m, 3, sizes, batch, "relu")
    after_setup = peak_rss_mib()
    losses = [step() for _ in range(steps)]
    _emit(import_mib=after_import, setup_mib=after_setup, peak_mib=peak_rss_mib(), vmrss_mib=current_rss_mib(),
          loss_first=losses[0], loss_last=losses[-1])


def main(argv: list[str]) -> None:
    """Dispatch on the first argument (w5 or w7)."""
    mode, system, *rest = argv
    if mode not in ("w5", "w7"):
        raise SystemExit(f"unknown mode {mode!r}")
    try:
        if mode == "w5":
            deep_chain(system, int(rest[0]), int(rest[1]), float(rest[2]))
        else:
            w3_memory(system, int(rest[0]), rest[1:] == ["quick"])
    except Exception as error:  # noqa: BLE001 - reported to the parent as the result
        _emit(error=f"{type(error).__name__}: {str(error)[:200]}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main(sys.argv[1:])
