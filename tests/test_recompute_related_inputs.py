"""Recorded backwards of fused ops whose inputs are made from one another (sdpa(q, 2 * q, q + 1)).

The recorded backward differentiates the composed form; each input's gradient must count only the
paths through that input, not those through the other inputs made from it.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def _sdpa_grads(m, causal):
    gen = np.random.default_rng(0)
    q = m.tensor(gen.standard_normal((2, 2, 4, 3)), requires_grad=True)
    o = m.nn.functional.scaled_dot_product_attention(q, q * 2, q + 1, is_causal=causal)
    (g,) = m.autograd.grad(o.sum(), q, create_graph=True)
    (plain,) = m.autograd.grad(m.nn.functional.scaled_dot_product_attention(q, q * 2, q + 1, is_causal=causal).sum(), q)
    return g.detach().numpy(), plain.numpy()


@pytest.mark.parametrize("causal", [False, True])
def test_recorded_gradient_equals_the_plain_one(causal):
    recorded, plain = _sdpa_grads(rg, causal)
    np.testing.assert_allclose(recorded, plain, rtol=1e-12, atol=1e-12)


def test_grid_sample_of_a_grid_made_from_the_image():
    # the same kind of sharing through another recomputed op: grid_sample(img, f(img))
    gen = np.random.default_rng(1)
    img = rg.tensor(gen.standard_normal((1, 2, 3, 3)), requires_grad=True)

    def out():
        grid = img[:, :1].permute(0, 2, 3, 1).tanh().expand(1, 3, 3, 2)
        return rg.nn.functional.grid_sample(img, grid, align_corners=False).pow(2).sum()

    (recorded,) = rg.autograd.grad(out(), img, create_graph=True)
    (plain,) = rg.autograd.grad(out(), img)
    np.testing.assert_allclose(recorded.detach().numpy(), plain.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.pytorch
@pytest.mark.parametrize("causal", [False, True])
def test_recorded_gradient_vs_torch(causal):
    torch = pytest.importorskip("torch")
    ours, theirs = _sdpa_grads(rg, causal), _sdpa_grads(torch, causal)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-12)
