"""vmap over hypothesis-drawn batch shapes: batch sizes (0 included), example shapes, in_dims and
nesting, against the per-example loop."""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import retrograd as rg  # noqa: E402
from retrograd import func as rf  # noqa: E402

F = rg.nn.functional


def _example(x, y):
    """A mix of op families: broadcasting, reductions, matmul, sorting, comparisons, softmax."""
    h = (x * y.sum()).tanh() + x.relu()
    s = h.sort(-1).values if h.dim() else h
    m = (s > 0).to(s.dtype) * s
    p = F.softmax(m, -1) if m.dim() else m
    q = p @ p.transpose(-2, -1) if p.dim() >= 2 else p * p
    return q.sum(-1) if q.dim() else q, h.amax() - h.mean()


shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(batch=st.integers(0, 4), shape=shapes, data=st.data())
def test_vmap_matches_loop_on_drawn_shapes(batch, shape, data):
    rng = np.random.default_rng(len(shape) * 7 + batch)
    dim = data.draw(st.integers(0, len(shape)), label="in_dim")
    x = rng.normal(size=shape[:dim] + (batch,) + shape[dim:])
    y = rng.normal(size=(2,))
    xs = rg.tensor(x)
    got = rf.vmap(_example, in_dims=(dim, None))(xs, rg.tensor(y))
    for k in range(len(got)):
        assert tuple(got[k].shape)[0] == batch
    for i in range(batch):
        want = _example(rg.tensor(np.take(x, i, axis=dim)), rg.tensor(y))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g[i].numpy(), w.numpy(), rtol=1e-6, atol=1e-9)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(outer=st.integers(1, 3), inner=st.integers(1, 3), shape=shapes, out_dim=st.integers(0, 1))
def test_nested_vmap_matches_loop(outer, inner, shape, out_dim):
    x = np.random.default_rng(outer * 10 + inner).normal(size=(outer, inner) + shape)
    y = np.ones(2)
    inner_fn = rf.vmap(lambda a: _example(a, rg.tensor(y))[0])
    got = rf.vmap(inner_fn, out_dims=out_dim)(rg.tensor(x)).numpy()
    want = np.stack(
        [np.stack([_example(rg.tensor(x[i, j]), rg.tensor(y))[0].numpy() for j in range(inner)]) for i in range(outer)]
    )
    np.testing.assert_allclose(got, np.moveaxis(want, 0, out_dim), rtol=1e-6, atol=1e-9)
