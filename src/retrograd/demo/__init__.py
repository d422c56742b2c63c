"""`python -m retrograd demo`: the tour, then a CNN trained on handwritten digits.

Needs the `demo` extra (scikit-learn, tqdm, matplotlib): `pip install retrograd[demo]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default="retrograd-demo",
        help="folder for the curves, weights, graph and report (default: ./retrograd-demo)",
    )
    parser.add_argument("--epochs", type=int, default=15, help="training epochs (default: 15)")
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for the data split, initial weights and batch order (default: 0)"
    )
    parser.add_argument("--batch-size", type=int, default=32, help="training batch size (default: 32)")
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate (default: 0.002)")
    parser.add_argument("--subset", type=int, default=None, help="use only this many images (for quick checks)")
    parser.add_argument("--skip-tour", action="store_true", help="do not run the autograd tour first")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--nproc", type=int, default=1, help="train data-parallel on this many processes (MPI ranks; default: 1)"
    )


def _under_mpi() -> bool:
    return any(os.environ.get(k) for k in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE"))


def _launch_ranks(args: argparse.Namespace) -> int:
    """Start `args.nproc` ranks of this demo's training under mpiexec (the tour already ran here)."""
    from ..distributed.run import mpiexec_command

    argv = ["--out", args.out, "--epochs", str(args.epochs), "--seed", str(args.seed)]
    argv += ["--batch-size", str(args.batch_size), "--lr", str(args.lr), "--nproc", str(args.nproc), "--skip-tour"]
    argv += (["--subset", str(args.subset)] if args.subset is not None else []) + (["--quiet"] if args.quiet else [])
    command, env = mpiexec_command(args.nproc, [sys.executable, "-m", "retrograd", "demo", *argv])
    return subprocess.call(command, env=env)


def run(args: argparse.Namespace) -> int:
    """The whole demo; returns a process exit status."""
    try:
        import matplotlib  # noqa: F401
        import sklearn  # noqa: F401
        import tqdm  # noqa: F401
    except ImportError as e:
        print(f"the demo needs its extra dependencies ({e.name} is missing): pip install 'retrograd[demo]'")
        return 1
    from ..serialization import save
    from .report import plot_curves, save_graph, write_report
    from .train import train

    if not args.skip_tour:
        from ..tour import main as tour

        tour()
    if args.nproc > 1 and not _under_mpi():
        return _launch_ranks(args)
    rank = 0
    if args.nproc > 1:
        from .. import distributed as dist

        dist.init_process_group("mpi")
        rank = dist.get_rank()
    if rank == 0:
        ranks = f" on {args.nproc} ranks" if args.nproc > 1 else ""
        print(f"== Training a CNN on scikit-learn's handwritten digits{ranks} ==")
    model, history, batch = train(
        args.epochs, args.seed, args.batch_size, args.lr, args.subset, not args.quiet and rank == 0
    )
    if rank != 0:
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot_curves(history, out / "curves.png")
    save(model.state_dict(), str(out / "model.pt"))
    graph = save_graph(model, batch, out)
    files = ["curves.png", "model.pt", graph, "report.md"]
    write_report(history, out, args, files)
    print(
        f"test accuracy {history.test_acc[-1]:.2%} after {len(history.test_acc)} epochs "
        f"in {history.seconds:.1f} s; wrote {', '.join(files)} to {out}/"
    )
    return 0
