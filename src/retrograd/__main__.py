"""Command line: `python -m retrograd tour` (and later `demo`)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="retrograd",
        description="retrograd: PyTorch's autograd, rebuilt in readable Python on NumPy.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("tour", help="walk through the autograd tutorial, printing each program and its output")
    args = parser.parse_args(argv)
    if args.command == "tour":
        from .tour import main as tour

        tour()
    return 0


if __name__ == "__main__":
    sys.exit(main())
