"""KL divergences between different families: every pair PyTorch registers, values and gradients.

The finite pairs compare value and the gradient of every parameter with PyTorch's; the pairs
where p puts mass outside q's support are +inf of p's batch shape. Where PyTorch gives nan or
inf on a boundary (a uniform ending at 0 or 1), ours is checked against the closed form.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd

torch = pytest.importorskip("torch")
td = torch.distributions

RNG = np.random.default_rng(11)


def pos(lo=0.5, hi=2.5):
    return RNG.uniform(lo, hi, 3)


def rl():
    return RNG.standard_normal(3)


def unit():
    return RNG.uniform(0.1, 0.9, 3)


# name: (builder(D, params) -> (p, q), params); every parameter gets a gradient check
CASES = {
    "CB-CB": (lambda D, a: (D.ContinuousBernoulli(logits=a[0]), D.ContinuousBernoulli(a[1])), [rl(), unit()]),
    "CB-CB near half": (
        lambda D, a: (D.ContinuousBernoulli(a[0]), D.ContinuousBernoulli(a[1])),
        [np.array([0.4995, 0.5, 0.3]), np.array([0.5003, 0.7, 0.4999])],
    ),
    "Bernoulli-Poisson": (lambda D, a: (D.Bernoulli(a[0]), D.Poisson(a[1])), [unit(), pos()]),
    "Beta-CB": (lambda D, a: (D.Beta(a[0], a[1]), D.ContinuousBernoulli(a[2])), [pos(), pos(), unit()]),
    "Beta-Exponential": (lambda D, a: (D.Beta(a[0], a[1]), D.Exponential(a[2])), [pos(), pos(), pos()]),
    "Beta-Gamma": (lambda D, a: (D.Beta(a[0], a[1]), D.Gamma(a[2], a[3])), [pos(), pos(), pos(), pos()]),
    "Beta-Normal": (lambda D, a: (D.Beta(a[0], a[1]), D.Normal(a[2], a[3])), [pos(), pos(), rl(), pos()]),
    "Beta-Uniform": (
        lambda D, a: (D.Beta(a[0], a[1]), D.Uniform(a[2], a[3])),
        [pos(), pos(), np.array([-0.5, 0.2, -1.0]), np.array([1.5, 3.0, 0.9])],
    ),
    "CB-Exponential": (lambda D, a: (D.ContinuousBernoulli(a[0]), D.Exponential(a[1])), [unit(), pos()]),
    "CB-Normal": (lambda D, a: (D.ContinuousBernoulli(a[0]), D.Normal(a[1], a[2])), [unit(), rl(), pos()]),
    "CB-Uniform": (
        lambda D, a: (D.ContinuousBernoulli(a[0]), D.Uniform(a[1], a[2])),
        [unit(), np.array([-0.5, 0.2, -1.0]), np.array([1.5, 3.0, 0.9])],
    ),
    "Exponential-Gamma": (lambda D, a: (D.Exponential(a[0]), D.Gamma(a[1], a[2])), [pos(), pos(), pos()]),
    "Exponential-Gumbel": (lambda D, a: (D.Exponential(a[0]), D.Gumbel(a[1], a[2])), [pos(), rl(), pos()]),
    "Gamma-Exponential": (lambda D, a: (D.Gamma(a[0], a[1]), D.Exponential(a[2])), [pos(), pos(), pos()]),
    "Gamma-Gumbel": (lambda D, a: (D.Gamma(a[0], a[1]), D.Gumbel(a[2], a[3])), [pos(), pos(), rl(), pos()]),
    "Gamma-Normal": (lambda D, a: (D.Gamma(a[0], a[1]), D.Normal(a[2], a[3])), [pos(), pos(), rl(), pos()]),
    "Chi2-Normal": (lambda D, a: (D.Chi2(a[0]), D.Normal(a[1], a[2])), [pos(), rl(), pos()]),
    "Gumbel-Normal": (lambda D, a: (D.Gumbel(a[0], a[1]), D.Normal(a[2], a[3])), [rl(), pos(), rl(), pos()]),
    "Laplace-Normal": (lambda D, a: (D.Laplace(a[0], a[1]), D.Normal(a[2], a[3])), [rl(), pos(), rl(), pos()]),
    "Normal-Gumbel": (lambda D, a: (D.Normal(a[0], a[1]), D.Gumbel(a[2], a[3])), [rl(), pos(), rl(), pos()]),
    "Pareto-Exponential": (
        lambda D, a: (D.Pareto(a[0], a[1]), D.Exponential(a[2])),
        [pos(), np.array([0.5, 1.5, 3.0]), pos()],
    ),
    "Pareto-Gamma": (
        lambda D, a: (D.Pareto(a[0], a[1]), D.Gamma(a[2], a[3])),
        [pos(), np.array([1.0, 1.5, 3.0]), pos(), pos()],
    ),
    "Pareto-Normal": (
        lambda D, a: (D.Pareto(a[0], a[1]), D.Normal(a[2], a[3])),
        [pos(), np.array([1.5, 2.5, 4.0]), rl(), pos()],
    ),
    "Uniform-Beta": (
        lambda D, a: (D.Uniform(a[0], a[1]), D.Beta(a[2], a[3])),
        [np.array([0.1, 0.3, -0.2]), np.array([0.7, 0.9, 0.5]), pos(), pos()],
    ),
    "Uniform-CB": (
        lambda D, a: (D.Uniform(a[0], a[1]), D.ContinuousBernoulli(a[2])),
        [np.array([0.1, 0.3, 0.2]), np.array([0.7, 0.9, 1.5]), unit()],
    ),
    "Uniform-Gamma": (
        lambda D, a: (D.Uniform(a[0], a[1]), D.Gamma(a[2], a[3])),
        [np.array([0.1, 1.3, -0.2]), np.array([0.7, 2.9, 0.5]), pos(), pos()],
    ),
    "Uniform-Gumbel": (lambda D, a: (D.Uniform(a[0], a[0] + a[1]), D.Gumbel(a[2], a[3])), [rl(), pos(), rl(), pos()]),
    "Uniform-Pareto": (
        lambda D, a: (D.Uniform(a[0], a[1]), D.Pareto(a[2], a[3])),
        [np.array([1.1, 2.0, 0.2]), np.array([1.7, 3.0, 1.5]), np.array([1.0, 1.5, 0.5]), pos()],
    ),
}


def _kl(lib, build, arrays):
    D = rd if lib is rg else td
    params = [lib.tensor(a, requires_grad=True) for a in arrays]
    return params, D.kl_divergence(*build(D, params))


@pytest.mark.parametrize("name", list(CASES))
def test_cross_kl_values_and_gradients_vs_torch(name):
    build, arrays = CASES[name]
    ours_params, ours = _kl(rg, build, arrays)
    theirs_params, theirs = _kl(torch, build, arrays)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-9, atol=1e-12)
    finite = np.isfinite(theirs.detach().numpy())
    ours_g = rg.autograd.grad(ours[rg.tensor(finite)].sum(), ours_params, allow_unused=True)
    theirs_g = torch.autograd.grad(theirs[torch.tensor(finite)].sum(), theirs_params, allow_unused=True)
    for g_ours, g_theirs in zip(ours_g, theirs_g):
        expected = np.zeros(3) if g_theirs is None else g_theirs.numpy()
        got = np.zeros(3) if g_ours is None else g_ours.numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-10)


def test_every_torch_pair_is_registered():
    from torch.distributions.kl import _KL_REGISTRY as theirs

    from retrograd.distributions.kl import _KL_REGISTRY as ours

    ours_names = {(p.__name__, q.__name__) for p, q in ours}
    missing = sorted({(p.__name__, q.__name__) for p, q in theirs} - ours_names)
    assert missing == [], missing


INFINITE = [
    ("Beta", "Pareto"), ("ContinuousBernoulli", "Pareto"),
    ("Exponential", "Beta"), ("Exponential", "ContinuousBernoulli"), ("Exponential", "Pareto"),
    ("Exponential", "Uniform"),
    ("Gamma", "Beta"), ("Gamma", "ContinuousBernoulli"), ("Gamma", "Pareto"), ("Gamma", "Uniform"),
    ("Gumbel", "Beta"), ("Gumbel", "ContinuousBernoulli"), ("Gumbel", "Exponential"), ("Gumbel", "Gamma"),
    ("Gumbel", "Pareto"), ("Gumbel", "Uniform"),
    ("Laplace", "Beta"), ("Laplace", "ContinuousBernoulli"), ("Laplace", "Exponential"), ("Laplace", "Gamma"),
    ("Laplace", "Pareto"), ("Laplace", "Uniform"),
    ("Normal", "Beta"), ("Normal", "ContinuousBernoulli"), ("Normal", "Exponential"), ("Normal", "Gamma"),
    ("Normal", "Pareto"), ("Normal", "Uniform"),
    ("Pareto", "Beta"), ("Pareto", "ContinuousBernoulli"), ("Pareto", "Uniform"),
    ("Poisson", "Bernoulli"), ("Poisson", "Binomial"),
]  # fmt: skip
EXAMPLES = {
    "Beta": lambda D, m: D.Beta(m([1.0, 2.0]), m([2.0, 3.0])),
    "ContinuousBernoulli": lambda D, m: D.ContinuousBernoulli(m([0.3, 0.6])),
    "Exponential": lambda D, m: D.Exponential(m([1.0, 2.0])),
    "Gamma": lambda D, m: D.Gamma(m([1.0, 2.0]), m([2.0, 3.0])),
    "Gumbel": lambda D, m: D.Gumbel(m([1.0, 2.0]), m([2.0, 3.0])),
    "Laplace": lambda D, m: D.Laplace(m([1.0, 2.0]), m([2.0, 3.0])),
    "Normal": lambda D, m: D.Normal(m([1.0, 2.0]), m([2.0, 3.0])),
    "Pareto": lambda D, m: D.Pareto(m([1.0, 2.0]), m([2.0, 3.0])),
    "Uniform": lambda D, m: D.Uniform(m([0.2, 0.3]), m([0.5, 0.9])),
    "Poisson": lambda D, m: D.Poisson(m([1.0, 2.0])),
    "Bernoulli": lambda D, m: D.Bernoulli(m([0.3, 0.6])),
    "Binomial": lambda D, m: D.Binomial(5, m([0.3, 0.6])),
}


@pytest.mark.parametrize("p_name, q_name", INFINITE)
def test_support_mismatch_is_infinite(p_name, q_name):
    m = lambda x: rg.tensor(x, dtype=rg.float64)  # noqa: E731
    kl = rd.kl_divergence(EXAMPLES[p_name](rd, m), EXAMPLES[q_name](rd, m))
    assert kl.shape == (2,) and kl.dtype == rg.float64
    assert np.isposinf(kl.numpy()).all()


def test_uniform_boundaries_are_finite_where_the_integral_is():
    # PyTorch gives nan (0·log 0) or inf here; the closed forms are finite
    one = rg.tensor(1.0, dtype=rg.float64)
    a, b = rg.tensor(2.0, dtype=rg.float64), rg.tensor(3.0, dtype=rg.float64)
    kl = rd.kl_divergence(rd.Uniform(0 * one, one), rd.Beta(a, b))  # log B(a, b) + a + b − 2
    np.testing.assert_allclose(kl.numpy(), math.lgamma(2) + math.lgamma(3) - math.lgamma(5) + 3, rtol=1e-12)
    kl = rd.kl_divergence(rd.Uniform(0 * one, 2 * one), rd.Gamma(a, b))
    # −log 2 + log Γ(a) − a log b − (a − 1)(log 2 − 1) + b
    np.testing.assert_allclose(kl.numpy(), -math.log(2) - 2 * math.log(3) - (math.log(2) - 1) + 3, rtol=1e-12)
    cb = rd.ContinuousBernoulli(rg.tensor(0.3, dtype=rg.float64))
    assert np.isfinite(rd.kl_divergence(rd.Uniform(0 * one, one), cb).numpy())
    assert np.isfinite(rd.kl_divergence(cb, rd.Uniform(0 * one, one)).numpy())
    assert rd.kl_divergence(cb, rd.Uniform(0 * one, one)).item() == pytest.approx(-cb.entropy().item())


def test_continuous_bernoulli_kl_gradient_reaches_logits():
    logits = rg.tensor(0.2, requires_grad=True)
    kl = rd.kl_divergence(rd.ContinuousBernoulli(logits=logits), rd.ContinuousBernoulli(probs=0.3))
    kl.backward()
    assert logits.grad is not None
    assert logits.grad.item() == pytest.approx(0.0871, abs=1e-4)


def test_cross_kl_against_monte_carlo():
    # an independent check of the formulas: E_p[log p − log q] from seeded draws
    rg.manual_seed(0)
    pairs = [
        (rd.Gamma(rg.tensor(2.5), rg.tensor(1.5)), rd.Gumbel(rg.tensor(0.5), rg.tensor(2.0))),
        (rd.Normal(rg.tensor(0.3), rg.tensor(0.8)), rd.Gumbel(rg.tensor(-0.5), rg.tensor(1.5))),
        (rd.Uniform(rg.tensor(0.2), rg.tensor(0.9)), rd.Beta(rg.tensor(2.0), rg.tensor(3.0))),
        (rd.Pareto(rg.tensor(1.0), rg.tensor(4.0)), rd.Normal(rg.tensor(1.0), rg.tensor(1.0))),
    ]
    for p, q in pairs:
        x = p.sample((20000,))
        mc = (p.log_prob(x) - q.log_prob(x)).numpy().astype(np.float64)
        assert abs(mc.mean() - rd.kl_divergence(p, q).item()) < 5 * mc.std() / math.sqrt(x.numel()) + 1e-3
