"""Multinomial.entropy keeps PyTorch's float32 log-factorial of the total count, even for float64 probs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd
from retrograd.distributions import Multinomial

try:
    import torch
except ImportError:
    torch = None

PROBS = [0.3, 0.6, 0.1]


def _entropy(module, dtype_name):
    probs = module.tensor(PROBS, dtype=getattr(module, dtype_name))
    return module.distributions.Multinomial(5, probs=probs).entropy()


def test_float64_entropy_uses_a_float32_log_factorial_of_the_count():
    h = _entropy(retrograd, "float64")
    assert h.dtype == retrograd.float64
    p = np.array(PROBS)
    # H = n·H(cat) - log n! + Σ_k Σ_{x=1..n} Binomial(x; n, p_k) log x!
    log_n_factorial = float(np.float32(math.lgamma(6)))  # PyTorch: lgamma of an int64 count is float32
    binomial = [[math.comb(5, x) * q**x * (1 - q) ** (5 - x) for q in p] for x in range(1, 6)]
    term2 = sum(b * math.lgamma(x + 1) for x, row in zip(range(1, 6), binomial) for b in row)
    expected = 5 * float(-(p * np.log(p)).sum()) - log_n_factorial + term2
    assert abs(h.item() - expected) < 1e-12
    assert abs(h.item() - (expected + log_n_factorial - math.lgamma(6))) > 1e-8  # the float32 step shows


@pytest.mark.pytorch
@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_entropy_matches_pytorch(dtype_name):
    ours, theirs = _entropy(retrograd, dtype_name), _entropy(torch, dtype_name)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    tol = 1e-14 if dtype_name == "float64" else 1e-6  # float32: lgamma's last bit may differ
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=tol)
    assert isinstance(Multinomial(2, retrograd.ones(2)).entropy(), retrograd.Tensor)
