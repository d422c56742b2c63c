"""Sampling: bit-for-bit with PyTorch where its sampler is built from rand/randn/etc., in law otherwise.

Gamma/Dirichlet draws are also checked by moments here (their bits against PyTorch's in
test_seeded_draws_vs_torch.py), and Gamma's implicit reparameterisation gradient against
`torch._standard_gamma_grad` at the same points.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd

from ..torch_machine import mkl_intel_paths

torch = pytest.importorskip("torch")
td = torch.distributions

LOC = np.array([[0.3, -1.2], [2.0, 0.1]])
SCALE = np.array([[1.5, 0.4], [0.7, 2.2]])
PROBS = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]])

BIT_EXACT = {
    "Normal": lambda D, m: D.Normal(m(LOC), m(SCALE)),
    "Uniform": lambda D, m: D.Uniform(m(LOC), m(LOC + SCALE)),
    "Exponential": lambda D, m: D.Exponential(m(SCALE)),
    "Laplace": lambda D, m: D.Laplace(m(LOC), m(SCALE)),
    "Cauchy": lambda D, m: D.Cauchy(m(LOC), m(SCALE)),
    "LogNormal": lambda D, m: D.LogNormal(m(LOC), m(SCALE)),
    "HalfNormal": lambda D, m: D.HalfNormal(m(SCALE)),
    "HalfCauchy": lambda D, m: D.HalfCauchy(m(SCALE)),
    "Gumbel": lambda D, m: D.Gumbel(m(LOC), m(SCALE)),
    "Pareto": lambda D, m: D.Pareto(m(SCALE), m(SCALE + 1)),
    "Weibull": lambda D, m: D.Weibull(m(SCALE), m(SCALE + 0.5)),
    "Bernoulli": lambda D, m: D.Bernoulli(m(SCALE / 3)),
    "Geometric": lambda D, m: D.Geometric(m(SCALE / 3)),
    "Poisson": lambda D, m: D.Poisson(m(SCALE * 3)),
    "Binomial": lambda D, m: D.Binomial(m(np.round(SCALE * 40)), m(SCALE / 3)),
    "Categorical": lambda D, m: D.Categorical(m(PROBS)),
    "OneHotCategorical": lambda D, m: D.OneHotCategorical(m(PROBS)),
    "Multinomial": lambda D, m: D.Multinomial(5, m(PROBS)),
    "MultivariateNormal": lambda D, m: D.MultivariateNormal(m(LOC[0].tolist() + [0.5]), m(COV)),
    "RelaxedBernoulli": lambda D, m: D.RelaxedBernoulli(m(0.7), m(SCALE / 3)),
    "RelaxedOneHotCategorical": lambda D, m: D.RelaxedOneHotCategorical(m(0.7), m(PROBS)),
    "Independent": lambda D, m: D.Independent(D.Normal(m(LOC), m(SCALE)), 1),
    "MixtureSameFamily": lambda D, m: D.MixtureSameFamily(D.Categorical(m(PROBS)), D.Normal(m(PROBS), m(PROBS))),
}

# same raw draws; NumPy's log/pow/tan or matmul summation order differ from PyTorch's by an ulp
ULP_APART = {"Laplace", "Weibull", "MultivariateNormal", "RelaxedBernoulli"}


def rg_tensor(x):
    return rg.tensor(x, dtype=rg.float64)


def torch_tensor(x):
    return torch.tensor(x, dtype=torch.float64)


@pytest.mark.parametrize("name", list(BIT_EXACT))
@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_seeded_samples_match_torch_bits(name, method):
    ours = BIT_EXACT[name](rd, rg_tensor)
    theirs = BIT_EXACT[name](td, torch_tensor)
    if method == "rsample" and not theirs.has_rsample:
        with pytest.raises(NotImplementedError):
            ours.rsample()
        return
    rg.manual_seed(7)
    torch.manual_seed(7)
    got = getattr(ours, method)((4, 3))
    expected = getattr(theirs, method)((4, 3))
    assert tuple(got.shape) == tuple(expected.shape)
    if name in ULP_APART or not mkl_intel_paths():  # (exp/log from MKL's generic code: an ulp apart)
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-14, atol=0)
    else:
        np.testing.assert_array_equal(got.detach().numpy(), expected.detach().numpy())
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]


def test_rsample_gradients_flow_and_match_torch():
    loc = rg.tensor(LOC, requires_grad=True)
    scale = rg.tensor(SCALE, requires_grad=True)
    tloc = torch.tensor(LOC, requires_grad=True)
    tscale = torch.tensor(SCALE, requires_grad=True)
    rg.manual_seed(3)
    torch.manual_seed(3)
    (rd.Normal(loc, scale).rsample((5,)) ** 2).sum().backward()
    (td.Normal(tloc, tscale).rsample((5,)) ** 2).sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), tloc.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(scale.grad.numpy(), tscale.grad.numpy(), rtol=1e-12)


IN_LAW = {
    "Gamma": (lambda D, m: D.Gamma(m([0.3, 2.0, 9.0]), m([1.0, 0.5, 3.0])), 1),
    "Chi2": (lambda D, m: D.Chi2(m([1.0, 4.0])), 1),
    "Beta": (lambda D, m: D.Beta(m([0.5, 2.0]), m([1.5, 3.0])), 1),
    "Dirichlet": (lambda D, m: D.Dirichlet(m([[0.5, 1.0, 3.0]])), 1),
    "NegativeBinomial": (lambda D, m: D.NegativeBinomial(m([3.0, 10.0]), m([0.3, 0.6])), 1),
    "StudentT": (lambda D, m: D.StudentT(m([5.0, 8.0]), m([0.0, 1.0]), m([1.0, 2.0])), 1),
}


@pytest.mark.parametrize("name", list(IN_LAW))
def test_c_samplers_match_in_law(name):
    build, _ = IN_LAW[name]
    ours = build(rd, rg_tensor)
    theirs = build(td, torch_tensor)
    n = 40000
    rg.manual_seed(11)
    draws = ours.sample((n,)).numpy()
    assert draws.shape == (n, *theirs.batch_shape, *theirs.event_shape)
    mean = theirs.mean.numpy()
    std = theirs.stddev.numpy()
    # the sample mean is within 5 standard errors; the sample variance within 10 %
    assert np.all(np.abs(draws.mean(0) - mean) < 5 * std / np.sqrt(n))
    np.testing.assert_allclose(draws.var(0), std**2, rtol=0.1)
    assert np.all(theirs.support.check(torch.tensor(draws)).numpy())


def test_seeded_c_samplers_are_reproducible():
    d = rd.Gamma(rg.tensor([0.5, 3.0]), rg.tensor([1.0, 2.0]))
    rg.manual_seed(5)
    a = d.sample((6,))
    rg.manual_seed(5)
    b = d.sample((6,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_gamma_reparameterised_gradient_matches_torch():
    alpha = np.array([0.2, 0.7, 1.0, 2.5, 6.0, 40.0])
    conc = rg.tensor(alpha, requires_grad=True)
    rg.manual_seed(2)
    x = rd.Gamma(conc, rg.tensor(1.0, dtype=rg.float64)).rsample()
    (grad,) = rg.autograd.grad(x.sum(), [conc])
    expected = torch._standard_gamma_grad(torch.tensor(alpha), torch.tensor(x.detach().numpy()))
    # the same approximations as PyTorch's kernel (tests/distributions/test_reparam_grad*.py)
    np.testing.assert_allclose(grad.numpy(), expected.numpy(), rtol=1e-13)


def test_gamma_rate_gradient_and_dirichlet_mean_gradient():
    rate = rg.tensor([2.0], dtype=rg.float64, requires_grad=True)
    rg.manual_seed(4)
    x = rd.Gamma(rg.tensor([3.0], dtype=rg.float64), rate).rsample((4,))
    (g,) = rg.autograd.grad(x.sum(), [rate])
    np.testing.assert_allclose(g.numpy(), [-(x.detach().numpy() / 2.0).sum()], rtol=1e-12)  # x ∝ 1/rate
    # E[x] = α / Σα: the averaged pathwise gradient of x_0 approaches d(α_0/Σα)/dα
    conc = rg.tensor([1.0, 2.0, 3.0], dtype=rg.float64, requires_grad=True)
    rg.manual_seed(6)
    draws = rd.Dirichlet(conc).rsample((20000,))
    (g,) = rg.autograd.grad(draws[:, 0].mean(), [conc])
    np.testing.assert_allclose(g.numpy(), [5 / 36, -1 / 36, -1 / 36], atol=0.01)


def test_sample_shapes():
    d = rd.Normal(rg.zeros(2, 3), 1.0)
    assert d.sample().shape == (2, 3)
    assert d.sample((4,)).shape == (4, 2, 3)
    assert d.rsample(rg.Size([5, 1])).shape == (5, 1, 2, 3)
    assert rd.Dirichlet(rg.ones(2, 4)).sample((3,)).shape == (3, 2, 4)
    assert rd.Categorical(rg.ones(2, 4)).sample((3,)).dtype == rg.int64
    with pytest.warns(FutureWarning, match=r"`sample_n\(n\)` will be deprecated"):
        assert d.sample_n(2).shape == (2, 2, 3)
