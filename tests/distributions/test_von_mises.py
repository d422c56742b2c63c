"""VonMises: PyTorch's densities (its Bessel approximations) and its rejection sampler's draws."""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd
from retrograd.distributions import VonMises

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def test_density_integrates_to_one_and_peaks_at_loc():
    d = VonMises(retrograd.tensor(0.7, dtype=retrograd.float64), retrograd.tensor(3.0, dtype=retrograd.float64))
    angles = retrograd.linspace(-math.pi, math.pi, 20001, dtype=retrograd.float64)
    density = d.log_prob(angles).exp()
    assert abs(float(retrograd.trapezoid(density, angles)) - 1) < 1e-6  # the polynomial I₀ is good to ~1e-7
    assert abs(float(angles[density.argmax()]) - 0.7) < 1e-3
    # circular variance 1 - I₁(κ)/I₀(κ): I₁(3)/I₀(3) = 3.95337 / 4.88079
    assert abs(float(d.variance) - (1 - 3.953370217402609 / 4.880792585865024)) < 1e-6


def test_samples_are_angles_around_loc_and_need_no_gradient():
    retrograd.manual_seed(0)
    loc = retrograd.tensor([0.5, 3.0], requires_grad=True)
    d = VonMises(loc, retrograd.tensor([50.0, 1e-6]))
    x = d.sample((4000,))
    assert x.shape == (4000, 2) and not x.requires_grad and x.dtype == retrograd.float32
    assert float(x.min()) >= -math.pi and float(x.max()) < math.pi
    assert abs(float(x[:, 0].mean()) - 0.5) < 0.01  # κ = 50: tight around loc
    assert abs(float(x[:, 1].abs().mean()) - math.pi / 2) < 0.1  # κ → 0: uniform on the circle
    assert not d.has_rsample and d.expand((3, 2)).sample().shape == (3, 2)
    with pytest.raises(ValueError, match="concentration"):
        VonMises(retrograd.tensor(0.0), retrograd.tensor(-1.0))


@needs_torch
def test_matches_pytorch_draws_densities_and_gradients():
    for lib in (retrograd, torch):
        lib.manual_seed(3)
    ours = VonMises(retrograd.tensor([0.5, -2.0, 3.0]), retrograd.tensor([0.3, 5.0, 1e-6]))
    theirs = torch.distributions.VonMises(torch.tensor([0.5, -2.0, 3.0]), torch.tensor([0.3, 5.0, 1e-6]))
    assert np.array_equal(ours.sample((50,)).numpy(), theirs.sample((50,)).numpy())
    loc, kappa = np.array([1.0, 2.0, -0.5]), np.array([4.0, 0.1, 7.5])
    values = np.array([0.3, 2.5, 3.1])
    grads = []
    for lib, dist in ((retrograd, VonMises), (torch, torch.distributions.VonMises)):
        a = lib.tensor(loc, requires_grad=True)
        k = lib.tensor(kappa, requires_grad=True)
        d = dist(a, k)
        lp = d.log_prob(lib.tensor(values))
        lp.sum().backward()
        grads.append([lp.detach().numpy(), a.grad.numpy(), k.grad.numpy(), d.variance.detach().numpy()])
    for mine, ref in zip(*grads):
        np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-14)
