"""Every distribution against torch.distributions on random float64 parameters.

For each case: log_prob, entropy, mean/mode/variance/stddev, cdf/icdf where PyTorch has them, and
the gradients of log_prob + entropy with respect to every parameter. Values are scored at a
point drawn from PyTorch's distribution, handed to both libraries.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd

torch = pytest.importorskip("torch")
td = torch.distributions

RNG = np.random.default_rng(1234)
B = (3, 2)  # batch shape of every case


def real(shape=B):
    return RNG.standard_normal(shape)


def positive(shape=B, low=0.5, high=3.0):
    return RNG.uniform(low, high, shape)


def prob(shape=B):
    return RNG.uniform(0.1, 0.9, shape)


def simplex(shape=(*B, 4)):
    x = RNG.uniform(0.2, 1.0, shape)
    return x / x.sum(-1, keepdims=True)


def spd(shape=(*B, 3, 3)):
    a = RNG.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + 3 * np.eye(shape[-1])


def lower(shape=(*B, 3, 3)):
    a = np.tril(RNG.standard_normal(shape) * 0.3, -1)
    return a + np.eye(shape[-1]) * RNG.uniform(0.5, 2.0, shape[:-1])[..., None]


# name: (builder(D, p), {param: array}, names of params that get gradients)
CASES = {
    "Normal": (lambda D, p: D.Normal(p["loc"], p["scale"]), {"loc": real(), "scale": positive()}),
    "Uniform": (lambda D, p: D.Uniform(p["low"], p["low"] + p["width"]), {"low": real(), "width": positive()}),
    "Exponential": (lambda D, p: D.Exponential(p["rate"]), {"rate": positive()}),
    "Laplace": (lambda D, p: D.Laplace(p["loc"], p["scale"]), {"loc": real(), "scale": positive()}),
    "Cauchy": (lambda D, p: D.Cauchy(p["loc"], p["scale"]), {"loc": real(), "scale": positive()}),
    "Gamma": (lambda D, p: D.Gamma(p["c"], p["r"]), {"c": positive(), "r": positive()}),
    "Chi2": (lambda D, p: D.Chi2(p["df"]), {"df": positive(high=6.0)}),
    "Beta": (lambda D, p: D.Beta(p["a"], p["b"]), {"a": positive(), "b": positive()}),
    "Dirichlet": (lambda D, p: D.Dirichlet(p["c"]), {"c": positive((*B, 4))}),
    "StudentT": (
        lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"]),
        {"df": positive(high=5.0), "loc": real(), "scale": positive()},
    ),
    "LogNormal": (lambda D, p: D.LogNormal(p["loc"], p["scale"]), {"loc": real(), "scale": positive()}),
    "HalfNormal": (lambda D, p: D.HalfNormal(p["scale"]), {"scale": positive()}),
    "HalfCauchy": (lambda D, p: D.HalfCauchy(p["scale"]), {"scale": positive()}),
    "Gumbel": (lambda D, p: D.Gumbel(p["loc"], p["scale"]), {"loc": real(), "scale": positive()}),
    "Pareto": (lambda D, p: D.Pareto(p["scale"], p["alpha"]), {"scale": positive(), "alpha": positive(high=5.0)}),
    "Weibull": (lambda D, p: D.Weibull(p["scale"], p["k"]), {"scale": positive(), "k": positive()}),
    "InverseGamma": (lambda D, p: D.InverseGamma(p["c"], p["r"]), {"c": positive(high=4.0), "r": positive()}),
    "Kumaraswamy": (lambda D, p: D.Kumaraswamy(p["a"], p["b"]), {"a": positive(), "b": positive()}),
    "LogisticNormal": (
        lambda D, p: D.LogisticNormal(p["loc"], p["scale"]),
        {"loc": real((*B, 3)), "scale": positive((*B, 3))},
    ),
    "FisherSnedecor": (
        lambda D, p: D.FisherSnedecor(p["a"], p["b"]), {"a": positive(high=6.0), "b": positive(high=9.0)}
    ),
    "ContinuousBernoulli": (lambda D, p: D.ContinuousBernoulli(p["p"]), {"p": prob()}),
    "ContinuousBernoulliLogits": (lambda D, p: D.ContinuousBernoulli(logits=p["l"]), {"l": real()}),
    "ContinuousBernoulliNearHalf": (lambda D, p: D.ContinuousBernoulli(p["p"]), {"p": RNG.uniform(0.4995, 0.5005, B)}),
    "Bernoulli": (lambda D, p: D.Bernoulli(p["p"]), {"p": prob()}),
    "BernoulliLogits": (lambda D, p: D.Bernoulli(logits=p["l"]), {"l": real()}),
    "Geometric": (lambda D, p: D.Geometric(p["p"]), {"p": prob()}),
    "Poisson": (lambda D, p: D.Poisson(p["rate"]), {"rate": positive(high=8.0)}),
    "Binomial": (lambda D, p: D.Binomial(7, p["p"]), {"p": prob()}),
    "BinomialLogits": (lambda D, p: D.Binomial(5, logits=p["l"]), {"l": real()}),
    "NegativeBinomial": (lambda D, p: D.NegativeBinomial(p["n"], p["p"]), {"n": positive(), "p": prob()}),
    "Categorical": (lambda D, p: D.Categorical(p["p"]), {"p": simplex()}),
    "CategoricalLogits": (lambda D, p: D.Categorical(logits=p["l"]), {"l": real((*B, 4))}),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(p["p"]), {"p": simplex()}),
    "Multinomial": (lambda D, p: D.Multinomial(6, p["p"]), {"p": simplex()}),
    "MultivariateNormalCov": (
        lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=p["cov"]),
        {"loc": real((*B, 3)), "cov": spd()},
    ),
    "MultivariateNormalTril": (
        lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["L"]),
        {"loc": real((*B, 3)), "L": lower()},
    ),
    "MultivariateNormalPrecision": (
        lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["P"]),
        {"loc": real((*B, 3)), "P": spd()},
    ),
    "RelaxedBernoulli": (lambda D, p: D.RelaxedBernoulli(p["t"], p["p"]), {"t": positive(), "p": prob()}),
    "RelaxedOneHotCategorical": (
        lambda D, p: D.RelaxedOneHotCategorical(p["t"], p["p"]),
        {"t": positive(()), "p": simplex()},
    ),
    "IndependentNormal": (
        lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
        {"loc": real(), "scale": positive()},
    ),
    "MixtureSameFamily": (
        lambda D, p: D.MixtureSameFamily(D.Categorical(p["w"]), D.Normal(p["loc"], p["scale"])),
        {"w": simplex(), "loc": real((*B, 4)), "scale": positive((*B, 4))},
    ),
    "TransformedAffineExp": (
        lambda D, p: D.TransformedDistribution(
            D.Normal(p["loc"], p["scale"]),
            [D.transforms.AffineTransform(p["shift"], p["mult"]), D.transforms.ExpTransform()],
        ),
        {"loc": real(), "scale": positive(), "shift": real(), "mult": positive()},
    ),
    "TransformedStickBreaking": (
        lambda D, p: D.TransformedDistribution(
            D.Independent(D.Normal(p["loc"], p["scale"]), 1), D.transforms.StickBreakingTransform()
        ),
        {"loc": real((*B, 3)), "scale": positive((*B, 3))},
    ),
    "TransformedTanhSigmoid": (
        lambda D, p: D.TransformedDistribution(
            D.Normal(p["loc"], p["scale"]), [D.transforms.TanhTransform(), D.transforms.AffineTransform(0.0, 2.0)]
        ),
        {"loc": real(), "scale": positive(high=1.0)},
    ),
}

NO_ENTROPY_GRAD = {"Binomial", "BinomialLogits", "Multinomial"}  # enumerate_support-based entropy


def build(name, lib, grad=True):
    builder, params = CASES[name]
    if lib == "torch":
        tensors = {k: torch.tensor(v, requires_grad=grad) for k, v in params.items()}
        return builder(td, tensors), tensors
    tensors = {k: rg.tensor(v, requires_grad=grad) for k, v in params.items()}
    return builder(rd, tensors), tensors


def to_np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def close(ours, theirs, rtol=1e-7, atol=1e-9):
    np.testing.assert_allclose(to_np(ours), to_np(theirs), rtol=rtol, atol=atol, equal_nan=True)


def value_for(theirs):
    torch.manual_seed(0)
    with torch.no_grad():
        return theirs.sample((2,))


def outcome(fn):
    """fn()'s value, or the exception type it raises."""
    try:
        return fn(), None
    except (NotImplementedError, ValueError) as exc:
        return None, type(exc)


