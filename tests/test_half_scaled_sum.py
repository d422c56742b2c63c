"""float16/bfloat16 `add`/`sub` with alpha and `_foreach_mul_` by a number, as PyTorch's CPU kernels compute
them: alpha (or the factor) rounded to the half dtype first; one fused multiply-add in float32 in the
vectorized loop, but alpha·b rounded to the half dtype before the sum in the scalar tail (the last
`n % 32` elements with AVX-512, `n % 16` with AVX2). Half-precision SGD/Adam steps go through both."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

from .torch_machine import AVX2_ROUNDING, avx512_kernels

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None


def test_bfloat16_add_alpha_vector_body_and_scalar_tail():
    x = rg.full((33,), 0.25, dtype=rg.bfloat16)
    y = rg.full((33,), 1.046875, dtype=rg.bfloat16)
    r = x.add(y, alpha=0.3)  # alpha held as bfloat16 0.30078125
    # body: 0.25 + 0.30078125 * 1.046875 = 0.56488... rounded once; tail: the product rounded to 0.31640625 first
    assert r[:32].tolist() == [0.56640625] * 32
    assert r[32].item() == 0.5625
    inplace = x.clone()
    inplace.add_(y, alpha=0.3)
    assert rg.equal(inplace, r)
    assert x.sub(y, alpha=-0.3).tolist() == r.tolist()


def test_foreach_mul_in_place_rounds_the_number_to_the_half_dtype():
    t = [rg.full((3,), 3.0, dtype=rg.bfloat16)]
    rg._foreach_mul_(t, 0.3)
    assert t[0].tolist() == [0.90234375] * 3  # 3 * bfloat16(0.3)
    assert rg.full((3,), 3.0, dtype=rg.bfloat16).mul_(0.3).tolist() == [0.8984375] * 3  # mul_ keeps float32 0.3
    assert rg._foreach_mul([rg.full((3,), 3.0, dtype=rg.bfloat16)], 0.3)[0].tolist() == [0.8984375] * 3


def _half_results(m, dtype, n, alpha, seed):
    rng = np.random.default_rng(seed)
    a = m.tensor(rng.standard_normal(n), dtype=m.float32).to(getattr(m, dtype))
    b = m.tensor(rng.standard_normal(n), dtype=m.float32).to(getattr(m, dtype))
    inplace = a.clone()
    inplace.add_(b, alpha=alpha)
    scaled = [a.clone()]
    m._foreach_mul_(scaled, alpha)
    outs = [a.add(b, alpha=alpha), a.sub(b, alpha=alpha), inplace, scaled[0],
            m.add(a.view(-1, 1), b.view(-1, 1), alpha=alpha)]
    return [o.float().numpy() for o in outs]


@pytest.mark.parametrize("n", [1, 20, 33, 64, 1000, 40001, 100003])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("alpha", [0.3, -0.05, 1 / 3])
def test_half_add_alpha_and_foreach_mul_vs_torch(n, dtype, alpha):
    if torch is None:
        pytest.skip("PyTorch not installed")
    if not avx512_kernels():
        pytest.skip(AVX2_ROUNDING)
    for ours, theirs in zip(_half_results(rg, dtype, n, alpha, n), _half_results(torch, dtype, n, alpha, n)):
        np.testing.assert_array_equal(ours, theirs)


def _optimizer_run(m, name, dtype, foreach):
    rng = np.random.default_rng(3)
    p = m.tensor(rng.standard_normal(200), dtype=m.float32).to(getattr(m, dtype)).requires_grad_()
    if name == "sgd":
        opt = m.optim.SGD([p], lr=0.05, momentum=0.9, nesterov=foreach, foreach=foreach)
    else:
        opt = m.optim.AdamW([p], lr=0.01, weight_decay=0.1, foreach=foreach)
    for _ in range(4):
        p.grad = m.tensor(rng.standard_normal(200), dtype=m.float32).to(getattr(m, dtype))
        opt.step()
    return [p.detach().float().numpy()] + [v.float().numpy() for v in opt.state[p].values()]


@pytest.mark.parametrize("name", ["sgd", "adamw"])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("foreach", [False, True])
def test_half_parameter_optimizer_steps_vs_torch(name, dtype, foreach):
    if torch is None:
        pytest.skip("PyTorch not installed")
    ours, theirs = _optimizer_run(rg, name, dtype, foreach), _optimizer_run(torch, name, dtype, foreach)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def _adam_float16_underflow(m):
    p = m.tensor([1.0, -2.0, 0.5], dtype=m.float16, requires_grad=True)
    opt = m.optim.Adam([p], lr=1e-3, eps=1e-8)  # eps is 0 in float16: a zero gradient divides 0 by 0
    p.grad = m.tensor([1e-4, 0.0, -3.0], dtype=m.float16)
    opt.step()
    return p.detach().float().numpy()


def test_float16_adam_zero_denominator_gives_nan_without_numpy_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = _adam_float16_underflow(rg)
    assert np.isneginf(values[0]) and np.isnan(values[1])  # 1e-4 squared underflows to 0 too: -1e-4/0
    assert values[2] == np.float16(0.5010)


def test_float16_adam_zero_denominator_vs_torch():
    if torch is None:
        pytest.skip("PyTorch not installed")
    np.testing.assert_array_equal(_adam_float16_underflow(rg), _adam_float16_underflow(torch))


def test_half_times_zero_dim_tensor_reads_its_number_in_float32():
    x = rg.full((4,), 3.0, dtype=rg.bfloat16)
    assert (x * rg.tensor(0.3)).tolist() == [0.8984375] * 4  # 3 * 0.3 in float32, rounded once
    assert (rg.tensor(0.3) * x).tolist() == [0.90234375] * 4  # a first factor is rounded to bfloat16 first
    assert (x / rg.tensor(0.3)).tolist() == (x / 0.3).tolist()
    assert (x * rg.tensor(0.3)).dtype == rg.bfloat16


def _zero_dim_products(m, dtype):
    rng = np.random.default_rng(5)
    a = m.tensor(rng.standard_normal(100), dtype=m.float32).to(getattr(m, dtype))
    inplace = a.clone()
    inplace.mul_(m.tensor(0.9))
    outs = [a * m.tensor(0.9), m.tensor(0.9, dtype=m.float64) * a, a / m.tensor(0.3), inplace, a * m.tensor(3)]
    return [o.float().numpy() for o in outs]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_times_zero_dim_tensor_vs_torch(dtype):
    if torch is None:
        pytest.skip("PyTorch not installed")
    for ours, theirs in zip(_zero_dim_products(rg, dtype), _zero_dim_products(torch, dtype)):
        np.testing.assert_array_equal(ours, theirs)
