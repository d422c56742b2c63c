"""`func.hessian` is PyTorch's `jacfwd(jacrev(f))`: forward over reverse, so the result has
PyTorch's layout (the forward-mode columns moved last: a transposed contiguous matrix) and its
rounding. A Newton step that flattens the Hessian with `.view(-1)` raises in PyTorch; it did
not here (the Hessian was `jacrev(jacrev(f))`, contiguous)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import func as rf

try:
    import torch
except ImportError:  # pragma: no cover - PyTorch is optional
    torch = None


def _cubic(m):
    return lambda x: (x**3).sum() + x.prod()


def test_hessian_of_a_vector_input_is_a_transposed_contiguous_matrix():
    h = rf.hessian(_cubic(rg))(rg.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(h.numpy(), [[6.0, 3.0, 2.0], [3.0, 12.0, 1.0], [2.0, 1.0, 18.0]])
    assert h.stride() == (1, 3) and not h.is_contiguous()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        h.view(-1)
    assert rf.hessian(_cubic(rg))(rg.ones(2, 2)).stride() == (2, 1, 8, 4)


def _exp_fit(m):
    t = m.arange(5.0)
    return lambda p: ((p[0] * m.exp(-p[1] * t)) ** 2).sum()


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("shape", [(3,), (2, 2), ()])
def test_hessian_layout_vs_torch(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    ours = rf.hessian(_cubic(rg))(rg.tensor(x))
    theirs = torch.func.hessian(_cubic(torch))(torch.tensor(x))
    assert ours.stride() == theirs.stride() and ours.shape == theirs.shape
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_hessian_of_a_curve_fit_vs_torch():
    p = [1.0, 0.3]
    ours = rf.hessian(_exp_fit(rg))(rg.tensor(p))
    theirs = torch.func.hessian(_exp_fit(torch))(torch.tensor(p))
    assert ours.stride() == theirs.stride()
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
