"""`retrograd._standard_gamma`, `_sample_dirichlet` and their gradient kernels (PyTorch's private samplers).

Pyro-style code calls `torch._standard_gamma(alpha)` for reparameterised Gamma draws; the
draws are PyTorch's after the same seed, the gradient its `_standard_gamma_grad`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg


def test_standard_gamma_draws_and_gradient():
    rg.manual_seed(0)
    alpha = rg.tensor([0.5, 2.0], requires_grad=True)
    x = rg._standard_gamma(alpha)
    assert x.tolist() == [0.0007893581641837955, 0.6315405964851379]  # PyTorch's draws after manual_seed(0)
    assert x.grad_fn.name() == "StandardGammaBackward0"
    x.sum().backward()
    assert alpha.grad.tolist() == [0.011342937126755714, 0.57441246509552]
    assert rg._standard_gamma_grad(alpha.detach(), x.detach()).tolist() == alpha.grad.tolist()
    (grad,) = rg.autograd.grad(rg._standard_gamma(alpha).sum(), alpha, create_graph=True)
    with pytest.raises(NotImplementedError, match="the derivative for '_standard_gamma_grad' is not implemented."):
        grad.sum().backward()


def test_sample_dirichlet_and_dirichlet_grad():
    gen = rg.Generator().manual_seed(1)
    alpha = rg.tensor([[0.5, 2.0, 1.0]], dtype=rg.float64, requires_grad=True)
    d = rg._sample_dirichlet(alpha, gen)
    assert d.tolist() == [[0.205335694938655, 0.49963648414989137, 0.29502782091145363]]
    assert d.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::_sample_dirichlet is not implemented"):
        d.sum().backward()
    x, a, total = rg.tensor([0.2, 0.5, 0.3]), rg.tensor([0.5, 2.0, 1.0]), rg.tensor([3.5, 3.5, 3.5])
    assert rg._dirichlet_grad(x, a, total).tolist() == [0.49978259205818176, 0.31828227639198303, 0.37801405787467957]


def test_degenerate_concentrations_give_the_smallest_normal():
    # C++'s sampler takes sqrt of a negative (nan) and std::max(tiny, nan) gives tiny; it used to
    # raise "math domain error" (α < 0) or loop forever (nan)
    tiny = float(np.finfo(np.float32).tiny)
    assert rg._standard_gamma(rg.tensor([0.0, -1.0, math.nan])).tolist() == [tiny] * 3
    below_one = float(np.nextafter(np.float32(1), np.float32(0)))  # PyTorch's clamp of the ratios
    assert rg._sample_dirichlet(rg.tensor([-1.0, 1.0])).tolist() == [tiny, below_one]
    with pytest.raises(NotImplementedError, match="\"gamma_cpu\" not implemented for 'Long'"):
        rg._standard_gamma(rg.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="\"dirichlet\" not implemented for 'Long'"):
        rg._sample_dirichlet(rg.tensor([1, 2]))


def _samplers(lib):
    lib.manual_seed(3)
    alpha = lib.tensor([[0.3, 1.0, 4.5], [0.0, 2.0, 7.0]], requires_grad=True)
    x = lib._standard_gamma(alpha)
    (grad,) = lib.autograd.grad(x.sum(), alpha)
    d = lib._sample_dirichlet(alpha.detach().double() + 0.1)
    after = lib.rand(2)  # the generator is left where PyTorch's is
    return [t.detach().numpy() for t in (x, grad, d, after)]


def test_private_samplers_vs_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_samplers(rg), _samplers(torch)):
        np.testing.assert_array_equal(ours, theirs)
