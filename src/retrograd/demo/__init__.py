"""`python -m retrograd demo`: the tour, then a CNN trained on handwritten digits.

Needs the `demo` extra (scikit-learn, tqdm, matplotlib): `pip install retrograd[demo]`.
"""

from __future__ import annotations

import argparse
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
    print("== Training a CNN on scikit-learn's handwritten digits ==")
    model, history, batch = train(args.epochs, args.seed, args.batch_size, args.lr, args.subset, not args.quiet)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot_curves(history, out / "curves.png")
    save(model.state_dict(), str(out / "model.safetensors"))
    graph = save_graph(model, batch, out)
    files = ["curves.png", "model.safetensors", graph, "report.md"]
    write_report(history, out, args, files)
    print(
        f"test accuracy {history.test_acc[-1]:.2%} after {len(history.test_acc)} epochs "
        f"in {history.seconds:.1f} s; wrote {', '.join(files)} to {out}/"
    )
    return 0
