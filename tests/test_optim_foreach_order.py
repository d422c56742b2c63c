"""foreach=True: NAdam, RAdam and ASGD step in the order of PyTorch's multi-tensor updates.

Those three take their step with other formulas than the one-parameter-at-a-time updates (the
same values, other roundings), so float32 runs with foreach=True and False part in the last bits.
On the CPU PyTorch's default (foreach=None) is the one-at-a-time update. The by-hand tests spell each
multi-tensor formula out with NumPy. The optimizer helpers round a·b + c once, as PyTorch's
kernels do (optim/_functional.py). The `*_vs_torch` tests make PyTorch's sqrt correctly rounded
(its CPU float32 sqrt is off by an ulp now and then).
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

F32 = np.float32


def _draws(n: int, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n).astype(F32), rng.standard_normal((steps, n)).astype(F32)


def _fused(a: np.ndarray, b: np.floating | np.ndarray, c: np.ndarray) -> np.ndarray:
    """a·b + c in float32 rounded once, as PyTorch's kernels and the optimizer helpers compute it
    (the float32 product is exact in float64)."""
    exact = a.astype(F32).astype(np.float64) * np.asarray(b, F32).astype(np.float64) + c.astype(F32)
    return exact.astype(F32)


def _steps(name: str, start: np.ndarray, grads: np.ndarray, **kwargs: object) -> tuple[np.ndarray, dict]:
    p = rg.nn.Parameter(rg.tensor(start))
    opt = getattr(optim, name)([p], **kwargs)
    for g in grads:
        p.grad = rg.tensor(g)
        opt.step()
    return p.detach().numpy(), {k: v.numpy() for k, v in opt.state[p].items()}


def test_nadam_foreach_divides_the_root_by_the_root_of_the_bias_correction_by_hand() -> None:
    start, grads = _draws(3000, 1, seed=0)
    (g,) = grads
    param, _ = _steps("NAdam", start, grads, lr=0.01, foreach=True)
    b1, b2, lr = 0.9, 0.999, 0.01
    m = _fused(g, F32(1 - b1), np.zeros_like(g))
    v = _fused(g * F32(1 - b2), g, np.zeros_like(g))
    denom = np.sqrt(v) / (1 - b2) ** 0.5 + F32(1e-8)  # √v / √(1-β₂), not √(v / (1-β₂))
    mu, mu_next = b1 * (1 - 0.5 * 0.96**0.004), b1 * (1 - 0.5 * 0.96**0.008)
    p = start + g * F32(-lr * (1 - mu) / (1 - mu)) / denom
    p = p + m * F32(-lr * mu_next / (1 - mu * mu_next)) / denom
    np.testing.assert_array_equal(param, p)
    one_at_a_time, _ = _steps("NAdam", start, grads, lr=0.01, foreach=False)
    assert (one_at_a_time != param).any()


def test_radam_foreach_is_one_addcmul_of_a_reciprocal_by_hand() -> None:
    start, grads = _draws(3000, 7, seed=1)
    b1, b2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    first, _ = _steps("RAdam", start, grads[:1], lr=lr, foreach=True)  # unrectified: p + m·(-lr/(1-β₁))
    m1 = _fused(grads[0], F32(1 - b1), np.zeros_like(start))
    np.testing.assert_array_equal(first, _fused(m1, F32(-lr / (1 - b1)), start))
    param, state = _steps("RAdam", start, grads[:6], lr=lr, foreach=True)
    m, v = state["exp_avg"], state["exp_avg_sq"]
    after, _ = _steps("RAdam", start, grads, lr=lr, foreach=True)  # the seventh step is rectified
    g = grads[6]
    m = _fused(g - m, F32(1 - b1), m)
    v = _fused(g * F32(1 - b2), g, v * F32(b2))
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * 7 * b2**7 / (1 - b2**7)
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    scale = (1 - b2**7) ** 0.5 * (lr * rect / (1 - b1**7)) * -1
    buffer = F32(1) / ((np.sqrt(v) + F32(eps)) / F32(scale)) + F32(-0.0)
    np.testing.assert_array_equal(after, _fused(m, buffer, param).astype(F32))


def test_asgd_foreach_step_and_eta_by_hand() -> None:
    start, grads = _draws(3000, 2, seed=2)
    lr, lambd, alpha = 0.3, 0.05, 0.9
    param, state = _steps("ASGD", start, grads, lr=lr, lambd=lambd, alpha=alpha, t0=0, foreach=True)
    p, ax = start, np.zeros_like(start)
    eta, mu = F32(lr), F32(1.0)
    for t, g in enumerate(grads, 1):
        p = _fused(-_fused(p, F32(lambd), g), eta, p)  # p - (g + λp)·η, each a single rounding
        ax = _fused(p - ax, mu, ax)  # ax + (p - ax)·μ, also while μ = 1
        x = F32(float(F32(lambd * lr) * F32(t) + F32(1)) ** alpha)
        eta, mu = (F32(1) / x) * F32(lr), F32(1 / max(1, t))
    np.testing.assert_array_equal(param, p)
    np.testing.assert_array_equal(state["ax"], ax)
    assert state["eta"] == eta and state["mu"] == mu


@pytest.mark.parametrize("name", ["Adam", "NAdam", "RAdam", "ASGD", "RMSprop", "Rprop", "Adagrad"])
def test_foreach_refuses_a_differentiable_step(name: str) -> None:
    p = rg.nn.Parameter(rg.ones(3))
    opt = getattr(optim, name)([p], foreach=True, differentiable=True)
    p.grad = rg.ones(3)
    with pytest.raises(AssertionError, match="_foreach ops don't support autograd"):
        opt.step()


@pytest.fixture
def torch_exact_sqrt(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyTorch's float32 sqrt, correctly rounded (through float64), for the multi-tensor updates."""

    def exact(xs: list) -> list:
        return [x.double().sqrt().to(x.dtype) for x in xs]

    monkeypatch.setattr(torch, "_foreach_sqrt", exact)