@pytest.mark.parametrize("name", list(CASES))
def test_shapes_and_log_prob(name):
    ours, _ = build(name, "rg", grad=False)
    theirs, _ = build(name, "torch", grad=False)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert ours.has_enumerate_support == theirs.has_enumerate_support
    value = value_for(theirs)
    close(ours.log_prob(rg.tensor(value.numpy())), theirs.log_prob(value), rtol=1e-6)
    assert tuple(ours.sample((5,)).shape) == tuple(theirs.sample((5,)).shape)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("attr", ["mean", "mode", "variance", "stddev", "entropy"])
def test_moments_and_entropy(name, attr):
    ours, _ = build(name, "rg", grad=False)
    theirs, _ = build(name, "torch", grad=False)

    def get(d):
        v = getattr(d, attr)
        return v() if attr == "entropy" else v

    expected, their_error = outcome(lambda: get(theirs))
    got, our_error = outcome(lambda: get(ours))
    assert our_error == their_error
    if their_error is None:
        close(got, expected, rtol=1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_cdf_icdf(name):
    ours, _ = build(name, "rg", grad=False)
    theirs, _ = build(name, "torch", grad=False)
    value = value_for(theirs)
    expected, their_error = outcome(lambda: theirs.cdf(value))
    if their_error is not None:
        with pytest.raises(their_error):
            ours.cdf(rg.tensor(value.numpy()))
        return
    got = ours.cdf(rg.tensor(value.numpy()))
    close(got, expected, rtol=1e-6)
    q = torch.full(theirs.batch_shape, 0.3, dtype=torch.float64)
    expected, their_error = outcome(lambda: theirs.icdf(q))
    if their_error is None:
        close(ours.icdf(rg.tensor(q.numpy())), expected, rtol=1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_gradients(name):
    ours, our_params = build(name, "rg")
    theirs, their_params = build(name, "torch")
    value = value_for(theirs)
    their_loss = theirs.log_prob(value).sum()
    our_loss = ours.log_prob(rg.tensor(value.numpy())).sum()
    if name not in NO_ENTROPY_GRAD:
        entropy, err = outcome(lambda: theirs.entropy())
        if err is None:
            their_loss = their_loss + entropy.sum()
            our_loss = our_loss + ours.entropy().sum()
    keys = list(their_params)
    their_grads = torch.autograd.grad(their_loss, [their_params[k] for k in keys], allow_unused=True)
    our_grads = rg.autograd.grad(our_loss, [our_params[k] for k in keys], allow_unused=True)
    for key, g_ours, g_theirs in zip(keys, our_grads, their_grads):
        if g_theirs is None:
            assert g_ours is None or np.allclose(to_np(g_ours), 0), key
        else:
            close(g_ours, g_theirs, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["Normal", "Gamma", "Dirichlet", "MultivariateNormalTril", "Categorical"])
def test_expand(name):
    ours, _ = build(name, "rg", grad=False)
    theirs, _ = build(name, "torch", grad=False)
    ours_e = ours.expand((4, *B))
    theirs_e = theirs.expand((4, *B))
    assert tuple(ours_e.batch_shape) == tuple(theirs_e.batch_shape)
    value = value_for(theirs_e)
    close(ours_e.log_prob(rg.tensor(value.numpy())), theirs_e.log_prob(value), rtol=1e-6)
