# mypy: disable-error-code="attr-defined"
# (mypy cannot follow the star re-exports of the package it is part of, inside an import cycle)
"""The demo's training job: a small CNN on scikit-learn's handwritten digits.

Everything here is ordinary PyTorch-style code written against retrograd:
`nn.Module`, `DataLoader`, `optim.Adam`, `F.cross_entropy`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import retrograd as torch
import retrograd.distributed as dist
import retrograd.nn.functional as F
from retrograd import nn, optim
from retrograd.nn.parallel import DistributedDataParallel
from retrograd.utils.data import DataLoader, DistributedSampler, TensorDataset


class DigitsCNN(nn.Module):
    """(N, 1, 8, 8) images -> (N, 10) logits: two conv blocks and a small classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 8x8 -> 4x4
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 4x4 -> 2x2
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def load_digits(seed: int, subset: int | None = None) -> tuple[TensorDataset, TensorDataset]:
    """scikit-learn's 1797 digits as (N, 1, 8, 8) float32 in [0, 1]; a seeded 80/20 split."""
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    if subset is not None:
        order = order[:subset]
    cut = int(0.8 * len(order))
    train, test = order[:cut], order[cut:]
    return (
        TensorDataset(torch.from_numpy(images[train]), torch.from_numpy(labels[train])),
        TensorDataset(torch.from_numpy(images[test]), torch.from_numpy(labels[test])),
    )


@dataclass
class History:
    """Per-epoch figures for the curves and the report."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    seconds: float = 0.0
    ranks: list[dict[str, float]] = field(default_factory=list)  # per rank, when trained data-parallel


def evaluate(model: nn.Module, loader: DataLoader) -> tuple[float, float]:
    """Mean loss and accuracy over a loader, without recording a graph."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += F.cross_entropy(logits, y, reduction="sum").item()
            correct += int((logits.argmax(1) == y).sum().item())
            count += len(y)
    model.train()
    return total_loss / count, correct / count


def train(
    epochs: int, seed: int, batch_size: int = 32, lr: float = 2e-3, subset: int | None = None, progress: bool = True
) -> tuple[nn.Module, History, Any]:
    """Train the CNN; return the model, its history and one training batch (for the graph picture).

    In a process group of several ranks it trains data-parallel: each rank takes its share of the
    data (DistributedSampler) and of each batch of `batch_size`, and DDP averages the gradients.
    """
    torch.manual_seed(seed)
    train_set, test_set = load_digits(seed, subset)
    world = dist.get_world_size() if dist.is_initialized() else 1
    sampler = DistributedSampler(train_set, shuffle=True, seed=seed) if world > 1 else None
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(
        train_set, batch_size=batch_size // world, shuffle=sampler is None, sampler=sampler,
        generator=generator if sampler is None else None,
    )  # fmt: skip
    test_loader = DataLoader(test_set, batch_size=256)
    model: nn.Module = DigitsCNN()
    if world > 1:
        model = DistributedDataParallel(model)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    history = History()
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        seen, loss_sum, correct = 0, 0.0, 0
        if sampler is not None:
            sampler.set_epoch(epoch)
        batches = _progress(train_loader, epoch, epochs, progress)
        for x, y in batches:
            optimizer.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            seen += len(y)
            loss_sum += loss.item() * len(y)
            correct += int((logits.argmax(1) == y).sum().item())
            if progress:
                batches.set_postfix(loss=f"{loss_sum / seen:.4f}", acc=f"{correct / seen:.3f}")
        if world > 1:  # the epoch's figures over all ranks' shares
            totals = torch.tensor([loss_sum, float(correct), float(seen)], dtype=torch.float64)
            dist.all_reduce(totals)
            loss_sum, correct, seen = totals[0].item(), int(totals[1].item()), int(totals[2].item())
        history.train_loss.append(loss_sum / seen)
        history.train_acc.append(correct / seen)
        test_loss, test_acc = evaluate(model, test_loader)
        history.test_loss.append(test_loss)
        history.test_acc.append(test_acc)
        if progress:
            batches.write(f"epoch {epoch}: test loss {test_loss:.4f}, test accuracy {test_acc:.2%}")
    history.seconds = time.perf_counter() - start
    if isinstance(model, DistributedDataParallel):
        stats = model.communication_stats
        mine = {
            "samples_per_second": len(sampler) * epochs / history.seconds if sampler is not None else 0.0,
            "communication_seconds": stats["wait_seconds"], "all_reduces": stats["all_reduces"],
            "megabytes": stats["bytes"] / 1e6,
        }  # fmt: skip
        history.ranks = [{} for _ in range(world)]
        dist.all_gather_object(history.ranks, mine)
        model = model.module
    return model, history, next(iter(train_loader))


def _progress(loader: DataLoader, epoch: int, epochs: int, enabled: bool) -> Any:
    if not enabled:
        return loader
    from tqdm import tqdm

    return tqdm(loader, desc=f"epoch {epoch}/{epochs}", unit="batch", leave=False)
