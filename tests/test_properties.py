"""Property-based tests (hypothesis): broadcasting, edge values, kinks and ties.

Forward values are checked against NumPy and gradient shapes/dtypes always;
gradient values against PyTorch when it is importable, else against the
analytic gradient for ops simple enough to state here.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

SETTINGS = settings(max_examples=40, deadline=None)

EDGE_FLOATS = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.0]),
    st.floats(-10, 10, allow_nan=False, width=64),
)

BINARY = {
    "add": (lambda m, a, b: a + b, np.add),
    "sub": (lambda m, a, b: a - b, np.subtract),
    "mul": (lambda m, a, b: a * b, np.multiply),
    "div": (lambda m, a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    "maximum": (lambda m, a, b: m.maximum(a, b), np.maximum),
    "minimum": (lambda m, a, b: m.minimum(a, b), np.minimum),
    "where": (lambda m, a, b: m.where(a > b, a, b * 2), lambda a, b: np.where(a > b, a, b * 2)),
    "atan2": (lambda m, a, b: m.atan2(a, b + 20), lambda a, b: np.arctan2(a, b + 20)),
}


@st.composite
def broadcast_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3))
    a = draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=EDGE_FLOATS))
    b = draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=EDGE_FLOATS))
    return a, b


def _run(module, fn, a, b):
    x = module.tensor(a, requires_grad=True)
    y = module.tensor(b, requires_grad=True)
    out = fn(module, x, y)
    weights = np.arange(out.numel(), dtype=np.float64).reshape(tuple(out.shape)) % 3 - 1
    (out * module.tensor(weights)).sum().backward()
    return out, x.grad, y.grad


@pytest.mark.parametrize("name", list(BINARY))
@SETTINGS
@given(pair=broadcast_pair())
def test_binary_ops_broadcast(name, pair):
    a, b = pair
    fn, ref = BINARY[name]
    out, ga, gb = _run(rg, fn, a, b)
    np.testing.assert_allclose(out.detach().numpy(), ref(a, b), rtol=1e-12, atol=1e-12)
    for g, x in ((ga, a), (gb, b)):
        assert g is None or (g.shape == x.shape and g.dtype == rg.float64)
    if torch is not None:
        t_out, t_ga, t_gb = _run(torch, fn, a, b)
        for ours, theirs in ((ga, t_ga), (gb, t_gb)):
            if theirs is None:
                assert ours is None or not ours.numpy().any()
            else:
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(pair=broadcast_pair())
def test_add_gradient_counts_broadcast_copies(pair):
    a, b = pair
    x = rg.tensor(a, requires_grad=True)
    y = rg.tensor(b, requires_grad=True)
    (x + y).sum().backward()
    full = np.broadcast_shapes(a.shape, b.shape)
    n = int(np.prod(full))
    np.testing.assert_allclose(x.grad.numpy(), np.full(a.shape, n / max(a.size, 1) if a.size else 0))
    np.testing.assert_allclose(y.grad.numpy(), np.full(b.shape, n / max(b.size, 1) if b.size else 0))


KINKS = {
    "relu": lambda m, x: m.relu(x),
    "abs": lambda m, x: m.abs(x),
    "clamp": lambda m, x: m.clamp(x, -1.0, 1.0),
    "max": lambda m, x: x.max() if x.numel() else x.sum(),
    "amax": lambda m, x: x.amax(dim=-1) if x.ndim and x.shape[-1] else x.sum(),
    "sign": lambda m, x: m.sign(x),
    "round": lambda m, x: m.round(x),
}


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(KINKS))
@SETTINGS
@given(
    a=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4),
        elements=st.sampled_from([-1.0, 0.0, 1.0, 2.0, -0.5]),
    )
)
def test_subgradients_at_kinks_and_ties_match_pytorch(name, a):
    fn = KINKS[name]
    results = []
    for m in (rg, torch):
        x = m.tensor(a, requires_grad=True)
        try:
            out = fn(m, x)
        except (RuntimeError, IndexError) as e:
            results.append(type(e))
            continue
        out.sum().backward()
        g = x.grad
        results.append(np.zeros(a.shape) if g is None else g.detach().numpy())
    if isinstance(results[1], type):
        assert results[0] is results[1]
    else:
        np.testing.assert_allclose(results[0], results[1])


@SETTINGS
@given(
    a=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3), elements=EDGE_FLOATS),
    keepdim=st.booleans(),
    data=st.data(),
)
def test_sum_and_mean_over_any_dims(a, keepdim, data):
    dims = data.draw(st.lists(st.integers(0, a.ndim - 1), unique=True, min_size=1, max_size=a.ndim))
    x = rg.tensor(a, requires_grad=True)
    s = x.sum(tuple(dims), keepdim=keepdim)
    np.testing.assert_allclose(s.detach().numpy(), a.sum(tuple(dims), keepdims=keepdim))
    s.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones(a.shape))
    if all(a.shape[d] for d in dims):
        m = x.mean(tuple(dims), keepdim=keepdim)
        np.testing.assert_allclose(m.detach().numpy(), a.mean(tuple(dims), keepdims=keepdim))


@SETTINGS
@given(
    a=hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
        elements=st.floats(-3, 3, width=32),
    )
)
def test_float32_stays_float32_through_forward_and_backward(a):
    x = rg.tensor(a, requires_grad=True)
    y = ((x * 2 + 1).tanh() * x.exp() / 3 - x).sum()
    assert y.dtype == rg.float32
    y.backward()
    assert x.grad.dtype == rg.float32 and x.grad.shape == x.shape
