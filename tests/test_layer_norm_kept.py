"""Layer norm keeps x̂ from its forward for its backward (ops/fused/normalization.py).

The kept x̂ must give the very bits of the x̂ the backward computed from x before, and must never
be an array the caller can change: without a weight the output is x̂ itself, so nothing is kept.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.ops.fused import normalization

F = retrograd.nn.functional


def _grads(x, w, b):
    ts = [retrograd.tensor(a, requires_grad=True) for a in (x, w, b)]
    y = F.layer_norm(ts[0], (x.shape[-1],), ts[1], ts[2])
    (y * retrograd.tensor(np.linspace(-1, 1, y.numel(), dtype=x.dtype).reshape(x.shape))).sum().backward()
    return [t.grad.numpy() for t in ts], y


def test_the_kept_xhat_gives_the_bits_of_the_recomputed_one(monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 5, 16)).astype(np.float32)
    w, b = rng.standard_normal(16).astype(np.float32), rng.standard_normal(16).astype(np.float32)
    kept, y = _grads(x, w, b)
    assert y.grad_fn.attrs["xhat"].shape == (30, 16)  # kept, in view layout
    real = normalization._joint
    calls = []

    def without_xhat(*args, xhat=None):  # the rules' call, the kept x̂ dropped: the backward computes it
        calls.append(xhat is not None)
        return real(*args)

    monkeypatch.setattr(normalization, "_joint", without_xhat)
    recomputed, _ = _grads(x, w, b)
    assert calls == [True]
    for k, r in zip(kept, recomputed):
        assert np.array_equal(k.view(np.uint8), r.view(np.uint8))


def test_without_a_weight_nothing_the_caller_holds_is_kept():
    rng = np.random.default_rng(1)
    x = retrograd.tensor(rng.standard_normal((4, 8)), requires_grad=True)
    weights = retrograd.tensor(rng.standard_normal((4, 8)))
    y = F.layer_norm(x, (8,))
    assert y.grad_fn.attrs["xhat"].size == 0  # the output is x̂ itself: not kept
    y.mul_(3.0)  # allowed: layer norm's backward does not read its output
    (y * weights).sum().backward()
    x2 = x.detach().clone().requires_grad_()
    (F.layer_norm(x2, (8,)) * 3.0 * weights).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x2.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("affine", [True, False])
def test_second_order_still_exact(affine):
    rng = np.random.default_rng(2)
    x = retrograd.tensor(rng.standard_normal((3, 6)), requires_grad=True)
    w = retrograd.tensor(rng.standard_normal(6), requires_grad=True) if affine else None
    b = retrograd.tensor(rng.standard_normal(6), requires_grad=True) if affine else None
    inputs = (x, w, b) if affine else (x,)
    fn = (lambda x, w, b: F.layer_norm(x, (6,), w, b)) if affine else (lambda x: F.layer_norm(x, (6,)))
    assert retrograd.autograd.gradcheck(fn, inputs)
    assert retrograd.autograd.gradgradcheck(fn, inputs)
