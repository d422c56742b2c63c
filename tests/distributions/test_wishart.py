"""Wishart: Bartlett-decomposition draws (PyTorch's, redraw included), densities, entropy, gradients."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import retrograd
from retrograd.distributions import Wishart

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

COV = [[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]]


def test_log_prob_of_the_identity_scale_is_the_closed_form():
    # X ~ W(ν, I_p): log p = (ν-p-1)/2 log|X| - tr X / 2 - νp/2 log 2 - log Γ_p(ν/2)
    nu, p = 5.0, 3
    X = np.array(COV) * 2
    log_gamma_p = p * (p - 1) / 4 * math.log(math.pi) + sum(math.lgamma(nu / 2 - i / 2) for i in range(p))
    expected = (nu - p - 1) / 2 * np.linalg.slogdet(X)[1] - np.trace(X) / 2 - nu * p / 2 * math.log(2) - log_gamma_p
    d = Wishart(
        retrograd.tensor(nu, dtype=retrograd.float64), covariance_matrix=retrograd.eye(3, dtype=retrograd.float64)
    )
    assert d.log_prob(retrograd.tensor(X)).item() == pytest.approx(expected, rel=1e-12)
    assert d.mean.tolist() == (np.eye(3) * nu).tolist()
    assert d.entropy().item() == pytest.approx(retrograd.distributions.ExponentialFamily.entropy(d).item(), rel=1e-9)


def test_draws_are_positive_definite_and_redrawn_with_pytorchs_warning():
    retrograd.manual_seed(0)
    d = Wishart(retrograd.tensor([5.0, 6.0]), covariance_matrix=retrograd.tensor(COV))
    with pytest.warns(UserWarning, match="^Singular sample detected.$"):
        sample = d.rsample((4,))
    assert sample.shape == (4, 2, 3, 3) and bool(d.support.check(sample).all())
    assert d.expand((3, 2)).sample().shape == (3, 2, 3, 3)
    with pytest.raises(ValueError, match=r"^Value of df=1.5 expected to be greater than ndim - 1 = 2.$"):
        Wishart(1.5, covariance_matrix=retrograd.tensor(COV))
    with pytest.warns(UserWarning, match="^Low df values detected"):
        Wishart(2.5, covariance_matrix=retrograd.tensor(COV))
    with pytest.raises(AssertionError, match="Exactly one of covariance_matrix"):
        Wishart(4.0)


def _calls(m):
    m.manual_seed(29)
    df = m.tensor(5.0, requires_grad=True)
    cov = m.tensor(COV, dtype=m.float64)
    L = m.linalg.cholesky(cov).detach().requires_grad_(True)
    d = m.distributions.Wishart(df.double(), scale_tril=L)
    batch = m.distributions.Wishart(m.tensor([5.0, 7.0]), precision_matrix=m.linalg.inv(m.tensor(COV)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # one draw: PyTorch's redraw writes through a boolean mask it then changes in place, so
        # backward through a batch of draws raises there (retrograd's index keys are copies)
        x = d.rsample()
        draws = batch.sample((2,))
    loss = x.diagonal(dim1=-2, dim2=-1).sum() + d.log_prob(cov * 3) + d.entropy()
    loss.backward()
    return [x, draws, loss, df.grad, L.grad, batch.log_prob(m.tensor(COV) * 2), batch.entropy(), batch.variance]


@needs_torch
def test_draws_densities_and_gradients_match_pytorch():
    for ours, theirs in zip(_calls(retrograd), _calls(torch)):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
