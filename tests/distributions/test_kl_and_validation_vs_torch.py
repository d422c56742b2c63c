"""kl_divergence against torch (values and gradients), the registry's dispatch, and argument validation."""

from __future__ import annotations

import re

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd
from retrograd.distributions import constraints

torch = pytest.importorskip("torch")
td = torch.distributions


@pytest.fixture(autouse=True)
def _torch_validates():
    """PyTorch's `torch.compile` turns argument validation off for the whole process (dynamo's patching
    calls `Distribution.set_default_validate_args(False)`): a comparison test that ran it earlier would
    leave PyTorch's distributions unchecked here."""
    before = td.Distribution._validate_args
    td.Distribution.set_default_validate_args(True)
    yield
    td.Distribution.set_default_validate_args(before)

RNG = np.random.default_rng(7)


def pos(*shape):
    return RNG.uniform(0.5, 2.5, shape)


def rl(*shape):
    return RNG.standard_normal(shape)


def unit(*shape):
    return RNG.uniform(0.1, 0.9, shape)


def smplx(*shape):
    x = RNG.uniform(0.2, 1.0, shape)
    return x / x.sum(-1, keepdims=True)


def spd(n):
    a = RNG.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


# name: (builder(D, params) -> (p, q), params)
KL_CASES = {
    "Normal": (lambda D, a: (D.Normal(a[0], a[1]), D.Normal(a[2], a[3])), [rl(3), pos(3), rl(3), pos(3)]),
    "Bernoulli": (lambda D, a: (D.Bernoulli(a[0]), D.Bernoulli(a[1])), [unit(3), unit(3)]),
    "Categorical": (lambda D, a: (D.Categorical(a[0]), D.Categorical(a[1])), [smplx(2, 4), smplx(2, 4)]),
    "OneHotCategorical": (
        lambda D, a: (D.OneHotCategorical(a[0]), D.OneHotCategorical(a[1])),
        [smplx(2, 4), smplx(2, 4)],
    ),
    "Beta": (lambda D, a: (D.Beta(a[0], a[1]), D.Beta(a[2], a[3])), [pos(3), pos(3), pos(3), pos(3)]),
    "Gamma": (lambda D, a: (D.Gamma(a[0], a[1]), D.Gamma(a[2], a[3])), [pos(3), pos(3), pos(3), pos(3)]),
    "Dirichlet": (lambda D, a: (D.Dirichlet(a[0]), D.Dirichlet(a[1])), [pos(2, 3), pos(2, 3)]),
    "Exponential": (lambda D, a: (D.Exponential(a[0]), D.Exponential(a[1])), [pos(3), pos(3)]),
    "Laplace": (lambda D, a: (D.Laplace(a[0], a[1]), D.Laplace(a[2], a[3])), [rl(3), pos(3), rl(3), pos(3)]),
    "Poisson": (lambda D, a: (D.Poisson(a[0]), D.Poisson(a[1])), [pos(3), pos(3)]),
    "Geometric": (lambda D, a: (D.Geometric(a[0]), D.Geometric(a[1])), [unit(3), unit(3)]),
    "Gumbel": (lambda D, a: (D.Gumbel(a[0], a[1]), D.Gumbel(a[2], a[3])), [rl(3), pos(3), rl(3), pos(3)]),
    "Cauchy": (lambda D, a: (D.Cauchy(a[0], a[1]), D.Cauchy(a[2], a[3])), [rl(3), pos(3), rl(3), pos(3)]),
    "HalfNormal": (lambda D, a: (D.HalfNormal(a[0]), D.HalfNormal(a[1])), [pos(3), pos(3)]),
    "LogNormal": (lambda D, a: (D.LogNormal(a[0], a[1]), D.LogNormal(a[2], a[3])), [rl(3), pos(3), rl(3), pos(3)]),
    "Pareto": (lambda D, a: (D.Pareto(a[0], a[1]), D.Pareto(a[2], a[3])), [pos(3), pos(3), pos(3) / 3, pos(3)]),
    "Binomial": (lambda D, a: (D.Binomial(6, a[0]), D.Binomial(6, a[1])), [unit(3), unit(3)]),
    "Uniform": (
        lambda D, a: (D.Uniform(a[0], a[0] + 1), D.Uniform(a[0] - a[1], a[0] + 1 + a[1])),
        [rl(3), pos(3)],
    ),
    "UniformNormal": (
        lambda D, a: (D.Uniform(a[0], a[0] + a[1]), D.Normal(a[2], a[3])),
        [rl(3), pos(3), rl(3), pos(3)],
    ),
    "ExponentialNormal": (lambda D, a: (D.Exponential(a[0]), D.Normal(a[1], a[2])), [pos(3), rl(3), pos(3)]),
    "NormalLaplace": (lambda D, a: (D.Normal(a[0], a[1]), D.Laplace(a[2], a[3])), [rl(3), pos(3), rl(3), pos(3)]),
    "MultivariateNormal": (
        lambda D, a: (D.MultivariateNormal(a[0], a[1]), D.MultivariateNormal(a[2], a[3])),
        [rl(2, 3), spd(3), rl(3), spd(3)],
    ),
    "Independent": (
        lambda D, a: (D.Independent(D.Normal(a[0], a[1]), 1), D.Independent(D.Normal(a[2], a[3]), 1)),
        [rl(2, 3), pos(2, 3), rl(2, 3), pos(2, 3)],
    ),
    "ExpFamilyBregmanContinuousPoisson": (
        lambda D, a: (D.Poisson(a[0]), D.Poisson(a[1])),
        [pos(3), pos(3)],
    ),
}


