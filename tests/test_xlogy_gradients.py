"""xlogy / xlog1py gradients where x = 0: zero only where the output is pinned (y <= 0, y <= -1).

The Dirichlet/Beta/Gamma log-densities use xlogy, so a concentration of exactly 1 (the uniform
prior) needs the log y term. Expected values are PyTorch 2.13's.
"""

import math

import pytest

import retrograd as rg

NAN = float("nan")


def _grads(op, shift):
    a = rg.tensor([0.0, 1.0, 0.0, 0.0, 0.0, 2.0], dtype=rg.float64, requires_grad=True)
    b = rg.tensor([0.3, 2.0, -1.0, 0.0, NAN, 0.0], dtype=rg.float64, requires_grad=True)
    weights = rg.tensor([1.0, -2.0, 3.0, -1.0, 1.0, 1.0], dtype=rg.float64)
    (ga,) = rg.autograd.grad((op(a, b + shift) * weights).sum(), a, create_graph=True)
    return ga, a, b


def _same(values, expected):
    assert len(values) == len(expected)
    for v, e in zip(values, expected):
        if math.isnan(e):
            assert math.isnan(v)
        else:
            assert v == pytest.approx(e) and math.copysign(1, v) == math.copysign(1, e)


def test_xlogy_gradient_at_zero_x():
    ga, a, b = _grads(rg.xlogy, 0.0)
    _same(ga.tolist(), [math.log(0.3), -2 * math.log(2.0), 0.0, 0.0, NAN, -math.inf])
    (gb,) = rg.autograd.grad(ga.sum(), b)
    _same(gb.tolist()[:3], [1 / 0.3, -1.0, -0.0])


def test_xlog1py_gradient_at_zero_x():
    ga, _, _ = _grads(rg.special.xlog1py, -0.5)
    _same(ga.tolist(), [math.log1p(-0.2), -2 * math.log1p(1.5), 0.0, math.log(2.0), NAN, -math.log(2.0)])


def test_dirichlet_with_unit_concentration_has_the_log_term():
    c = rg.ones(3, requires_grad=True)
    rg.distributions.Dirichlet(c).log_prob(rg.tensor([0.2, 0.5, 0.3])).backward()
    assert c.grad.tolist() == pytest.approx([-0.1094, 0.8069, 0.2960], abs=1e-4)
