"""float64 a·b + c rounded once, as PyTorch's CPU kernels (FMA instructions) compute `add` with alpha,
`addcmul` and `lerp`, so float64 optimizer steps follow PyTorch's bit for bit.

Rounding twice left a last-bit difference in about one float64 element in ten of `add(alpha=)`, and
in most float64 parameters after seven SGD/Adam steps."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import retrograd as rg
from retrograd.ops.kernels.fused_multiply_add import fma_float64

try:
    import torch
except ImportError:  # pragma: no cover - the comparisons skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


def _exact(a: float, b: float, c: float) -> float:
    return float(Fraction(a) * Fraction(b) + Fraction(c))  # (Fraction → float rounds once, to nearest)


def test_fma_float64_rounds_once():
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(2000) * 10.0 ** rng.integers(-5, 5, 2000) for _ in range(3))
    c[:500] = -(a[:500] * b[:500])  # cancellation: the result is the product's rounding error
    ours = fma_float64(a, b, c)
    np.testing.assert_array_equal(ours, [_exact(*v) for v in zip(a.tolist(), b.tolist(), c.tolist())])
    assert not np.array_equal(ours, a * b + c)


def test_fma_float64_edges_as_plain_arithmetic():
    a = np.array([0.0, -0.0, 1e300, np.inf, np.nan, 2.0, 1e-300])
    b = np.array([-1.0, 1.0, 1e300, 1.0, 1.0, 3.0, 1e-300])
    c = np.array([-0.0, -0.0, 1.0, -np.inf, 0.0, -6.0, 0.0])
    ours = fma_float64(a, b, c)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        np.testing.assert_array_equal(ours, a * b + c)
        assert np.array_equal(np.signbit(ours), np.signbit(a * b + c))


def _bits(t):
    return t.detach().numpy().tobytes().hex()


@needs_torch
def test_float64_add_alpha_addcmul_lerp_match_pytorch():
    g = np.random.default_rng(3)
    a, b, c = (g.standard_normal(67) for _ in range(3))
    for lib in (rg, torch):
        x, y, z = (lib.tensor(v) for v in (a, b, c))
        out = [x.add(y, alpha=0.37), x.sub(y, alpha=0.3), x.addcmul(y, z, value=0.37), x.lerp(y, 0.1), x.lerp(y, 0.8)]
        if lib is rg:
            ours = [_bits(t) for t in out]
        else:
            assert ours == [_bits(t) for t in out]


def _steps(lib, make):
    gen = np.random.default_rng(5)
    start = [gen.standard_normal((3, 4)), gen.standard_normal(5)]
    params = [lib.nn.Parameter(lib.tensor(v)) for v in start]
    opt = make(lib, params)
    for step in range(7):
        for p in params:
            with lib.no_grad():
                p.grad = p * (0.3 * (step + 1)) - 0.2 * p * p * p + 0.1
        opt.step()
    return [_bits(p) for p in params] + [_bits(v) for s in opt.state.values() for v in s.values()]


@needs_torch
@pytest.mark.parametrize("make", [
    lambda lib, ps: lib.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    lambda lib, ps: lib.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, foreach=True),
    lambda lib, ps: lib.optim.Adam(ps, lr=0.01, amsgrad=True),
    lambda lib, ps: lib.optim.NAdam(ps, lr=0.01, weight_decay=0.1, foreach=False),
    lambda lib, ps: lib.optim.Adam(ps, lr=0.01, betas=(0.3, 0.9)),  # lerp's weight 0.7: its mirror form
])
def test_float64_optimizer_steps_match_pytorch(make):
    assert _steps(rg, make) == _steps(torch, make)