@pytest.mark.parametrize("name", list(KL_CASES))
def test_kl_values_and_gradients_vs_torch(name):
    build, arrays = KL_CASES[name]
    ours_params = [rg.tensor(a, requires_grad=True) for a in arrays]
    theirs_params = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours = rd.kl_divergence(*build(rd, ours_params))
    theirs = td.kl_divergence(*build(td, theirs_params))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-7, atol=1e-10)
    ours_g = rg.autograd.grad(ours.sum(), ours_params, allow_unused=True)
    theirs_g = torch.autograd.grad(theirs.sum(), theirs_params, allow_unused=True)
    for g_ours, g_theirs in zip(ours_g, theirs_g):
        if g_theirs is None:
            continue
        np.testing.assert_allclose(g_ours.numpy(), g_theirs.numpy(), rtol=1e-6, atol=1e-9)


def test_bregman_kl_matches_closed_form():
    from retrograd.distributions.kl import _kl_expfamily_expfamily

    p, q = rd.Gamma(rg.tensor([2.0, 3.0]), 1.5), rd.Gamma(rg.tensor([1.0, 4.0]), 0.5)
    np.testing.assert_allclose(
        _kl_expfamily_expfamily(p, q).detach().numpy(), rd.kl_divergence(p, q).numpy(), rtol=1e-5
    )


def test_kl_registry_dispatch_and_errors():
    with pytest.raises(
        NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p type Cauchy and q type Laplace"
    ):
        rd.kl_divergence(rd.Cauchy(1.0, 2.0), rd.Laplace(0.0, 1.0))
    with pytest.raises(NotImplementedError, match="cross KL-divergence between different exponential families"):
        rd.kl_divergence(rd.Beta(1.0, 2.0), rd.Poisson(1.0))
    with pytest.raises(TypeError, match="issubclass\\(\\) arg 1 must be a class"):
        rd.register_kl(3, rd.Normal)  # PyTorch's check fails only for a non-class, in `issubclass`

    class MyNormal(rd.Normal):
        pass

    p, q = MyNormal(0.0, 1.0), rd.Normal(1.0, 1.0)
    assert float(rd.kl_divergence(p, q)) == pytest.approx(0.5)  # the Normal/Normal entry, by subclass

    @rd.register_kl(MyNormal, rd.Normal)
    def _custom(p, q):
        return rg.tensor(42.0)

    assert float(rd.kl_divergence(p, q)) == 42.0  # the more specific entry wins, memo cleared
    assert float(rd.kl_divergence(q, q)) == 0.0


