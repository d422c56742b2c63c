"""float32 optimizer steps carry PyTorch's bits: each add_(alpha=), addcmul_ and lerp_ is rounded once.

PyTorch's CPU kernels compute those in-place updates as fused multiply-adds. Two roundings differ in
the last bit of a few percent of the elements, and over a run's steps the difference compounds into
the printed digits. The by-hand tests spell the single rounding out with a float64 reference; the
`*_vs_torch` tests compare whole float32 trajectories bit for bit (optimizers whose update has no
sqrt: PyTorch's float32 sqrt on the CPU is MKL's, which is not always correctly rounded).
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.optim as optim

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _draws(n: int = 4000, steps: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n).astype(np.float32), rng.standard_normal((steps, n)).astype(np.float32)


def _fused(a: np.ndarray, b: np.floating | np.ndarray, c: np.ndarray) -> np.ndarray:
    """a·b + c rounded once to float32 (the float32 product is exact in float64)."""
    return (a.astype(np.float64) * np.float64(b) + c.astype(np.float64)).astype(np.float32)


def _one_step(name: str, start: np.ndarray, grad: np.ndarray, **kwargs: object) -> tuple[np.ndarray, dict]:
    p = rg.nn.Parameter(rg.tensor(start))
    opt = getattr(optim, name)([p], **kwargs)
    p.grad = rg.tensor(grad)
    opt.step()
    return p.detach().numpy(), {k: v.numpy() for k, v in opt.state[p].items()}


@pytest.mark.parametrize("foreach", [False, None])
def test_sgd_step_is_one_fused_multiply_add_by_hand(foreach: bool | None) -> None:
    start, (grad,) = _draws()
    param, _ = _one_step("SGD", start, grad, lr=0.1, foreach=foreach)
    expected = _fused(grad, np.float32(-0.1), start)
    twice_rounded = start + grad * np.float32(-0.1)
    assert (expected != twice_rounded).any()  # the check below tells the two apart
    np.testing.assert_array_equal(param, expected)


def test_sgd_weight_decay_adds_the_parameter_with_one_rounding_by_hand() -> None:
    start, (grad,) = _draws()
    param, _ = _one_step("SGD", start, grad, lr=0.1, weight_decay=0.3)
    decayed = _fused(start, np.float32(0.3), grad)  # grad.add(param, alpha=weight_decay)
    np.testing.assert_array_equal(param, _fused(decayed, np.float32(-0.1), start))


def test_adam_moments_are_a_fused_lerp_and_addcmul_by_hand() -> None:
    start, (g1, g2) = _draws(steps=2)
    p = rg.nn.Parameter(rg.tensor(start))
    opt = optim.Adam([p], lr=0.01, betas=(0.9, 0.99))
    m = np.zeros_like(start)
    v = np.zeros_like(start)
    for g in (g1, g2):
        p.grad = rg.tensor(g)
        opt.step()
        m = _fused(g - m, np.float32(1 - 0.9), m)  # lerp_(g, 0.1): w·(g - m) + m
        v = _fused(g * np.float32(1 - 0.99), g, v * np.float32(0.99))  # mul_(β₂).addcmul_(g, g, 1 - β₂)
    np.testing.assert_array_equal(opt.state[p]["exp_avg"].numpy(), m)
    np.testing.assert_array_equal(opt.state[p]["exp_avg_sq"].numpy(), v)


def test_lerp_with_a_large_weight_fuses_from_the_end_by_hand() -> None:
    """RMSprop's centered average with alpha=0.3 lerps by 0.7: (w - 1)·(g - avg) + g, w - 1 in float32."""
    start, (grad,) = _draws()
    _, state = _one_step("RMSprop", start, grad, lr=0.01, alpha=0.3, centered=True)
    coeff = np.float32(1 - 0.3) - np.float32(1)
    np.testing.assert_array_equal(state["grad_avg"], _fused(grad, coeff, grad))


def test_float64_steps_keep_their_formula() -> None:
    start, (grad,) = _draws()
    param, _ = _one_step("SGD", start.astype(np.float64), grad.astype(np.float64), lr=0.1)
    np.testing.assert_array_equal(param, start.astype(np.float64) + grad.astype(np.float64) * -0.1)


# --- whole float32 runs against PyTorch, bit for bit ----------------------------------------------

SQRT_FREE_CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01, "foreach": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "maximize": True, "fused": True}),
    ("Adamax", {"lr": 0.02, "weight_decay": 0.01}),
    ("Adamax", {"lr": 0.02, "maximize": True, "foreach": True}),
    ("ASGD", {"lr": 0.05, "t0": 5, "lambd": 1e-3, "alpha": 0.6, "weight_decay": 0.01}),
    ("Rprop", {"lr": 0.02, "etas": (0.3, 1.5), "step_sizes": (1e-4, 1.0)}),
]


def _run(lib: object, name: str, kwargs: dict, start: np.ndarray, grads: np.ndarray) -> np.ndarray:
    module = optim if lib is rg else torch.optim
    p = lib.nn.Parameter(lib.tensor(start))  # type: ignore[attr-defined]
    opt = getattr(module, name)([p], **kwargs)
    for g in grads:
        p.grad = lib.tensor(g)  # type: ignore[attr-defined]
        opt.step()
    return p.detach().numpy()


@needs_torch
@pytest.mark.parametrize("case", SQRT_FREE_CASES, ids=lambda c: c[0] + "".join(f"-{k}={v}" for k, v in c[1].items()))
def test_float32_run_is_bitwise_vs_torch(case: tuple[str, dict]) -> None:
    name, kwargs = case
    start, grads = _draws(n=2000, steps=40, seed=3)
    np.testing.assert_array_equal(_run(rg, name, kwargs, start, grads), _run(torch, name, kwargs, start, grads))


@needs_torch
@pytest.mark.parametrize("name", ["Adam", "NAdam", "RAdam"])
def test_float32_adam_moments_are_bitwise_vs_torch(name: str) -> None:
    """The moment buffers (lerp_, mul_, addcmul_) over 30 steps; gradients drawn, so they never see sqrt."""
    start, grads = _draws(n=2000, steps=30, seed=4)
    states = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start))
        opt = getattr(module, name)([p], lr=1e-3, foreach=False)
        for g in grads:
            p.grad = lib.tensor(g)
            opt.step()
        states.append({k: opt.state[p][k].numpy() for k in ("exp_avg", "exp_avg_sq")})
    for key in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_array_equal(states[0][key], states[1][key], err_msg=key)
