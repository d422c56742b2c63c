"""Transforms against torch.distributions.transforms: forward, inverse, log|det J|, shapes; biject_to/transform_to."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd
from retrograd.distributions import constraints

torch = pytest.importorskip("torch")
td = torch.distributions

RNG = np.random.default_rng(3)
X = RNG.standard_normal((4, 3))
POS = RNG.uniform(0.5, 2.0, (4, 3))

# name: (builder(T, m), input array)
TRANSFORMS = {
    "Exp": (lambda T, m: T.ExpTransform(), X),
    "Power": (lambda T, m: T.PowerTransform(m(1.7)), POS),
    "Sigmoid": (lambda T, m: T.SigmoidTransform(), X),
    "Softplus": (lambda T, m: T.SoftplusTransform(), X),
    "Tanh": (lambda T, m: T.TanhTransform(), X),
    "AffineScalar": (lambda T, m: T.AffineTransform(1.5, -2.0), X),
    "AffineTensor": (lambda T, m: T.AffineTransform(m(X[0]), m(POS[0]), event_dim=1), X),
    "StickBreaking": (lambda T, m: T.StickBreakingTransform(), X),
    "LowerCholesky": (lambda T, m: T.LowerCholeskyTransform(), RNG.standard_normal((2, 3, 3))),
    "CorrCholesky": (lambda T, m: T.CorrCholeskyTransform(), X),
    "Compose": (lambda T, m: T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.ExpTransform()]), X),
    "Independent": (lambda T, m: T.IndependentTransform(T.ExpTransform(), 1), X),
    "Reshape": (lambda T, m: T.ReshapeTransform((3,), (3, 1)), X),
    "InverseExp": (lambda T, m: T.ExpTransform().inv, POS),
    "Cat": (lambda T, m: T.CatTransform([T.ExpTransform(), T.TanhTransform()], dim=1, lengths=[1, 2]), X),
    "Stack": (lambda T, m: T.StackTransform([T.ExpTransform(), T.SigmoidTransform(), T.TanhTransform()], dim=1), X),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_vs_torch(name):
    build, x = TRANSFORMS[name]
    ours = build(rd.transforms, rg.tensor)
    theirs = build(td.transforms, torch.tensor)
    x_ours, x_theirs = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y_ours, y_theirs = ours(x_ours), theirs(x_theirs)
    np.testing.assert_allclose(y_ours.detach().numpy(), y_theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    back = ours.inv(y_ours)
    np.testing.assert_allclose(back.detach().numpy(), theirs.inv(y_theirs).detach().numpy(), rtol=1e-9, atol=1e-12)
    assert ours.bijective == theirs.bijective
    assert ours.domain.event_dim == theirs.domain.event_dim
    assert ours.codomain.event_dim == theirs.codomain.event_dim
    assert tuple(ours.forward_shape(x.shape)) == tuple(theirs.forward_shape(torch.Size(x.shape)))
    assert tuple(ours.inverse_shape(tuple(y_theirs.shape))) == tuple(theirs.inverse_shape(y_theirs.shape))
    if theirs.bijective:
        lad_ours = ours.log_abs_det_jacobian(x_ours, y_ours)
        lad_theirs = theirs.log_abs_det_jacobian(x_theirs, y_theirs)
        np.testing.assert_allclose(lad_ours.detach().numpy(), lad_theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
        (g_ours,) = rg.autograd.grad(lad_ours.sum() + y_ours.sum(), [x_ours])
        (g_theirs,) = torch.autograd.grad(lad_theirs.sum() + y_theirs.sum(), [x_theirs])
        np.testing.assert_allclose(g_ours.numpy(), g_theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_transform_identities_caching_and_repr():
    t = rd.transforms.ExpTransform()
    assert t.inv.inv is t
    assert t == rd.transforms.ExpTransform() and t.inv == rd.transforms.ExpTransform().inv
    cached = t.with_cache(1)
    x = rg.randn(3)
    assert cached(x) is cached(x)
    assert cached.inv(cached(x)) is x
    assert repr(t.inv) == repr(td.transforms.ExpTransform().inv)
    compose = rd.transforms.ComposeTransform([rd.transforms.ExpTransform(), rd.transforms.SigmoidTransform()])
    theirs = td.transforms.ComposeTransform([td.transforms.ExpTransform(), td.transforms.SigmoidTransform()])
    assert repr(compose) == repr(theirs)
    assert rd.transforms.identity_transform(x) is x
    with pytest.raises(NotImplementedError):
        rd.transforms.AbsTransform().sign


CONSTRAINTS = [
    "real",
    "positive",
    "nonnegative",
    "unit_interval",
    "simplex",
    "real_vector",
    "lower_cholesky",
    "positive_definite",
    "corr_cholesky",
]
SPECIAL = [
    lambda c: c.greater_than(2.0),
    lambda c: c.greater_than_eq(-1.0),
    lambda c: c.less_than(3.0),
    lambda c: c.interval(-2.0, 5.0),
    lambda c: c.half_open_interval(0.0, 1.0),
    lambda c: c.independent(c.positive, 1),
]


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
@pytest.mark.parametrize("which", CONSTRAINTS + list(range(len(SPECIAL))))
def test_constraint_registry_vs_torch(registry, which):
    def pick(c):
        return getattr(c, which) if isinstance(which, str) else SPECIAL[which](c)

    ours_c, theirs_c = pick(constraints), pick(td.constraints)
    try:
        theirs = getattr(td, registry)(theirs_c)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            getattr(rd, registry)(ours_c)
        return
    ours = getattr(rd, registry)(ours_c)
    assert type(ours).__name__ == type(theirs).__name__
    shape = theirs.inverse_shape(torch.Size((2, 3, 3))) if theirs_c.event_dim == 2 else (2, 3)
    if which == "corr_cholesky":
        shape = (2, 3)
    x = RNG.standard_normal(tuple(shape))
    y_ours, y_theirs = ours(rg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(y_ours.numpy(), y_theirs.numpy(), rtol=1e-12, atol=1e-14)
    assert bool(ours_c.check(y_ours).all())


def test_transformed_distribution_shapes_and_cdf():
    base = rd.Normal(rg.zeros(2, 3, dtype=rg.float64), 1.0)
    d = rd.TransformedDistribution(base, [rd.transforms.AffineTransform(1.0, -2.0), rd.transforms.ExpTransform()])
    tb = td.Normal(torch.zeros(2, 3, dtype=torch.float64), 1.0)
    t = td.TransformedDistribution(tb, [td.transforms.AffineTransform(1.0, -2.0), td.transforms.ExpTransform()])
    v = torch.tensor(POS[:2])
    np.testing.assert_allclose(d.cdf(rg.tensor(v.numpy())).numpy(), t.cdf(v).numpy(), rtol=1e-12)
    np.testing.assert_allclose(d.icdf(rg.tensor([[0.2]])).numpy(), t.icdf(torch.tensor([[0.2]])).numpy(), rtol=1e-12)
    e = d.expand((4, 2, 3))
    assert e.batch_shape == (4, 2, 3) and e.sample((5,)).shape == (5, 4, 2, 3)
    sb = rd.TransformedDistribution(rd.Normal(rg.zeros(3), 1.0), rd.transforms.StickBreakingTransform())
    assert sb.batch_shape == () and sb.event_shape == (4,)
    assert repr(sb.support) == "Simplex()"