def message_pattern(theirs_message):
    """torch's message with dtype/repr differences made wildcards."""
    return re.escape(theirs_message.split("\n")[0]).replace("torch\\.", "(torch|retrograd)\\.")


VALIDATION_CASES = [
    ("Normal scale", lambda D, m: D.Normal(m([0.0]), m([-1.0]))),
    ("Normal loc nan", lambda D, m: D.Normal(m([float("nan")]), m([1.0]))),
    ("Beta", lambda D, m: D.Beta(m([0.0]), m([1.0]))),
    ("Categorical both", lambda D, m: D.Categorical(probs=m([0.5, 0.5]), logits=m([0.0, 0.0]))),
    ("Categorical none", lambda D, m: D.Categorical()),
    ("Categorical scalar", lambda D, m: D.Categorical(m(0.5))),
    ("Categorical simplex", lambda D, m: D.Categorical(m([0.5, -0.5]))),
    ("Bernoulli range", lambda D, m: D.Bernoulli(m([1.5]))),
    ("Uniform order", lambda D, m: D.Uniform(m([1.0]), m([0.0]))),
    ("Dirichlet dim", lambda D, m: D.Dirichlet(m(1.0))),
    ("MVN loc dim", lambda D, m: D.MultivariateNormal(m(0.0), m([[1.0]]))),
    ("MVN two mats", lambda D, m: D.MultivariateNormal(m([0.0]), m([[1.0]]), scale_tril=m([[1.0]]))),
    ("MVN not pd", lambda D, m: D.MultivariateNormal(m([0.0, 0.0]), m([[1.0, 2.0], [2.0, 1.0]]))),
    ("Binomial count", lambda D, m: D.Binomial(m([2.5]), m([0.5]))),
    ("Geometric zero", lambda D, m: D.Geometric(m([0.0]))),
    ("Multinomial count", lambda D, m: D.Multinomial(m(3.0), m([0.5, 0.5]))),
    ("Independent ndims", lambda D, m: D.Independent(D.Normal(m([0.0]), m([1.0])), 2)),
    ("Mixture type", lambda D, m: D.MixtureSameFamily(D.Normal(m([0.0]), m([1.0])), D.Normal(m([0.0]), m([1.0])))),
    ("Mixture count", lambda D, m: D.MixtureSameFamily(D.Categorical(m([0.5, 0.5])), D.Normal(m([0.0]), m([1.0])))),
    ("Transformed type", lambda D, m: D.TransformedDistribution(D.Normal(m([0.0]), m([1.0])), "exp")),
    ("log_prob not tensor", lambda D, m: D.Normal(m([0.0]), m([1.0])).log_prob(0.5)),
    ("log_prob support", lambda D, m: D.Exponential(m([1.0])).log_prob(m([-1.0]))),
    ("log_prob event", lambda D, m: D.Dirichlet(m([1.0, 1.0])).log_prob(m([0.2, 0.3, 0.5]))),
    ("log_prob broadcast", lambda D, m: D.Normal(m([0.0, 1.0]), 1.0).log_prob(m([0.0, 1.0, 2.0]))),
    ("log_prob categorical", lambda D, m: D.Categorical(m([0.5, 0.5])).log_prob(m(2))),
    ("Poisson rate", lambda D, m: D.Poisson(m([-1.0]))),
    ("Gamma conc", lambda D, m: D.Gamma(m([-1.0]), m([1.0]))),
    ("StudentT df", lambda D, m: D.StudentT(m([0.0]))),
    ("Binomial entropy inhomogeneous", lambda D, m: D.Binomial(m([2.0, 3.0]), m([0.5, 0.5])).entropy()),
    ("transform cache", lambda D, m: D.transforms.ExpTransform(cache_size=2)),
    ("Reshape numel", lambda D, m: D.transforms.ReshapeTransform((2, 3), (5,))),
]


