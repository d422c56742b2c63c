"""G1-G3 of shared/bench/workloads.md on a CUDA device: retrograd (CuPy backend) and torch-cuda.

Prints one JSON line per (system, workload). Run through benchmarks/gpu/run.sh on a GPU machine.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any


def g1(lib: Any) -> float:
    """µs per op of W1's chain on a 0-d float32 tensor on the device."""

    def rep() -> None:
        x = lib.tensor(1.0, device="cuda", requires_grad=True)
        y = x
        for _ in range(1000):
            y = y * 1.0001 + 0.0001
        y.backward()
        float(x.grad)

    for _ in range(3):
        rep()
    times = []
    for _ in range(11):
        t0 = time.perf_counter()
        rep()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) / 2000 * 1e6


def mlp_step(lib: Any, sizes: tuple, batch: int, warm: int, timed: int) -> float:
    """Median ms per SGD step of a ReLU MLP with softmax cross-entropy, ending with loss.item()."""
    import numpy as np

    rng = np.random.default_rng(2)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        k = 1 / np.sqrt(fan_in)
        w = lib.tensor(rng.uniform(-k, k, (fan_in, fan_out)).astype(np.float32), device="cuda", requires_grad=True)
        b = lib.tensor(rng.uniform(-k, k, (fan_out,)).astype(np.float32), device="cuda", requires_grad=True)
        layers.append((w, b))
    x = lib.tensor(rng.standard_normal((batch, sizes[0])).astype(np.float32), device="cuda")
    y = lib.tensor(rng.integers(0, sizes[-1], size=batch), device="cuda")
    params = [p for layer in layers for p in layer]

    def step() -> float:
        for p in params:
            p.grad = None
        h = x
        for i, (w, b) in enumerate(layers):
            h = h @ w + b
            if i < len(layers) - 1:
                h = h.relu()
        loss = lib.nn.functional.cross_entropy(h, y)
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= 0.1 * p.grad
        return loss.item()

    for _ in range(warm):
        step()
    times = []
    for _ in range(timed):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    systems = sys.argv[1:] or ["retrograd", "torch"]
    for name in systems:
        if name == "torch":
            import torch as lib

            lib.backends.cuda.matmul.allow_tf32 = False
        else:
            import retrograd as lib
        for workload, run, unit in (
            ("G1", lambda: g1(lib), "us/op"),
            ("G2", lambda: mlp_step(lib, (1024, 4096, 4096, 10), 1024, 10, 50), "ms/step"),
            ("G3", lambda: mlp_step(lib, (4096, 8192, 8192, 1000), 4096, 3, 20), "ms/step"),
        ):
            try:
                value: Any = round(run(), 3)
                note = ""
            except Exception as e:  # noqa: BLE001  (a failure is a figure too)
                value, note = "error", f"{type(e).__name__}: {e}"[:300]
            system = "torch-cuda" if name == "torch" else "retrograd-cupy"
            print(json.dumps({"system": system, "workload": workload, "value": value, "unit": unit, "note": note}))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
