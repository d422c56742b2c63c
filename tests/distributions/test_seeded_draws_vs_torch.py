"""Seeded draws against PyTorch in float32 too: samplers built on in-place kernels, and binomial.

PyTorch's rsample for Cauchy, Exponential, Geometric, Laplace, ... calls an in-place sampler
(`cauchy_`, `exponential_`, `uniform_`, ...) whose bits depend on the dtype; `torch.binomial`
is its C++ BTRS / inversion sampler, which `retrograd.binomial` follows draw for draw.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd

torch = pytest.importorskip("torch")
td = torch.distributions

LOC = [[0.3, -1.2], [2.0, 0.1]]
SCALE = [[1.5, 0.4], [0.7, 2.2]]
SMALL = [[0.5, 0.13], [0.23, 0.7]]

# draws equal bit for bit in both dtypes
EXACT = {
    "Cauchy": lambda D, m: D.Cauchy(m(LOC), m(SCALE)),
    "HalfCauchy": lambda D, m: D.HalfCauchy(m(SCALE)),
    "Normal": lambda D, m: D.Normal(m(LOC), m(SCALE)),
    "HalfNormal": lambda D, m: D.HalfNormal(m(SCALE)),
    "Uniform": lambda D, m: D.Uniform(m(LOC), m(np.add(LOC, SCALE).tolist())),
    "Exponential": lambda D, m: D.Exponential(m(SCALE)),
    "Geometric": lambda D, m: D.Geometric(m(SMALL)),
    "Bernoulli": lambda D, m: D.Bernoulli(m(SMALL)),
    "Poisson": lambda D, m: D.Poisson(m(SCALE)),
    "Binomial": lambda D, m: D.Binomial(m([[5.0, 100.0], [1000.0, 3.0]]), m(SMALL)),
    "Categorical": lambda D, m: D.Categorical(m([0.2, 0.5, 0.3])),
    # PyTorch's gamma sampler (retrograd._cpu_gamma) and everything built on it
    "Gamma": lambda D, m: D.Gamma(m(SMALL), m(SCALE)),
    "Chi2": lambda D, m: D.Chi2(m(SCALE)),
    "Beta": lambda D, m: D.Beta(m(SMALL), m(SCALE)),
    "Dirichlet": lambda D, m: D.Dirichlet(m(SCALE)),
    "NegativeBinomial": lambda D, m: D.NegativeBinomial(m(SCALE), m(SMALL)),
}
# the same raw draws; float32 log/exp/pow round differently from PyTorch's now and then
ULP = {
    "Laplace": lambda D, m: D.Laplace(m(LOC), m(SCALE)),
    "LogNormal": lambda D, m: D.LogNormal(m(LOC), m(SCALE)),
    "Gumbel": lambda D, m: D.Gumbel(m(LOC), m(SCALE)),
    "Pareto": lambda D, m: D.Pareto(m(SCALE), m(np.add(SCALE, 1).tolist())),
    "Weibull": lambda D, m: D.Weibull(m(SCALE), m(np.add(SCALE, 0.5).tolist())),
    "ContinuousBernoulli": lambda D, m: D.ContinuousBernoulli(m(SMALL)),
    "Kumaraswamy": lambda D, m: D.Kumaraswamy(m(SCALE), m(np.add(SCALE, 1).tolist())),
    "GeneralizedPareto": lambda D, m: D.GeneralizedPareto(m(LOC), m(SCALE), m(SMALL)),
    # gamma draws through rsqrt / a reciprocal transform
    "StudentT": lambda D, m: D.StudentT(m(SCALE), m(LOC), m(SCALE)),
    "InverseGamma": lambda D, m: D.InverseGamma(m(SCALE), m(SMALL)),
}
DTYPES = ["float32", "float64"]


def _draw(lib, build, dtype, method, seed):
    D = rd if lib is rg else td
    d = build(D, lambda x: lib.tensor(x, dtype=getattr(lib, dtype)))
    lib.manual_seed(seed)
    return getattr(d, method)((5,)).detach().numpy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(EXACT) + list(ULP))
def test_seeded_draws_match_torch(name, dtype):
    build = EXACT.get(name) or ULP[name]
    methods = ["sample", "rsample"] if build(td, torch.tensor).has_rsample else ["sample"]
    for method in methods:
        for seed in (0, 7):
            got = _draw(rg, build, dtype, method, seed)
            expected = _draw(torch, build, dtype, method, seed)
            assert got.dtype == expected.dtype
            if name in EXACT or dtype == "float64":
                np.testing.assert_allclose(got, expected, rtol=0 if name in EXACT else 1e-14, atol=0)
            else:
                np.testing.assert_allclose(got, expected, rtol=1e-6, atol=0)


BINOMIAL_CASES = [
    # (counts, probs): the inversion branch, BTRS, p > 1/2 (count − draw), edges
    ([3.0, 10.0, 7.0], [0.1, 0.5, 0.9]),
    ([50.0, 200.0, 1000.0, 1e5], [0.3, 0.5, 0.05, 0.77]),
    ([25.0, 40.0, 13.0, 500.0], [0.6, 0.99, 0.8, 0.999]),
    ([0.0, -3.0, 5.0, 8.0, 9.0], [0.5, 0.5, 0.0, 1.0, 0.4]),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", range(len(BINOMIAL_CASES)))
def test_binomial_draws_match_torch(case, dtype):
    counts, probs = BINOMIAL_CASES[case]
    for seed in (0, 1, 2, 3):
        outs = []
        for lib in (rg, torch):
            dt = getattr(lib, dtype)
            lib.manual_seed(seed)
            c = lib.tensor(counts, dtype=dt).repeat(3)
            p = lib.tensor(probs, dtype=dt).repeat(3)
            # the draw, and the next number (the generator advanced by the same amount)
            outs.append((lib.binomial(c, p).numpy(), lib.rand(2, dtype=lib.float64).numpy()))
        np.testing.assert_array_equal(outs[0][0], outs[1][0])
        np.testing.assert_array_equal(outs[0][1], outs[1][1])
        assert outs[0][0].dtype == outs[1][0].dtype


def test_binomial_generator_broadcast_and_errors():
    g, tg = rg.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    got = rg.binomial(rg.full((3, 4), 50.0), rg.full((4,), 0.3), generator=g)
    expected = torch.binomial(torch.full((3, 4), 50.0), torch.full((3, 4), 0.3), generator=tg)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())
    nan = rg.binomial(rg.tensor([3.0]), rg.tensor([float("nan")]))
    assert np.isnan(nan.numpy()).all()
    with pytest.raises(ValueError, match="floating-point dtypes for count"):
        rg.binomial(rg.tensor([3]), rg.tensor([0.5]))
    with pytest.raises(RuntimeError, match="Found dtype Float but expected Double"):
        rg.binomial(rg.tensor([3.0], dtype=rg.float64), rg.tensor([0.5]))
    with pytest.raises(NotImplementedError, match="binomial_cpu"):
        rg.binomial(rg.tensor([3.0]).half(), rg.tensor([0.5]).half())


def test_binomial_records_but_has_no_derivative():
    c = rg.tensor([10.0, 20.0], requires_grad=True)
    x = rg.binomial(c, rg.tensor([0.5, 0.2]))
    assert x.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::binomial is not implemented"):
        x.sum().backward()
    with rg.no_grad():
        assert not rg.binomial(c, rg.tensor([0.5, 0.2])).requires_grad


def test_binomial_in_law():
    rg.manual_seed(3)
    n, p = 60.0, 0.35  # BTRS
    draws = rg.binomial(rg.full((4000,), n, dtype=rg.float64), rg.full((4000,), p, dtype=rg.float64)).numpy()
    assert abs(draws.mean() - n * p) < 5 * np.sqrt(n * p * (1 - p) / 4000)
    assert abs(draws.var() / (n * p * (1 - p)) - 1) < 0.1