@pytest.mark.parametrize("label, build", VALIDATION_CASES, ids=[c[0] for c in VALIDATION_CASES])
def test_validation_errors_match_torch(label, build):
    with pytest.raises(Exception) as theirs:
        build(td, torch.tensor)
    with pytest.raises(theirs.type, match=message_pattern(str(theirs.value))):
        build(rd, rg.tensor)


def test_validate_args_switches():
    rd.Normal(0.0, -1.0, validate_args=False)  # no check
    assert rd.Distribution._validate_args is True
    try:
        rd.Distribution.set_default_validate_args(False)
        d = rd.Normal(0.0, -1.0)
        assert not d._validate_args
    finally:
        rd.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        rd.Distribution.set_default_validate_args("yes")
    # expand keeps the instance's choice and does not re-check
    d = rd.Normal(rg.zeros(2), rg.ones(2), validate_args=False).expand((3, 2))
    assert d.batch_shape == (3, 2) and d._validate_args is False


def test_subclass_with_custom_init_must_define_expand():
    class Shifted(rd.Normal):
        def __init__(self, loc):
            super().__init__(loc, 1.0)

    with pytest.raises(NotImplementedError, match="Subclass Shifted of Normal that defines a custom __init__"):
        Shifted(rg.zeros(2)).expand((3, 2))


def test_reprs_and_constraints_match_torch():
    ours = rd.Normal(rg.tensor([0.0, 1.0]), 1.0)
    theirs = td.Normal(torch.tensor([0.0, 1.0]), 1.0)
    assert repr(ours).replace("retrograd", "torch") == repr(theirs)
    assert repr(rd.Normal(0.0, 1.0)) == repr(td.Normal(0.0, 1.0))
    for name in td.constraints.__all__:
        ours_c, theirs_c = getattr(constraints, name), getattr(td.constraints, name)
        if isinstance(theirs_c, td.constraints.Constraint):
            assert repr(ours_c) == repr(theirs_c), name
            assert ours_c.is_discrete == theirs_c.is_discrete if name != "dependent" else True
    for ours_c, theirs_c in [
        (rd.Uniform(0.0, 2.0).support, td.Uniform(0.0, 2.0).support),
        (rd.Categorical(rg.ones(3)).support, td.Categorical(torch.ones(3)).support),
        (
            rd.Independent(rd.Normal(rg.zeros(2), 1.0), 1).support,
            td.Independent(td.Normal(torch.zeros(2), 1.0), 1).support,
        ),
    ]:
        assert repr(ours_c).replace("tensor", "") == repr(theirs_c).replace("tensor", "")


CHECKS = [
    ("positive", [[-1.0, 0.0, 2.0]]),
    ("unit_interval", [[-0.1, 0.5, 1.0]]),
    ("simplex", [[0.2, 0.8], [0.5, 0.6]]),
    ("real_vector", [[0.0, float("nan")], [1.0, 2.0]]),
    ("boolean", [[0.0, 1.0, 0.5]]),
    ("nonnegative_integer", [[0.0, 1.0, 1.5, -1.0]]),
    ("one_hot", [[0.0, 1.0], [1.0, 1.0]]),
    ("lower_cholesky", [[[1.0, 0.0], [2.0, 3.0]], [[1.0, 1.0], [0.0, 1.0]]]),
    ("positive_definite", [[[2.0, 0.5], [0.5, 1.0]], [[1.0, 2.0], [2.0, 1.0]]]),
    ("corr_cholesky", [[[1.0, 0.0], [0.6, 0.8]], [[1.0, 0.0], [0.5, 0.5]]]),
    ("symmetric", [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 2.0], [3.0, 1.0]]]),
]


@pytest.mark.parametrize("name, values", CHECKS, ids=[c[0] for c in CHECKS])
def test_constraint_checks_match_torch(name, values):
    ours = getattr(constraints, name).check(rg.tensor(values, dtype=rg.float64))
    theirs = getattr(td.constraints, name).check(torch.tensor(values, dtype=torch.float64))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
