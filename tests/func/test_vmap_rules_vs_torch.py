"""Vectorised batching rules (index ops, convolution, pooling, embedding, cat/stack) against torch.func.

Each case runs under vmap with every input batched or not (in_dims drawn per input), and under
vmap(grad(...)), and compares values with torch.func on the same inputs.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")

B = 3
RNG = np.random.default_rng(11)


def f(*shape):
    return RNG.standard_normal(shape)


def ints(high, *shape):
    return RNG.integers(0, high, shape)


# name -> (function of (module, *tensors), per-example inputs (float arrays differentiable))
CASES = {
    "gather": (lambda m, x, i: m.gather(x, 1, i), [f(3, 4), ints(4, 3, 2)]),
    "scatter_add": (lambda m, x, i, s: m.scatter_add(x, 0, i, s), [f(3, 4), ints(3, 2, 4), f(2, 4)]),
    "scatter_reduce": (
        lambda m, x, i, s: m.scatter_reduce(x, 1, i, s, "amax", include_self=False),
        [f(3, 4), ints(4, 3, 3), f(3, 3)],
    ),
    "index_select": (lambda m, x, i: m.index_select(x, 1, i), [f(3, 4), ints(4, 5)]),
    "index_add": (lambda m, x, i, s: m.index_add(x, 0, i, s, alpha=2.0), [f(4, 2), ints(4, 3), f(3, 2)]),
    "index_copy": (lambda m, x, i, s: m.index_copy(x, 1, i, s), [f(2, 5), np.array([4, 0, 2]), f(2, 3)]),
    "index_fill": (lambda m, x, i, v: m.index_fill(x, 1, i, v), [f(2, 5), ints(5, 2), f()]),
    "take": (lambda m, x, i: m.take(x, i), [f(3, 4), ints(12, 2, 3) - 6]),
    "put": (lambda m, x, i, s: m.put(x, i, s, accumulate=True), [f(3, 4), ints(12, 5), f(5)]),
    "take_along_dim": (lambda m, x, i: m.take_along_dim(x, i, 1), [f(3, 4), ints(4, 3, 2)]),
    "index_put": (lambda m, x, i, j, v: m.index_put(x, (i, j), v), [f(3, 4), ints(3, 2), ints(4, 2), f(2)]),
    "masked_fill": (lambda m, x, k, v: m.masked_fill(x, k, v), [f(3, 4), RNG.random((3, 4)) > 0.5, f()]),
    "one_hot": (lambda m, i: m.nn.functional.one_hot(i, 6), [ints(6, 4)]),
    "quantile": (lambda m, x: m.quantile(x, m.tensor([0.2, 0.7], dtype=x.dtype), dim=0), [f(5, 3)]),
    "conv2d": (
        lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, padding=1, groups=2),
        [f(2, 4, 5, 5), f(6, 2, 3, 3), f(6)],
    ),
    "conv1d_unbatched": (lambda m, x, w: m.nn.functional.conv1d(x, w, stride=2), [f(2, 7), f(3, 2, 3)]),
    "conv_transpose2d": (
        lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, b, stride=2, groups=2, output_padding=1),
        [f(1, 4, 3, 3), f(4, 3, 2, 2), f(6)],
    ),
    "conv3d": (lambda m, x, w: m.nn.functional.conv3d(x, w), [f(1, 2, 3, 3, 3), f(2, 2, 2, 2, 2)]),
    "avg_pool2d": (lambda m, x: m.nn.functional.avg_pool2d(x, 2, 1, padding=1, count_include_pad=False), [f(2, 4, 4)]),
    "embedding": (lambda m, i, w: m.nn.functional.embedding(i, w), [ints(5, 2, 3), f(5, 4)]),
    "cat": (lambda m, x, y: m.cat([x, y, m.zeros(0, dtype=x.dtype)], -1), [f(2, 3), f(2, 2)]),
    "stack": (lambda m, x, y: m.stack([x, y], 1), [f(2, 3), f(2, 3)]),
}


def _inputs(m, arrays, dims):
    out = []
    for a, d in zip(arrays, dims):
        if d is None:
            out.append(m.tensor(a))
        else:
            stacked = (
                np.stack([a] * B, axis=d) if a.dtype.kind in "iub" else np.stack([a + 0.1 * k for k in range(B)], d)
            )
            if a.dtype.kind == "i":  # indices: different per example, still in range
                stacked = np.stack([np.roll(a, k) for k in range(B)], axis=d)
            out.append(m.tensor(stacked))
    return out


def _plans(arrays):
    """in_dims plans: every input batched at dim 0, then each input alone batched at its last dim."""
    yield tuple(0 for _ in arrays)
    for k, a in enumerate(arrays):
        yield tuple(a.ndim if i == k else None for i in range(len(arrays)))


# torch 2.13 fills every example with the last example's value here; we compare with the loop instead
TORCH_DIFFERS = {("index_fill", (None, None, 0))}


def _loop(fn, ins, dims):
    examples = [[t if d is None else t.select(d, k) for t, d in zip(ins, dims)] for k in range(B)]
    return rg.stack([fn(rg, *e) for e in examples])


@pytest.mark.parametrize("name", list(CASES))
def test_vmap_values_match_torch(name):
    fn, arrays = CASES[name]
    for dims in _plans(arrays):
        results = []
        for m in (rg, torch):
            ins = _inputs(m, arrays, dims)
            results.append(m.func.vmap(lambda *ts, m=m: fn(m, *ts), in_dims=dims)(*ins))
        ours, theirs = results
        if (name, dims) in TORCH_DIFFERS:
            theirs = _loop(fn, _inputs(rg, arrays, dims), dims)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12, err_msg=str(dims))


@pytest.mark.parametrize("name", [n for n in CASES if n not in ("one_hot",)])
def test_vmap_grad_matches_torch(name):
    fn, arrays = CASES[name]
    diff = [i for i, a in enumerate(arrays) if a.dtype.kind == "f" and a.ndim]
    dims = tuple(0 for _ in arrays)
    results = []
    for m in (rg, torch):
        ins = _inputs(m, arrays, dims)

        def loss(*ts, m=m):
            return (fn(m, *ts) * 1.0).sin().sum()

        grads = m.func.vmap(m.func.grad(loss, argnums=tuple(diff)), in_dims=dims)(*ins)
        results.append(grads)
    for ours, theirs in itertools.zip_longest(*results):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9, atol=1e-12)
