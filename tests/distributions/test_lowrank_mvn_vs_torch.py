"""LowRankMultivariateNormal against torch: moments, matrices, log_prob, entropy, draws, KL pairs."""

from __future__ import annotations

import re

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd

torch = pytest.importorskip("torch")
td = torch.distributions

RNG = np.random.default_rng(5)
LOC = RNG.standard_normal((2, 4))
W = RNG.standard_normal((2, 4, 2))
DIAG = RNG.uniform(0.5, 2.0, (4,))
VALUE = RNG.standard_normal((3, 2, 4))


def build(lib, grad=False):
    D = rd if lib is rg else td
    params = [lib.tensor(a, requires_grad=grad) for a in (LOC, W, DIAG)]
    return params, D.LowRankMultivariateNormal(*params)


def both(fn):
    return fn(build(rg)[1], rg), fn(build(torch)[1], torch)


@pytest.mark.parametrize(
    "attr", ["mean", "mode", "variance", "stddev", "scale_tril", "covariance_matrix", "precision_matrix", "entropy"]
)
def test_properties_match_torch(attr):
    ours, theirs = both(lambda d, lib: getattr(d, attr)() if attr == "entropy" else getattr(d, attr))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_shapes_and_log_prob_gradients():
    ours_p, ours = build(rg, grad=True)
    theirs_p, theirs = build(torch, grad=True)
    assert ours.batch_shape == (2,) and ours.event_shape == (4,)
    assert tuple(ours.cov_factor.shape) == (2, 4, 2) and tuple(ours.cov_diag.shape) == (2, 4)
    lp = ours.log_prob(rg.tensor(VALUE))
    tlp = theirs.log_prob(torch.tensor(VALUE))
    np.testing.assert_allclose(lp.detach().numpy(), tlp.detach().numpy(), rtol=1e-10)
    for g, tg in zip(rg.autograd.grad(lp.sum(), ours_p), torch.autograd.grad(tlp.sum(), theirs_p)):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-8, atol=1e-10)


def test_seeded_rsample_matches_torch_and_has_gradients():
    ours_p, ours = build(rg, grad=True)
    theirs_p, theirs = build(torch, grad=True)
    rg.manual_seed(3)
    torch.manual_seed(3)
    x, tx = ours.rsample((5,)), theirs.rsample((5,))
    assert tuple(x.shape) == (5, 2, 4)
    np.testing.assert_allclose(x.detach().numpy(), tx.detach().numpy(), rtol=1e-13, atol=1e-14)
    for g, tg in zip(rg.autograd.grad(x.pow(2).sum(), ours_p), torch.autograd.grad(tx.pow(2).sum(), theirs_p)):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12)


def test_expand_and_validation():
    _, d = build(rg)
    e = d.expand((3, 2))
    assert e.batch_shape == (3, 2) and tuple(e.sample().shape) == (3, 2, 4)
    np.testing.assert_allclose(e.log_prob(rg.tensor(VALUE)).numpy(), d.log_prob(rg.tensor(VALUE)).numpy())
    for bad in [
        lambda D, m: D.LowRankMultivariateNormal(m(0.0), m([[1.0]]), m([1.0])),
        lambda D, m: D.LowRankMultivariateNormal(m([0.0, 0.0]), m([1.0, 1.0]), m([1.0, 1.0])),
        lambda D, m: D.LowRankMultivariateNormal(m([0.0, 0.0]), m([[1.0, 1.0, 1.0]]), m([1.0, 1.0])),
        lambda D, m: D.LowRankMultivariateNormal(m([0.0, 0.0]), m([[1.0], [1.0]]), m([1.0, 1.0, 1.0])),
        lambda D, m: D.LowRankMultivariateNormal(m([0.0, 0.0]), m([[1.0], [1.0]]), m([1.0, -1.0])),
        lambda D, m: D.LowRankMultivariateNormal(m([[0.0, 0.0]] * 3), m([[[1.0], [1.0]]] * 2), m([1.0, 1.0])),
    ]:
        with pytest.raises(ValueError) as theirs:
            bad(td, torch.tensor)
        with pytest.raises(ValueError, match=re.escape(str(theirs.value).split(":")[0].split(" with ")[0])):
            bad(rd, rg.tensor)


KL_PAIRS = {
    "lowrank-lowrank": lambda D, p: (D.LowRankMultivariateNormal(*p[:3]), D.LowRankMultivariateNormal(*p[3:6])),
    "lowrank-mvn": lambda D, p: (D.LowRankMultivariateNormal(*p[:3]), D.MultivariateNormal(p[3], p[6])),
    "mvn-lowrank": lambda D, p: (D.MultivariateNormal(p[3], p[6]), D.LowRankMultivariateNormal(*p[:3])),
}
A = RNG.standard_normal((4, 4))
KL_PARAMS = [LOC, W, DIAG, RNG.standard_normal(4), RNG.standard_normal((4, 3)), RNG.uniform(0.5, 2.0, (2, 4)),
             A @ A.T + 4 * np.eye(4)]  # fmt: skip


@pytest.mark.parametrize("pair", list(KL_PAIRS))
def test_kl_pairs_match_torch(pair):
    results = []
    for lib, D in ((rg, rd), (torch, td)):
        params = [lib.tensor(a, requires_grad=True) for a in KL_PARAMS]
        kl = D.kl_divergence(*KL_PAIRS[pair](D, params))
        grads = (rg if lib is rg else torch).autograd.grad(kl.sum(), params, allow_unused=True)
        results.append((kl.detach().numpy(), [None if g is None else g.numpy() for g in grads]))
    (kl, grads), (tkl, tgrads) = results
    assert kl.shape == tkl.shape == (2,)
    np.testing.assert_allclose(kl, tkl, rtol=1e-10)
    for g, tg in zip(grads, tgrads):
        if tg is not None:
            np.testing.assert_allclose(g, tg, rtol=1e-8, atol=1e-10)


def test_kl_event_shape_mismatch():
    p = rd.LowRankMultivariateNormal(rg.zeros(2), rg.ones(2, 1), rg.ones(2))
    q = rd.LowRankMultivariateNormal(rg.zeros(3), rg.ones(3, 1), rg.ones(3))
    with pytest.raises(ValueError, match="different event shapes"):
        rd.kl_divergence(p, q)
