"""Run the benchmark suite: `python -m benchmarks.run [--quick] [--only W1,W3] [--systems ...] [--rounds N]`.

Every system runs in its own processes, alternating in time. Prints one JSON line per (system,
workload), then the comparison table and the correctness checks; a full run also writes
benchmarks/results/<YYYY-MM-DD>.json and regenerates benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import procs
from .alternate import run_workload
from .measure import Result
from .report import machine_info, markdown_table, table_rows, write_files
from .suite import WORKLOADS, base_name
from .systems import DEFAULT_SYSTEMS, System, parse_system

HERE = Path(__file__).resolve().parent
ORDER = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10", "W11", "W12"]
DEFAULT_ROUNDS = 4


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition, one round (smoke test)")
    parser.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W3 (W4 includes its variants)")
    parser.add_argument("--systems", default=",".join(DEFAULT_SYSTEMS),
                        help="comma-separated, in column order: retrograd, retrograd@/other/src, retrograd-compiled, "
                             "pytorch, pytorch-compiled, numpy-handwritten (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=None,
                        help=f"alternation rounds (processes per system and workload; default {DEFAULT_ROUNDS}, "
                             "1 with --quick)")
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=None,
                        help="write results/<date>.json and RESULTS.md (default: only for a full run)")
    parser.add_argument("--results-dir", type=Path, default=HERE / "results", help=argparse.SUPPRESS)
    parser.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = set(args.only) - set(ORDER)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))} (choose from {', '.join(ORDER)})")
    try:
        args.systems = [parse_system(s.strip()) for s in args.systems.split(",") if s.strip()]
    except ValueError as error:
        parser.error(str(error))
    labels = [s.label() for s in args.systems]
    if not args.systems or len(set(labels)) < len(labels):
        parser.error("--systems needs at least one system, each once")
    if args.rounds is None:
        args.rounds = 1 if args.quick else DEFAULT_ROUNDS
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.write is None:
        args.write = not args.quick and not args.only
    return args


def run_one(name: str, systems: list[System], quick: bool, rounds: int) -> tuple[list[Result], list[str], dict]:
    """Rows, check lines and process environments of one workload (with its variants and floors)."""
    if name == "W5":
        return procs.run_w5(systems, quick), [], {}
    if name == "W7":
        return procs.run_w7(systems, quick), [], {}
    if name == "W8":
        return procs.run_w8(systems, quick), [], {}
    rows: list[Result] = []
    checks: list[str] = []
    envs: dict[str, Any] = {}
    for work in WORKLOADS:
        if base_name(work.name) == name:
            more_rows, more_checks, more_envs = run_workload(work, systems, rounds, quick, _progress)
            rows += more_rows
            checks += more_checks
            for label, env in more_envs.items():
                envs.setdefault(label, env)
    return rows, checks, envs


def _progress(line: str) -> None:
    """A progress line on stderr (stdout carries the results)."""
    print("  " + line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the selected workloads and report; the exit status is 0 unless the runner itself failed."""
    args = parse(argv)
    day = datetime.date.today().isoformat()
    labels = [s.label() for s in args.systems]
    info = machine_info({s.label(): s.source for s in args.systems if s.source})
    print("# machine: " + json.dumps(info), flush=True)
    if "OMP_WAIT_POLICY" in os.environ:
        print(f"# warning: OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']} is set; it changes PyTorch's speed "
              "(PASSIVE slows its kernels 1.5-2x). Unset it for a fair comparison.", flush=True)
    results: list[Result] = []
    checks: list[str] = []
    envs: dict[str, Any] = {}
    for name in args.only or ORDER:
        rows, lines, more_envs = run_one(name, args.systems, args.quick, args.rounds)
        for row in rows:
            print(json.dumps(row.line()), flush=True)
        for line in lines:
            print("# " + line, flush=True)
        results += rows
        checks += lines
        for label, env in more_envs.items():
            envs.setdefault(label, env)
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print("\n" + markdown_table(table_rows(results, labels), labels))
    print("\n" + "\n".join(checks))
    if args.write:
        command = "python -m benchmarks.run" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
        write_files(results, checks, info, envs, labels, command.strip(), day, args.results_dir, args.markdown)
        print(f"\nwrote {args.results_dir / (day + '.json')} and {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
