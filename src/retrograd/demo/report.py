"""What the demo leaves behind: curves (PNG), weights (safetensors), a graph picture and a report."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

import numpy as np

import retrograd as torch
from retrograd import nn

from .train import History


def plot_curves(history: History, path: Path) -> None:
    """Loss and accuracy per epoch, train and test, side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(history.train_loss) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history.train_loss, label="train")
    left.plot(epochs, history.test_loss, label="test")
    left.set(xlabel="epoch", ylabel="cross-entropy", title="Loss")
    right.plot(epochs, history.train_acc, label="train")
    right.plot(epochs, history.test_acc, label="test")
    right.set(xlabel="epoch", ylabel="accuracy", title="Accuracy", ylim=(0, 1.02))
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("retrograd: a small CNN on scikit-learn's digits")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def save_graph(model: nn.Module, batch: Any, out: Path) -> str:
    """graph.svg (or graph.dot without Graphviz) of one forward pass of the model."""
    from ..viz import make_dot

    x, y = batch
    loss = torch.nn.functional.cross_entropy(model(x), y)
    dot = make_dot(loss, params=dict(model.named_parameters()))
    try:
        return Path(dot.render(str(out / "graph"), format="svg")).name
    except RuntimeError:
        return Path(dot.save(str(out / "graph.dot"))).name


def write_report(history: History, out: Path, args: Any, files: list[str]) -> None:
    best = max(history.test_acc)
    lines = [
        "# retrograd demo",
        "",
        "A small CNN (two 3x3 conv blocks, a 128-64-10 classifier) trained with retrograd on scikit-learn's",
        "8x8 handwritten digits (80/20 split), with Adam and cross-entropy.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| epochs | {len(history.train_loss)} |",
        f"| final test accuracy | {history.test_acc[-1]:.2%} |",
        f"| best test accuracy | {best:.2%} |",
        f"| final train loss | {history.train_loss[-1]:.4f} |",
        f"| final test loss | {history.test_loss[-1]:.4f} |",
        f"| training time | {history.seconds:.1f} s |",
        f"| seed | {args.seed} |",
        f"| machine | {platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__} |",
        "",
        "Files: " + ", ".join(f"`{f}`" for f in files),
        "",
    ]
    if history.ranks:
        lines += [
            f"## Data-parallel training on {len(history.ranks)} ranks",
            "",
            "Each rank trained on its DistributedSampler share with its part of each batch; DistributedDataParallel",
            "averaged the gradients in buckets during backward. Communication time is the time backward waited",
            "for the all-reduces to finish (the part not hidden behind computation).",
            "",
            "| rank | samples/s | communication | share of training time | all-reduces | MB all-reduced |",
            "|---|---|---|---|---|---|",
        ]
        for rank, figures in enumerate(history.ranks):
            lines.append(
                f"| {rank} | {figures['samples_per_second']:.0f} | {figures['communication_seconds']:.2f} s | "
                f"{figures['communication_seconds'] / history.seconds:.1%} | {figures['all_reduces']:.0f} | "
                f"{figures['megabytes']:.1f} |"
            )
        lines.append("")
    (out / "report.md").write_text("\n".join(lines))