FOREACH_CASES = [
    ("NAdam", {"lr": 2e-3}),
    ("NAdam", {"lr": 2e-3, "weight_decay": 0.01, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {"lr": 1e-2, "weight_decay": 0.1}),
    ("RAdam", {"lr": 1e-2, "betas": (0.9, 0.9), "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.3, "lambd": 0.05, "alpha": 0.9, "t0": 10}),
    ("ASGD", {"lr": 0.05, "t0": 2, "weight_decay": 0.1, "maximize": True}),
]


@needs_torch
@pytest.mark.usefixtures("torch_exact_sqrt")
@pytest.mark.parametrize("case", FOREACH_CASES, ids=lambda c: c[0] + "".join(f"-{k}={v}" for k, v in c[1].items()))
def test_foreach_float32_run_vs_torch(case: tuple[str, dict]) -> None:
    name, kwargs = case
    start, grads = _draws(2000, 40, seed=5)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        ps = [lib.nn.Parameter(lib.tensor(start[:1500])), lib.nn.Parameter(lib.tensor(start[1500:]))]
        opt = getattr(module, name)(ps, foreach=True, **kwargs)
        for g in grads:
            ps[0].grad, ps[1].grad = lib.tensor(g[:1500]), lib.tensor(g[1500:])
            opt.step()
        runs.append(np.concatenate([p.detach().numpy() for p in ps]))
    np.testing.assert_allclose(runs[0], runs[1], rtol=2e-5, atol=1e-6)


@needs_torch
@pytest.mark.parametrize("name", ["Adam", "ASGD", "SGD"])
def test_foreach_with_differentiable_vs_torch(name: str) -> None:
    outcomes = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.ones(3))
        opt = getattr(module, name)([p], lr=0.1, foreach=True, differentiable=True)
        p.grad = lib.ones(3)
        try:
            with lib.enable_grad():
                opt.step()
            outcomes.append(("no error", ""))
        except Exception as e:  # noqa: BLE001 - the point is to compare whatever is raised
            outcomes.append((type(e).__name__, str(e)))
    assert outcomes[0] == outcomes[1]


@needs_torch
@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("lr_dtype", ["float32", "float64"])
def test_asgd_tensor_lr_eta_vs_torch(foreach: bool, lr_dtype: str) -> None:
    """A 0-d tensor lr: PyTorch computes the next η with tensor arithmetic in the lr's dtype (float32
    products and sums for a float32 lr), not in Python floats as for a number lr."""
    start, grads = _draws(7, 12, seed=9)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start))
        opt = module.ASGD([p], lr=lib.tensor(0.01, dtype=getattr(lib, lr_dtype)), lambd=0.37, t0=2, foreach=foreach)
        etas = []
        for g in grads:
            p.grad = lib.tensor(g)
            opt.step()
            etas.append(opt.state[p]["eta"].item())
        runs.append((etas, p.detach().numpy().tobytes()))
    assert runs[0] == runs[1]


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_asgd_foreach_half_rounds_eta_and_mu_to_the_param_dtype_vs_torch(dtype: str) -> None:
    """PyTorch's multi-tensor ASGD multiplies by the 0-d float32 η and μ tensors with addcmul_, which
    casts them to a half parameter's dtype first (μ = 1/3 is not 1/3 in bfloat16)."""
    start, grads = _draws(12, 9, seed=4)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start).to(getattr(lib, dtype)))
        opt = module.ASGD([p], lr=0.037, t0=2, weight_decay=0.1, foreach=True)
        for g in grads:
            p.grad = lib.tensor(g).to(p.dtype)
            opt.step()
        runs.append([t.detach().float().numpy().tobytes() for t in (p, opt.state[p]["ax"])])
    assert runs[0] == runs[1]


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.9, "centered": True}], ids=["plain", "momentum-centered"])
def test_rmsprop_foreach_half_rounds_alpha_and_momentum_vs_torch(dtype: str, kwargs: dict) -> None:
    """PyTorch's multi-tensor RMSprop scales the half moments with `_foreach_mul_`, which rounds alpha
    (0.99) and momentum to the buffer's dtype first; the single-tensor `mul_` keeps them in float32."""
    start, grads = _draws(12, 5, seed=6)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start).to(getattr(lib, dtype)))
        opt = module.RMSprop([p], lr=0.01, foreach=True, **kwargs)
        for g in grads:
            p.grad = lib.tensor(g).to(p.dtype)
            opt.step()
        runs.append([opt.state[p][k].float().numpy().tobytes() for k in ("square_avg", "momentum_buffer")
                     if k in opt.state[p]])
    assert runs[0] == runs[1]


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("kwargs", [{}, {"weight_decay": 0.1}, {"maximize": True}], ids=["plain", "wd", "maximize"])
def test_adagrad_foreach_half_numerator_vs_torch(dtype: str, kwargs: dict) -> None:
    """PyTorch's multi-tensor Adagrad scales the half gradients by -clr into a numerator of their dtype
    (rounded there) before `_foreach_addcdiv_`; the single-tensor step divides in float32."""
    start, grads = _draws(12, 6, seed=7)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start).to(getattr(lib, dtype)))
        opt = module.Adagrad([p], lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, foreach=True, **kwargs)
        for g in grads:
            p.grad = lib.tensor(g).to(p.dtype)
            opt.step()
        runs.append(p.detach().float().numpy().tobytes())
    assert runs[0] == runs[1]


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("foreach", [False, True])
def test_adadelta_half_vs_torch(dtype: str, foreach: bool) -> None:
    """Half Adadelta as PyTorch: rho multiplied in float32 by `mul_` (rounded to the half dtype first by
    the multi-tensor `_foreach_mul_`), eps added as a half number, not in NumPy's half arithmetic."""
    start, grads = _draws(12, 6, seed=8)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start).to(getattr(lib, dtype)))
        opt = module.Adadelta([p], lr=1.0, rho=0.8, foreach=foreach)
        for g in grads:
            p.grad = lib.tensor(g).to(p.dtype)
            opt.step()
        runs.append([t.detach().float().numpy().tobytes() for t in (p, opt.state[p]["square_avg"],
                                                                   opt.state[p]["acc_delta"])])
    assert runs[0] == runs[1]


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("foreach", [False, True])
def test_radam_half_vs_torch(dtype: str, foreach: bool) -> None:
    """Half RAdam as PyTorch: beta2, the bias corrections, lr and the rectifier multiply (divide) in
    float32 as its tensor-by-number kernels do, not rounded to the half dtype by NumPy's arithmetic."""
    start, grads = _draws(12, 9, seed=10)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start).to(getattr(lib, dtype)))
        opt = module.RAdam([p], lr=0.01, betas=(0.9, 0.9), weight_decay=0.1, foreach=foreach)
        for g in grads:
            p.grad = lib.tensor(g).to(p.dtype)
            opt.step()
        runs.append([t.detach().float().numpy().tobytes() for t in (p, opt.state[p]["exp_avg_sq"])])
    assert runs[0] == runs[1]


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_nadam_half_single_tensor_vs_torch(dtype: str) -> None:
    """Half NAdam (one tensor at a time) as PyTorch: beta2 and the bias correction multiply (divide) in
    float32 as its `mul_`/`div` by a number do, eps added as `add_` adds a half number."""
    start, grads = _draws(12, 7, seed=11)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start).to(getattr(lib, dtype)))
        opt = module.NAdam([p], lr=0.01, momentum_decay=0.005, foreach=False)
        for g in grads:
            p.grad = lib.tensor(g).to(p.dtype)
            opt.step()
        runs.append([t.detach().float().numpy().tobytes() for t in (p, opt.state[p]["exp_avg_sq"])])
    assert runs[0] == runs[1]


@needs_torch
@pytest.mark.parametrize("foreach", [False, True])
def test_adadelta_complex_vs_torch(foreach: bool) -> None:
    """Complex Adadelta: PyTorch's single-tensor step adds -lr·delta to the complex parameter (the
    complex product rounded before the sum); the multi-tensor step adds to its real view (one fma)."""
    gen = np.random.default_rng(12)
    start = (gen.standard_normal(24) + 1j * gen.standard_normal(24)).astype(np.complex64)
    grads = (gen.standard_normal((6, 24)) + 1j * gen.standard_normal((6, 24))).astype(np.complex64)
    runs = []
    for lib, module in ((rg, optim), (torch, torch.optim)):
        p = lib.nn.Parameter(lib.tensor(start))
        opt = module.Adadelta([p], lr=0.7, foreach=foreach)
        for g in grads:
            p.grad = lib.tensor(g)
            opt.step()
        runs.append(p.detach().numpy().tobytes())
    assert runs[0] == runs[1]
