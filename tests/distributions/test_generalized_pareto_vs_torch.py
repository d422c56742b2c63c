"""GeneralizedPareto against torch.distributions (float32: PyTorch's log_prob rejects float64 parameters)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(5)
B = (3, 2)
CONCENTRATIONS = {
    "positive": RNG.uniform(0.05, 0.4, B),
    "negative": RNG.uniform(-0.9, -0.1, B),
    "zero": np.zeros(B),
}


def _params(kind):
    loc, scale = RNG.standard_normal(B), RNG.uniform(0.5, 2.0, B)
    return [x.astype(np.float32) for x in (loc, scale, CONCENTRATIONS[kind])]


@pytest.mark.parametrize("kind", list(CONCENTRATIONS))
def test_generalized_pareto_vs_torch(kind):
    params = _params(kind)
    ours = rd.GeneralizedPareto(*[rg.tensor(p, requires_grad=True) for p in params])
    theirs = torch.distributions.GeneralizedPareto(*[torch.tensor(p, requires_grad=True) for p in params])
    u = torch.tensor(RNG.uniform(0.05, 0.95, (4, *B)).astype(np.float32))
    value = theirs.icdf(u).detach()
    np.testing.assert_allclose(ours.icdf(rg.tensor(u.numpy())).detach().numpy(), value.numpy(), rtol=1e-5, atol=1e-6)
    v = rg.tensor(value.numpy())
    for name in ("log_prob", "cdf", "log_cdf", "log_survival_function"):
        np.testing.assert_allclose(
            getattr(ours, name)(v).detach().numpy(), getattr(theirs, name)(value).detach().numpy(), rtol=1e-4, atol=1e-5
        )
    for name in ("mean", "variance", "mode"):
        np.testing.assert_allclose(
            getattr(ours, name).detach().numpy(), getattr(theirs, name).detach().numpy(), rtol=1e-5, equal_nan=True
        )
    np.testing.assert_allclose(ours.entropy().detach().numpy(), theirs.entropy().detach().numpy(), rtol=1e-5)
    (ours.log_prob(v).sum() + ours.entropy().sum()).backward()
    (theirs.log_prob(value).sum() + theirs.entropy().sum()).backward()
    for name in ("loc", "scale"):
        np.testing.assert_allclose(
            getattr(ours, name).grad.numpy(), getattr(theirs, name).grad.numpy(), rtol=1e-4, atol=1e-5
        )
    assert tuple(ours.rsample((5,)).shape) == tuple(theirs.rsample((5,)).shape) == (5, *B)
    assert ours.has_rsample and bool(ours.support.check(ours.sample((20,))).all())
    upper = ours.support.upper_bound.detach().numpy()
    np.testing.assert_allclose(upper, theirs.support.upper_bound.detach().numpy(), rtol=1e-6)


def test_generalized_pareto_rsample_carries_gradients():
    scale = rg.tensor([1.5], requires_grad=True)
    x = rd.GeneralizedPareto(0.0, scale, 0.2).rsample((10,))
    x.sum().backward()
    assert scale.grad is not None and float(scale.grad) > 0
