"""The embedding's dense backward: its two ways of summing the rows looked up at one index.

`_sum_rows` sorts the positions by index; it sums each index's rows in one zero-padded block when
the indices occur about equally often, else the frequent ones alone and the others level by level
(first occurrences added, then the second ones, ...). Both must give each index the sum of its rows,
added from zero one after another in their order (PyTorch's bits), whatever the index pattern, the
scale (padding_idx, scale_grad_by_freq), the dtype or the shape of the indices.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.ops import embeddings
from retrograd.ops.embeddings import _sum_rows

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


def ways_taken(monkeypatch) -> list:
    """Record which way each call summed: "padded" or "levels"."""
    calls: list = []
    for way, name in (("padded", "_add_padded"), ("levels", "_add_by_levels")):

        def spy(*args, real=getattr(embeddings, name), way=way):
            calls.append(way)
            return real(*args)

        monkeypatch.setattr(embeddings, name, spy)
    return calls


def sequential_sums(g: np.ndarray, idx: np.ndarray, n: int) -> np.ndarray:
    """Each index's rows added one after another from zero, in their order: PyTorch's CPU kernel."""
    out = np.zeros((n, g.shape[-1]), g.dtype)
    for p, i in enumerate(idx.reshape(-1)):
        out[i] = out[i] + g.reshape(-1, g.shape[-1])[p]
    return out


# (vocabulary, positions): many indices in few levels, a few indices in many levels, ties galore
CASES = [(1000, 700), (10000, 700), (1000, 5000), (65, 512), (3, 40), (50, 49), (4, 4096)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("width", [16, 1])
@pytest.mark.parametrize("n,positions", CASES)
def test_sums_are_the_sequential_ones(dtype, width, n, positions):
    rng = np.random.default_rng(n + positions)
    idx = rng.integers(0, n, positions)
    g = rng.standard_normal((positions, width)).astype(dtype)
    got = _sum_rows(np, g, idx, n, None)
    assert got.dtype == dtype and got.shape == (n, width)
    np.testing.assert_array_equal(got, sequential_sums(g, idx, n))
    tol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(got, exact_sums(g, idx, n), rtol=tol, atol=tol)
    unused = np.setdiff1d(np.arange(n), idx)
    assert not got[unused].any()  # rows never looked up get exactly zero


def test_both_ways_are_taken_by_the_cases(monkeypatch):
    calls = ways_taken(monkeypatch)
    for n, positions in CASES:
        idx = np.random.default_rng(n + positions).integers(0, n, positions)
        _sum_rows(np, np.ones((positions, 2)), idx, n, None)
    assert "padded" in calls and "levels" in calls


def test_a_skewed_index_mix_sums_frequent_indices_alone():
    """Zipf-like indices: a few occur hundreds of times, most once; still the sequential sums."""
    rng = np.random.default_rng(5)
    idx = np.minimum(rng.zipf(1.3, 3000) - 1, 9999)
    g = rng.standard_normal((3000, 4)).astype(np.float32)
    np.testing.assert_array_equal(_sum_rows(np, g, idx, 10000, None), sequential_sums(g, idx, 10000))


def test_negative_zero_gradients_add_up_to_zero():
    """PyTorch adds each row to zeros, so a -0.0 (a padding row's 0 · negative gradient) gives 0.0."""
    e = rg.nn.Embedding(4, 2, padding_idx=0)
    (e(rg.tensor([0, 2, 1])) * -1).sum().backward()
    assert repr(e.weight.grad) == "tensor([[ 0.,  0.],\n        [-1., -1.],\n        [-1., -1.],\n        [ 0.,  0.]])"
    assert not np.signbit(e.weight.grad.numpy()).any(axis=1)[[0, 3]].any()
    for idx in ([0, 0, 1], [0, 1]):  # the padded block and every-index-once ways
        got = _sum_rows(np, np.full((len(idx), 2), -0.0), np.array(idx), 3, None)
        assert not np.signbit(got).any()


def test_levels_add_each_index_rows_in_their_order():
    """Level by level, index i's rows are added first to last: the sequential sum's bits."""
    rng = np.random.default_rng(7)
    idx = np.concatenate([np.arange(600), rng.integers(0, 600, 100)])
    rng.shuffle(idx)
    g = rng.standard_normal((idx.size, 8)).astype(np.float32)
    got = _sum_rows(np, g, idx, 600, None)
    np.testing.assert_array_equal(got, sequential_sums(g, idx, 600))


@needs_torch
@pytest.mark.parametrize("n,positions", CASES)
def test_float32_embedding_gradient_is_pytorchs_bits(n, positions):
    rng = np.random.default_rng(n * 7 + positions)
    idx = rng.integers(0, n, positions)
    g = rng.standard_normal((positions, 8)).astype(np.float32)
    t_w = torch.zeros(n, 8, requires_grad=True)
    r_w = rg.zeros(n, 8, requires_grad=True)
    torch.nn.functional.embedding(torch.tensor(idx), t_w).backward(torch.tensor(g))
    rg.nn.functional.embedding(rg.tensor(idx), r_w).backward(rg.tensor(g))
    np.testing.assert_array_equal(r_w.grad.numpy(), t_w.grad.numpy())


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


# --- float16/bfloat16: the gradient is accumulated in its own dtype, as PyTorch's kernel does ---------


@pytest.mark.parametrize(("dtype", "tiny"), [("bfloat16", 2.0**-8), ("float16", 2.0**-11)])
def test_half_gradient_rows_are_added_one_by_one_in_the_half_dtype(dtype, tiny):
    # 1 + tiny is a tie that rounds back to 1, twice; summed in float32 first it would be 1 + 2·tiny
    w = rg.zeros(2, 1, dtype=getattr(rg, dtype), requires_grad=True)
    g = rg.tensor([[1.0], [tiny], [tiny]]).to(w.dtype)
    rg.nn.functional.embedding(rg.tensor([0, 0, 0]), w).backward(g)
    assert w.grad.dtype is w.dtype and w.grad.tolist() == [[1.0], [0.0]]


@needs_torch
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize(("rows", "n"), [(16, 20), (8, 200), (4, 1000), (50, 64)])
def test_half_gradient_vs_torch(dtype, rows, n):
    rng = np.random.default_rng(rows + n)
    idx, g = rng.integers(0, rows, n), rng.normal(size=(n, 8))
    grads = []
    for m in (rg, torch):
        w = m.zeros(rows, 8, dtype=getattr(m, dtype), requires_grad=True)
        m.nn.functional.embedding(m.tensor(idx), w).backward(m.tensor(g).to(w.dtype))
        grads.append(w.grad.float().numpy())
    assert np.array_equal(*grads)
