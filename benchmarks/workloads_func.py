"""W12: per-sample gradients with the function transforms (the torch.func tutorial's pattern).

An MLP 784 -> 128 (relu) -> 10 as an `nn.Module`, cross-entropy, batch 64, float32, seed 12;
one step is `func.vmap(func.grad(loss), in_dims=(None, 0, 0))(params, x, y)` with the loss a
`func.functional_call` of the module on one example. The NumPy floor writes the same per-example
grads by hand (one einsum outer product per weight). The step returns a small host sample of the
grads (the first 4 entries of each example's row 0 of each parameter's grad), so the check
compares systems without timing a copy of the 25 MiB of per-example weight grads.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .data import mlp_data
from .workloads import Compile, Step, Unsupported

SEED = 12
SAMPLE = 4  # entries of each example's grad rows returned by a step


def per_sample_sizes(quick: bool) -> tuple[tuple[int, ...], int]:
    """W12's layer sizes and batch (tiny when quick)."""
    return ((32, 16, 10), 8) if quick else ((784, 128, 10), 64)


def _sample(grads: list[np.ndarray]) -> np.ndarray:
    """(batch, 4 * parameters): each example's first entries of each parameter's grad (row 0 of weights)."""
    rows = [g[:, 0, :SAMPLE] if g.ndim == 3 else g[:, :SAMPLE] for g in grads]
    return np.concatenate(rows, axis=1).astype(np.float64)


def w12_per_sample_grads(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W12: `vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)` over a Linear-ReLU-Linear module."""
    func = getattr(m, "func", None)
    if func is None or not hasattr(func, "vmap"):
        raise Unsupported(f"{m.__name__} has no func.vmap")
    if compile_fn is not None:
        raise Unsupported("W12 is measured without compile")
    sizes, batch = per_sample_sizes(quick)
    arrays, x_np, y_np = mlp_data(SEED, sizes, batch)
    model = m.nn.Sequential(m.nn.Linear(sizes[0], sizes[1]), m.nn.ReLU(), m.nn.Linear(sizes[1], sizes[2]))
    names = ["0.weight", "0.bias", "2.weight", "2.bias"]
    # the spec's W is (fan_in, fan_out) for x @ W + b; nn.Linear keeps its transpose, row-major
    params = {n: m.tensor(np.ascontiguousarray(a.T) if a.ndim == 2 else a) for n, a in zip(names, arrays)}
    x, y = m.tensor(x_np), m.tensor(y_np)
    cross_entropy = m.nn.functional.cross_entropy

    def loss(p: dict, xb: Any, yb: Any) -> Any:
        logits = func.functional_call(model, p, (xb.unsqueeze(0),))
        return cross_entropy(logits, yb.unsqueeze(0))

    per_sample = func.vmap(func.grad(loss), in_dims=(None, 0, 0))

    def step() -> np.ndarray:
        grads = per_sample(params, x, y)
        return _sample([grads[n].detach().numpy() for n in names])

    return step


def w12_floor(quick: bool = False) -> Step:
    """W12 floor: forward, softmax - onehot, and each example's grads by hand (einsum outer products)."""
    sizes, batch = per_sample_sizes(quick)
    (w1, b1, w2, b2), x, y = mlp_data(SEED, sizes, batch)
    w2t = np.ascontiguousarray(w2.T)  # the second layer's nn.Linear weight, (out, in)
    rows = np.arange(batch)

    def step() -> np.ndarray:
        h = x @ w1 + b1
        a = np.maximum(h, 0)
        logits = a @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        g_out = np.exp(shifted)
        g_out /= g_out.sum(axis=1, keepdims=True)
        g_out[rows, y] -= 1  # each example's loss is a mean over its one row: no 1/batch
        g_h = (g_out @ w2t) * (h > 0)
        grads = [np.einsum("bi,bj->bij", g_h, x), g_h, np.einsum("bi,bj->bij", g_out, a), g_out]
        return _sample(grads)

    return step


def check_per_sample(name: str, values: dict[str, list[Any]], quick: bool) -> list[str]:
    """W12: max |sample - sample_pytorch| (or against the floor without PyTorch) for each system."""
    reference_system = "pytorch" if "pytorch" in values else "numpy-handwritten"
    reference = values.get(reference_system)
    if reference is None:
        return [f"{name} check: no reference system ran"]
    expected = np.asarray(reference[-1])
    lines = []
    for system, (_, sample) in values.items():
        if system != reference_system:
            error = np.max(np.abs(np.asarray(sample) - expected))
            lines.append(f"{name} check: {system} max|grad - grad_{reference_system}| = {error:.3g} (sampled)")
    return lines
