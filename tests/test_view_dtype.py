"""`Tensor.view(dtype)`: the same memory read as another dtype (bits, not values), with PyTorch's checks."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


def test_view_dtype_reinterprets_the_bits_and_shares_memory():
    x = rg.tensor([1.0, 2.0, 3.0, 4.0])
    bits = x.view(rg.int32)
    assert bits.tolist() == [1065353216, 1073741824, 1077936128, 1082130432]
    bits[0] = 0
    assert x.tolist() == [0.0, 2.0, 3.0, 4.0] and x._version == bits._version
    assert x.view(rg.float64).shape == (2,) and x.view(rg.uint8).shape == (16,)
    assert rg.tensor([1.0, 2.0]).view(rg.complex64).tolist() == [1 + 2j]
    assert not rg.ones(3, requires_grad=True).view(rg.float32).requires_grad  # not differentiable, as in PyTorch


CASES = [
    lambda m: m.ones(3).view(m.float64),
    lambda m: m.ones(4, 2).t().view(m.float64),
    lambda m: m.tensor(1.0).view(m.float64),
    lambda m: m.ones(5)[1:].view(m.float64),
    lambda m: m.ones(4, 3)[:, :2].view(m.float64),
    lambda m: m.ones(2, 4).view(m.int8),
    lambda m: m.tensor([True, False]).view(m.uint8),
    lambda m: m.ones(2, 3).view(m.int16)[:, 1:].view(m.float32),
]


def _outcome(m, case):
    try:
        out = case(m)
        return "ok", np.asarray(out.tolist()).tolist(), tuple(out.shape), out.stride()
    except RuntimeError as e:
        return "RuntimeError", str(e)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("case", range(len(CASES)))
def test_view_dtype_matches_pytorch(case):
    assert _outcome(rg, CASES[case]) == _outcome(torch, CASES[case])
