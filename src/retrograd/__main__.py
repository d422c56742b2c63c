"""Command line: `python -m retrograd tour|demo|run` (also the `retrograd` script).

`retrograd --version` prints the version; `retrograd` with no command prints the help.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__


def main(argv: list[str] | None = None) -> int:
    """Run the command named in `argv` (default: `sys.argv[1:]`); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="retrograd",
        description="retrograd: PyTorch's autograd, rebuilt in readable Python on NumPy.",
        epilog="Documentation: `make docs` in a source checkout builds it into site/.",
    )
    parser.add_argument("--version", action="version", version=f"retrograd {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("tour", help="walk through the autograd tutorial, printing each program and its output")
    run_parser = sub.add_parser(
        "run",
        help="run a PyTorch script with `import torch` meaning retrograd",
        description="Run SCRIPT as __main__ with `torch`, `torch.nn`, `torch.optim`, ... resolved to "
        "retrograd's modules (like `python -m coverage run`). Arguments after SCRIPT go to the script.",
    )
    run_parser.add_argument("script", help="the Python file to run")
    run_parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    demo = sub.add_parser(
        "demo",
        help="the tour, then train a small CNN on handwritten digits and write curves, weights and a report",
        description="Run the autograd tour, then train a small CNN on scikit-learn's 8x8 handwritten digits "
        "with retrograd's nn, optim and DataLoader, showing loss and accuracy in a progress bar. Writes "
        "curves.png, model.pt, graph.svg and report.md to --out.",
    )
    from .demo import add_arguments

    add_arguments(demo)
    args = parser.parse_args(argv)
    if args.command is None:  # no command: say what there is rather than fail
        parser.print_help()
        return 0
    if args.command == "run":
        from .torch_alias import run_script

        run_script(args.script, args.args)
        return 0
    if args.command == "tour":
        from .tour import main as tour

        tour()
        return 0
    from .demo import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
