"""W9: one training epoch of the demo's CNN on the demo's data (scikit-learn digits).

Both libraries start from the weights of `retrograd.demo.train.DigitsCNN` (seeded), see the same
batches in the same order (a fixed NumPy permutation, not the libraries' samplers) and train with
Adam, lr 2e-3, batch 32.
"""

from __future__ import annotations

from collections import OrderedDict
from types import ModuleType
from typing import Any

import numpy as np

from .workloads import Compile, Step, maybe_compiled

SEED = 0  # the demo's default seed: data split and initial weights
ORDER_SEED = 9  # the fixed batch order
BATCH = 32
LR = 2e-3


def twin_cnn(m: ModuleType) -> Any:
    """DigitsCNN's architecture built from `m.nn`, with the same parameter names (features.0.weight...)."""
    nn = m.nn
    features = nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    )
    classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10))
    return nn.Sequential(OrderedDict(features=features, classifier=classifier))


def demo_model_and_data(m: ModuleType, subset: int | None) -> tuple[Any, np.ndarray, np.ndarray]:
    """The demo's seeded model (or its twin in `m` with copied weights) and its training images/labels."""
    import retrograd
    from retrograd.demo.train import DigitsCNN, load_digits

    retrograd.manual_seed(SEED)
    train_set, _ = load_digits(SEED, subset)
    images, labels = (t.numpy() for t in train_set.tensors)
    model = DigitsCNN()
    if m.__name__ != "retrograd":
        weights = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
        model = twin_cnn(m)
        model.load_state_dict({k: m.from_numpy(v) for k, v in weights.items()})
    return model, images, labels


def w9_demo_epoch(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W9: one epoch = every training batch once (zero_grad, forward, loss, backward, Adam step, item)."""
    model, images, labels = demo_model_and_data(m, 200 if quick else None)
    order = np.random.default_rng(ORDER_SEED).permutation(len(labels))
    batches = [
        (m.from_numpy(images[idx]), m.from_numpy(labels[idx]))
        for idx in (order[i:i + BATCH] for i in range(0, len(order), BATCH))
    ]
    optimizer = m.optim.Adam(model.parameters(), lr=LR)
    forward = maybe_compiled(model, compile_fn)
    cross_entropy = m.nn.functional.cross_entropy
    count = len(labels)

    def step() -> float:
        total = 0.0
        for x, y in batches:
            optimizer.zero_grad()
            loss = cross_entropy(forward(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        return total / count

    return step
