"""Run the benchmark suite: `python -m benchmarks.run [--quick] [--only W1,W3] [--systems retrograd]`.

Prints one JSON line per (system, workload), then the comparison table and the correctness checks;
a full run also writes benchmarks/results/<YYYY-MM-DD>.json and regenerates benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from types import ModuleType

from . import procs
from .measure import Result, describe
from .report import machine_info, markdown_table, table_rows, write_files
from .suite import WORKLOADS, run_workload
from .systems import SYSTEMS, load_system

HERE = Path(__file__).resolve().parent
ORDER = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9"]
UNITS = {"W5": "s", "W7": "MiB", "W8": "s"}
IN_PROCESS = {w.name.split("[")[0] for w in WORKLOADS}


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition (smoke test)")
    parser.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W3 (W4 includes its variants)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated: retrograd,pytorch")
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=None,
                        help="write results/<date>.json and RESULTS.md (default: only for a full run)")
    parser.add_argument("--results-dir", type=Path, default=HERE / "results", help=argparse.SUPPRESS)
    parser.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = set(args.only) - set(ORDER)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))} (choose from {', '.join(ORDER)})")
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if set(args.systems) - set(SYSTEMS) or not args.systems:
        parser.error(f"--systems takes some of {', '.join(SYSTEMS)}")
    if args.write is None:
        args.write = not args.quick and not args.only
    return args


def load(systems: list[str]) -> tuple[dict[str, ModuleType], dict[str, str]]:
    """Import the systems; those that fail are reported as "not run" with the reason."""
    modules, missing = {}, {}
    for system in systems:
        try:
            modules[system] = load_system(system)
        except Exception as error:  # noqa: BLE001 - a missing library is a result
            missing[system] = "not importable: " + describe(error)
    return modules, missing


def run_one(name: str, modules: dict[str, ModuleType], quick: bool) -> tuple[list[Result], list[str]]:
    """Rows and check lines of one workload (with its variants) on the loaded systems."""
    systems = list(modules)
    if name == "W5":
        return procs.run_w5(systems, quick), []
    if name == "W7":
        return procs.run_w7(systems, quick), []
    if name == "W8":
        return procs.run_w8(systems, quick), []
    rows: list[Result] = []
    checks: list[str] = []
    for work in WORKLOADS:
        if work.name.split("[")[0] == name:
            more_rows, more_checks = run_workload(work, modules, quick)
            rows += more_rows
            checks += more_checks
    return rows, checks


def with_missing(rows: list[Result], name: str, missing: dict[str, str]) -> list[Result]:
    """Add a "not run" row for each system that could not be imported, for the workload and its variants."""
    units = {r.workload: r.unit for r in rows}
    if not units:
        units = {w.name: w.unit for w in WORKLOADS if w.name.split("[")[0] == name} or {name: UNITS.get(name, "")}
    rows = rows + [Result(s, w, "not run", unit, why) for w, unit in units.items() for s, why in missing.items()]
    return sorted(rows, key=lambda r: (list(units).index(r.workload), SYSTEMS.index(r.system)))


def main(argv: list[str] | None = None) -> int:
    """Run the selected workloads and report; the exit status is 0 unless the runner itself failed."""
    args = parse(argv)
    day = datetime.date.today().isoformat()
    modules, missing = load(args.systems)
    info = machine_info(modules)
    print("# machine: " + json.dumps(info), flush=True)
    results: list[Result] = []
    checks: list[str] = []
    for name in args.only or ORDER:
        rows, lines = run_one(name, modules, args.quick) if modules else ([], [])
        rows = with_missing(rows, name, missing)
        for row in rows:
            print(json.dumps(row.line()), flush=True)
        for line in lines:
            print("# " + line, flush=True)
        results += rows
        checks += lines
    print("\n" + markdown_table(table_rows(results)))
    print("\n" + "\n".join(checks))
    if args.write:
        command = "python -m benchmarks.run" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
        write_files(results, checks, info, command.strip(), day, args.results_dir, args.markdown)
        print(f"\nwrote {args.results_dir / (day + '.json')} and {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
