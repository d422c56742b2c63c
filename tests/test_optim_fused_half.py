"""Adam/AdamW with fused=True on float16/bfloat16 parameters run PyTorch's fused CPU kernel: the whole
update in float32, the moments and the parameter rounded once each when stored.

They used to run the single-tensor update, which rounds to the half dtype after every in-place op, so a
bfloat16 nanoGPT trained with `AdamW(..., fused=True)` drifted from PyTorch's by an ulp per step."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - the comparisons skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

CASES = [
    ("AdamW", {"weight_decay": 0.1}),
    ("Adam", {"weight_decay": 0.01, "amsgrad": True}),
    ("AdamW", {"maximize": True, "betas": (0.3, 0.9)}),  # 1 - β₁ ≥ 0.5: lerp's mirror form
    ("Adam", {}),
]


def _train(lib, name: str, kw: dict, dtype: str, n: int = 4099, steps: int = 10) -> list[np.ndarray]:
    """Parameter and moments after `steps` fused steps on seeded gradients of shrinking size."""
    rng = np.random.default_rng(0)
    half = getattr(lib, dtype)
    p = lib.nn.Parameter(lib.tensor(rng.standard_normal(n).astype(np.float32) * 0.1).to(half))
    opt = getattr(lib.optim, name)([p], lr=3e-3, fused=True, **kw)
    for i in range(steps):
        p.grad = lib.tensor(rng.standard_normal(n).astype(np.float32) * 10.0 ** (-(i % 5) - 1)).to(half)
        opt.step()
    state = opt.state[p]
    return [t.detach().float().numpy() for t in (p, state["exp_avg"], state["exp_avg_sq"])]


@needs_torch
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize(("name", "kw"), CASES)
def test_fused_half_steps_match_pytorch_bit_for_bit(name: str, kw: dict, dtype: str) -> None:
    for ours, theirs in zip(_train(rg, name, kw, dtype), _train(torch, name, kw, dtype)):
        np.testing.assert_array_equal(ours, theirs)


def test_fused_bfloat16_adamw_rounds_once_per_stored_value() -> None:
    """One step by hand in float32: the decayed parameter is not rounded to bfloat16 before the update."""
    p0 = np.array([0.1, -0.7, 1.3, 0.003], np.float32)
    g0 = np.array([0.25, -0.5, 2.0, 1e-3], np.float32)
    p = rg.nn.Parameter(rg.tensor(p0).bfloat16())
    p.grad = rg.tensor(g0).bfloat16()
    opt = rg.optim.AdamW([p], lr=0.01, weight_decay=0.3, fused=True)
    opt.step()
    wp = rg.tensor(p0).bfloat16().float().numpy() * np.float32(1 - 0.01 * 0.3)
    g = rg.tensor(g0).bfloat16().float().numpy()
    m = (g * np.float32(0.1)).astype(np.float32)
    v = (np.float32(0.001) * g * g).astype(np.float32)
    denom = np.sqrt(v) / np.float32(np.sqrt(1 - 0.999)) + np.float32(1e-8)
    expected = wp + np.float32(-0.01 / (1 - 0.9)) * m / denom
    np.testing.assert_array_equal(p.detach().float().numpy(), rg.tensor(expected).bfloat16().float().numpy())
    plain = rg.nn.Parameter(rg.tensor(p0).bfloat16())
    plain.grad = rg.tensor(g0).bfloat16()
    rg.optim.AdamW([plain], lr=0.01, weight_decay=0.3).step()
    assert not rg.equal(plain, p)  # the single-tensor update rounds on the way


def test_fused_second_moment_is_one_multiply_add() -> None:
    """v·β₂ + ((1-β₂)·g)·g with the last multiply-add rounded once, as PyTorch's compiled kernel: here
    the float32 result lies on a float16 rounding tie (20.5 subnormal steps), which two roundings miss.
    (64 elements: PyTorch's vectorised loop; its scalar loop for the last numel % 16 or 32 rounds twice.)"""
    p = rg.nn.Parameter(rg.zeros(64, dtype=rg.float16))
    opt = rg.optim.AdamW([p], lr=1e-3, betas=(0.3, 0.9), fused=True)
    p.grad = rg.zeros(64, dtype=rg.float16)
    opt.step()
    opt.state[p]["exp_avg_sq"].fill_(4 * 2.0**-24)
    p.grad = rg.full((64,), 0.0031738281, dtype=rg.float16)
    opt.step()
    assert opt.state[p]["exp_avg_sq"].tolist() == [20 * 2.0**-24] * 64
