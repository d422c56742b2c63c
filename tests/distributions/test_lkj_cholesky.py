"""LKJCholesky: Cholesky factors of correlation matrices, PyTorch's draws and densities."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.distributions import LKJCholesky

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def test_samples_are_cholesky_factors_of_correlation_matrices():
    retrograd.manual_seed(0)
    d = LKJCholesky(4, retrograd.tensor([0.5, 1.0, 3.0], dtype=retrograd.float64))
    L = d.sample((5,))
    assert L.shape == (5, 3, 4, 4) and d.batch_shape == (3,) and d.event_shape == (4, 4)
    assert retrograd.equal(L, L.tril()) and bool((L.diagonal(dim1=-2, dim2=-1) > 0).all())
    M = L @ L.transpose(-1, -2)
    assert retrograd.allclose(M.diagonal(dim1=-2, dim2=-1), retrograd.ones(5, 3, 4, dtype=retrograd.float64))
    assert bool(d.support.check(L).all()) and d.expand((2, 3)).sample().shape == (2, 3, 4, 4)
    with pytest.raises(ValueError, match="Found dim=1"):
        LKJCholesky(1)


def test_2x2_density_integrates_to_one_over_the_correlation():
    # dim 2: L = [[1, 0], [r, √(1 - r²)]]; the density over r is ∝ (1 - r²)^(η - 1)
    for eta in (0.8, 1.0, 2.5):
        r = retrograd.linspace(-1 + 1e-9, 1 - 1e-9, 200001, dtype=retrograd.float64)
        L = retrograd.zeros(r.shape[0], 2, 2, dtype=retrograd.float64)
        L[:, 0, 0], L[:, 1, 0], L[:, 1, 1] = 1.0, r, (1 - r * r).sqrt()
        density = LKJCholesky(2, eta).log_prob(L).exp()
        assert abs(float(retrograd.trapezoid(density, r)) - 1) < 2e-3, eta  # (η < 1: integrable poles at ±1)
        ratio = float(density[150000] / density[100000])  # r = 0.5 against r = 0
        assert abs(ratio - 0.75 ** (eta - 1)) < 1e-7


@needs_torch
def test_matches_pytorch_draws_densities_and_gradients():
    for lib in (retrograd, torch):
        lib.manual_seed(4)
    ours = LKJCholesky(4, retrograd.tensor([0.5, 2.0])).sample((3,))
    theirs = torch.distributions.LKJCholesky(4, torch.tensor([0.5, 2.0])).sample((3,))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-7)
    samples = torch.distributions.LKJCholesky(3, torch.tensor(1.0, dtype=torch.float64)).sample((3,)).numpy()
    results = []
    for lib, dist in ((retrograd, LKJCholesky), (torch, torch.distributions.LKJCholesky)):
        eta = lib.tensor([0.7, 1.5, 4.0], dtype=lib.float64, requires_grad=True)
        lp = dist(3, eta).log_prob(lib.tensor(samples))
        lp.sum().backward()
        results.append((lp.detach().numpy(), eta.grad.numpy()))
    for mine, ref in zip(*results):
        np.testing.assert_allclose(mine, ref, rtol=1e-12)
