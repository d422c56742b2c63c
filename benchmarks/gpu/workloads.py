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


def lstm_lm_step(lib: Any) -> float:
    """W11 (2-layer LSTM language model step) on the device: median ms per step (measured only)."""
    from pathlib import Path

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.workloads_lm import LstmSizes, lstm_model, randomize_state

    s = LstmSizes()
    rng = np.random.default_rng(11)
    model = lstm_model(lib, s)
    randomize_state(lib, model, rng)
    model.to("cuda")
    tokens = lib.from_numpy(rng.integers(0, s.vocab, (s.sequence, s.batch))).to("cuda")
    targets = lib.from_numpy(rng.integers(0, s.vocab, (s.sequence, s.batch))).reshape(-1).to("cuda")
    params = list(model.parameters())
    optimizer = lib.optim.SGD(params, lr=1.0)

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = lib.nn.functional.cross_entropy(model(tokens).reshape(-1, s.vocab), targets)
        loss.backward()
        lib.nn.utils.clip_grad_norm_(params, 0.25)
        optimizer.step()
        return loss.item()

    return _timed(step, 5, 30) * 1e3


def _timed(step: Any, warm: int, timed: int) -> float:
    """Median seconds of `step()` after `warm` untimed calls."""
    for _ in range(warm):
        step()
    times = []
    for _ in range(timed):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def g1_cupy() -> float:
    """The floor for G1: the same chain and its backward written by hand in CuPy."""
    import cupy as cp

    def rep() -> None:
        x = cp.asarray(1.0, dtype=cp.float32)
        y = x
        for _ in range(1000):
            y = y * cp.float32(1.0001) + cp.float32(0.0001)
        g = cp.ones((), cp.float32)
        for _ in range(1000):  # d(y*a + b)/dy = a, one kernel per op as an engine would launch
            g = g * cp.float32(1.0001)
        float(g)

    return _timed(rep, 3, 11) / 2000 * 1e6


def mlp_cupy(sizes: tuple, batch: int, warm: int, timed: int) -> float:
    """The floor for G2/G3: forward, backward and SGD written by hand in CuPy."""
    import cupy as cp
    import numpy as np

    rng = np.random.default_rng(2)
    ws, bs = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        k = 1 / np.sqrt(fan_in)
        ws.append(cp.asarray(rng.uniform(-k, k, (fan_in, fan_out)).astype(np.float32)))
        bs.append(cp.asarray(rng.uniform(-k, k, (fan_out,)).astype(np.float32)))
    x = cp.asarray(rng.standard_normal((batch, sizes[0])).astype(np.float32))
    y = cp.asarray(rng.integers(0, sizes[-1], size=batch))

    def step() -> float:
        hs = [x]
        for i, (w, b) in enumerate(zip(ws, bs)):
            h = hs[-1] @ w + b
            hs.append(cp.maximum(h, 0) if i < len(ws) - 1 else h)
        z = hs[-1]
        z = z - z.max(axis=1, keepdims=True)
        logp = z - cp.log(cp.exp(z).sum(axis=1, keepdims=True))
        loss = -logp[cp.arange(batch), y].mean()
        g = cp.exp(logp)
        g[cp.arange(batch), y] -= 1
        g /= batch
        for i in range(len(ws) - 1, -1, -1):
            gw, gb = hs[i].T @ g, g.sum(axis=0)
            if i:
                g = (g @ ws[i].T) * (hs[i] > 0)
            ws[i] -= 0.1 * gw
            bs[i] -= 0.1 * gb
        return float(loss)

    return _timed(step, warm, timed) * 1e3


def main() -> None:
    systems = sys.argv[1:] or ["retrograd", "torch"]
    for name in systems:
        if name == "cupy":
            _report(
                "cupy-by-hand",
                [
                    ("G1", g1_cupy, "us/op"),
                    ("G2", lambda: mlp_cupy((1024, 4096, 4096, 10), 1024, 10, 50), "ms/step"),
                    ("G3", lambda: mlp_cupy((4096, 8192, 8192, 1000), 4096, 3, 20), "ms/step"),
                ],
            )
            continue
        if name == "torch":
            import torch as lib

            lib.backends.cuda.matmul.allow_tf32 = False
        else:
            import retrograd as lib
        system = "torch-cuda" if name == "torch" else "retrograd-cupy"
        _report(
            system,
            [
                ("G1", lambda: g1(lib), "us/op"),
                ("G2", lambda: mlp_step(lib, (1024, 4096, 4096, 10), 1024, 10, 50), "ms/step"),
                ("G3", lambda: mlp_step(lib, (4096, 8192, 8192, 1000), 4096, 3, 20), "ms/step"),
                ("W11-cuda", lambda: lstm_lm_step(lib), "ms/step"),
            ],
        )


def _report(system: str, rows: list) -> None:
    """Run each workload and print its JSON line; a failure is reported as a figure too."""
    for workload, run, unit in rows:
        try:
            value: Any = round(run(), 3)
            note = ""
        except Exception as e:  # noqa: BLE001  (a failure is a figure too)
            value, note = "error", f"{type(e).__name__}: {e}"[:300]
        print(json.dumps({"system": system, "workload": workload, "value": value, "unit": unit, "note": note}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
