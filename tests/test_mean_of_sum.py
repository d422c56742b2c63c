"""`mean` as PyTorch's CPU kernel takes it: the sum (rounded to the dtype), then divided by the
count in that dtype, so `x.mean() == x.sum() / x.numel()` holds bit for bit (d2l prints both side
by side), and the losses that reduce with the mean (mse, l1, huber, bce) follow it."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.ops.kernels.accumulate import mean_of_sum

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg, pytest.param(torch, marks=pytest.mark.skipif(torch is None, reason="PyTorch is not installed"))]
both = pytest.mark.parametrize("m", LIBS, ids=["retrograd", "torch"])

THREE = [-0.2800000011920929, 1.2899999618530273, 1.0099999904632568]  # float32 values


@both
def test_mean_rounds_the_sum_before_dividing(m):
    x = m.tensor(THREE)
    # one rounding of the float64 quotient would give 0.6733332872390747
    assert x.mean().item() == 0.6733333468437195 == (x.sum() / 3).item()
    assert m.nn.functional.mse_loss(x, m.zeros(3)).item() == ((x * x).sum() / 3).item()


@both
@pytest.mark.parametrize("shape, dim", [((6, 7), None), ((5, 9), 0), ((9, 5), 1), ((2, 3, 4), (0, 2))])
def test_mean_is_the_sum_over_the_count(m, shape, dim):
    m.manual_seed(0)
    x = m.randn(shape)
    dims = tuple(range(len(shape))) if dim is None else (dim if isinstance(dim, tuple) else (dim,))
    count = int(np.prod([shape[d] for d in dims]))
    mean = x.mean() if dim is None else x.mean(dim)
    total = x.sum() if dim is None else x.sum(dim)
    assert mean.tolist() == (total / count).tolist()


def test_mean_of_sum_dtypes_and_empty():
    a = np.array(THREE, np.float32)
    assert mean_of_sum(a, (0,)) == np.float32(0.6733333468437195) and mean_of_sum(a, (0,)).dtype == np.float32
    assert mean_of_sum(a.astype(np.float64), (0,)).dtype == np.float64
    assert np.isnan(mean_of_sum(np.zeros((0, 2), np.float32), (0,))).all()
    z = np.array([1 + 2j, 3 - 1j], np.complex64)
    assert mean_of_sum(z, (0,)) == np.complex64(2 + 0.5j)
