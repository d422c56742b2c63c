"""The embedding's dense backward: its two ways of summing the rows looked up at one index.

`_sum_rows` sorts the positions by index; it sums each index's rows by `add.reduceat` when many
indices repeat, and level by level (first occurrences written, then the second ones added, ...)
when few levels cover many indices. Both must give each index the sum of its rows, whatever the
index pattern, the scale (padding_idx, scale_grad_by_freq), the dtype or the shape of the indices.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.ops import nn_support
from retrograd.ops.nn_support import _sum_rows

try:
    import torch
except ImportError:  # PyTorch is a test-only dependency
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


def exact_sums(g: np.ndarray, idx: np.ndarray, n: int) -> np.ndarray:
    """Each index's rows added in float64 (exact enough to judge float32 sums)."""
    out = np.zeros((n, g.shape[-1]))
    np.add.at(out, idx.reshape(-1), g.reshape(-1, g.shape[-1]).astype(np.float64))
    return out


def levels_taken(monkeypatch) -> list:
    """Record whether each call summed by levels (True) or fell back to reduceat (False)."""
    calls: list = []
    real = nn_support._add_by_levels

    def spy(*args):
        done = real(*args)
        calls.append(done)
        return done

    monkeypatch.setattr(nn_support, "_add_by_levels", spy)
    return calls


# (vocabulary, positions): many indices in few levels, a few indices in many levels, ties galore
CASES = [(1000, 700), (10000, 700), (1000, 5000), (65, 512), (3, 40), (50, 49)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,positions", CASES)
def test_sums_match_the_exact_ones(monkeypatch, dtype, n, positions):
    calls = levels_taken(monkeypatch)
    rng = np.random.default_rng(n + positions)
    idx = rng.integers(0, n, positions)
    g = rng.standard_normal((positions, 16)).astype(dtype)
    got = _sum_rows(np, g, idx, n, None)
    assert got.dtype == dtype and got.shape == (n, 16)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(got, exact_sums(g, idx, n), rtol=tol, atol=tol)
    unused = np.setdiff1d(np.arange(n), idx)
    assert not got[unused].any()  # rows never looked up get exactly zero
    if calls:  # (every index once takes neither way)
        segments, levels = len(np.unique(idx)), np.bincount(idx).max()
        assert calls == [levels * nn_support._SEGMENTS_PER_LEVEL < segments]


def test_both_ways_are_taken_by_the_cases(monkeypatch):
    calls = levels_taken(monkeypatch)
    for n, positions in CASES:
        idx = np.random.default_rng(n + positions).integers(0, n, positions)
        _sum_rows(np, np.ones((positions, 2)), idx, n, None)
    assert True in calls and False in calls


def test_levels_add_each_index_rows_in_their_order():
    """Level by level, index i's rows are added first to last: the sequential sum's bits."""
    rng = np.random.default_rng(7)
    idx = np.concatenate([np.arange(600), rng.integers(0, 600, 100)])
    rng.shuffle(idx)
    g = rng.standard_normal((idx.size, 8)).astype(np.float32)
    got = _sum_rows(np, g, idx, 600, None)
    for i in np.unique(idx)[:50]:
        expected = np.zeros(8, np.float32)
        for row in g[idx == i]:
            expected = expected + row if expected.any() else row.copy()
        np.testing.assert_array_equal(got[i], expected)


@needs_torch
@pytest.mark.parametrize("extra", [{}, {"padding_idx": 3}, {"scale_grad_by_freq": True}])
def test_embedding_gradient_against_pytorch(extra):
    """A (35, 20) batch of indices into 1,000 rows (W11's shape: the level-by-level way)."""
    rng = np.random.default_rng(11)
    table = rng.standard_normal((1000, 8))
    idx = rng.integers(0, 1000, (35, 20))
    idx[0, :5] = 3
    w = rng.standard_normal((35, 20, 8))
    t_mod = torch.nn.Embedding.from_pretrained(torch.tensor(table), freeze=False, **extra)
    r_mod = rg.nn.Embedding.from_pretrained(rg.tensor(table), freeze=False, **extra)
    (t_mod(torch.tensor(idx)) * torch.tensor(w)).sum().backward()
    (r_mod(rg.tensor(idx)) * rg.tensor(w)).sum().backward()
    np.testing.assert_allclose(r_mod.weight.grad.numpy(), t_mod.weight.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_compiled_gradient_equals_eager():
    rng = np.random.default_rng(12)
    table = rg.tensor(rng.standard_normal((1000, 8)).astype(np.float32), requires_grad=True)
    idx = rg.tensor(rng.integers(0, 1000, (35, 20)))

    def f(t, i):
        return (rg.nn.functional.embedding(i, t) ** 2).sum()

    f(table, idx).backward()
    eager = table.grad.numpy().copy()
    table.grad = None
    compiled = rg.compile(f)
    for _ in range(2):
        table.grad = None
        compiled(table, idx).backward()
    np.testing.assert_array_equal(table.grad.numpy(), eager)
