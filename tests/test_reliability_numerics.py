"""Numerics: no NumPy warnings escape, float32 accumulations round once, atan2's gradient at 0.

PyTorch computes inf and NaN silently, accumulates float32 cumulative sums/products in
double and sums with a cascade; its atan2 gradient at (0, 0) is 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import retrograd

from .reliability_compare import torch
from .torch_machine import mkl_intel_paths

ROOT = Path(__file__).resolve().parents[1]


def test_no_warning_escapes_on_edge_values():
    """Every op of the op table, forward and backward, on 0, -1, ±inf, NaN, huge, tiny, mixed and empty inputs."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-m", "tests.edge_value_sweep"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    leaks = [line for line in proc.stdout.splitlines() if line.startswith("LEAK ")]  # LAPACK prints too (as in PyTorch)
    assert not leaks, "warnings escaped:\n" + "\n".join(leaks[:40])


def test_users_own_numpy_code_still_warns():
    with pytest.warns(RuntimeWarning):
        np.array([1.0]) / np.array([0.0])
    with pytest.warns(RuntimeWarning):
        np.array([np.inf, -np.inf]).sum()


def _ulps(got: np.ndarray, exact: np.ndarray) -> float:
    exact32 = exact.astype(np.float32)
    return float(np.max(np.abs(got.astype(np.float64) - exact32) / np.spacing(np.abs(exact32))))


def _data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "tenths": np.full(100_000, 0.1, np.float32),
        "uniform": rng.uniform(0, 1, 300_001).astype(np.float32),
        "offset": (rng.standard_normal(100_000) + 1000).astype(np.float32),
        "tall": rng.uniform(0, 1, (200_000, 3)).astype(np.float32),
    }


REDUCTIONS = {
    "cumsum": (lambda x: x.reshape(-1).cumsum(0)[-1:], lambda d: d.reshape(-1).cumsum()[-1:]),
    "sum": (lambda x: x.sum(), lambda d: d.sum()),
    "sum0": (lambda x: x.sum(0), lambda d: d.sum(0)),
    "mean0": (lambda x: x.mean(0), lambda d: d.mean(0)),
    "var0": (lambda x: x.var(0), lambda d: d.var(0, ddof=1)),
    "std": (lambda x: x.std(), lambda d: d.std(ddof=1)),
}


@pytest.mark.parametrize("op", list(REDUCTIONS))
@pytest.mark.parametrize("name", list(_data()))
def test_float32_accumulation_rounds_once(op, name):
    a = _data()[name]
    ours, exact = REDUCTIONS[op]
    got = ours(retrograd.from_numpy(a)).numpy()
    assert got.dtype == np.float32
    assert _ulps(got, np.asarray(exact(a.astype(np.float64)))) <= 1.0


def test_float32_cumprod_rounds_once():
    a = (1 + np.random.default_rng(1).uniform(-1e-3, 1e-3, 20_000)).astype(np.float32)
    got = retrograd.from_numpy(a).cumprod(0).numpy()
    assert _ulps(got[-1:], a.astype(np.float64).cumprod()[-1:]) <= 1.0


def test_cumsum_of_tenths_matches_pytorch():
    got = retrograd.full((100000,), 0.1).cumsum(0)[-1].item()
    assert got == pytest.approx(10000.0, abs=1e-3)
    if torch is not None:
        assert got == torch.full((100000,), 0.1).cumsum(0)[-1].item()


def test_atan2_gradient_at_origin_is_zero():
    a = retrograd.tensor([0.0, 0.0, 1.0], requires_grad=True)
    b = retrograd.tensor([0.0, 2.0, 0.0], requires_grad=True)
    retrograd.atan2(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [0.0, 0.5, 0.0])
    np.testing.assert_allclose(b.grad.numpy(), [0.0, 0.0, -1.0])
    if torch is not None:
        ta = torch.tensor([0.0, 0.0, 1.0], requires_grad=True)
        tb = torch.tensor([0.0, 2.0, 0.0], requires_grad=True)
        torch.atan2(ta, tb).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())
        np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy())


def test_atan2_second_derivative_at_origin_is_finite():
    a = retrograd.tensor([0.0], requires_grad=True)
    b = retrograd.tensor([0.0], requires_grad=True)
    (ga,) = retrograd.autograd.grad(retrograd.atan2(a, b).sum(), a, create_graph=True)
    (gga,) = retrograd.autograd.grad(ga.sum(), b)
    assert np.isfinite(gga.numpy()).all()


MASKED_BACKWARDS = {
    "relu": lambda m, t: m.relu(t),
    "clamp": lambda m, t: t.clamp(0.5, 1.0),
    "clamp_tensor_bounds": lambda m, t: t.clamp(m.tensor(0.5), m.tensor(1.0)),
    "hardtanh": lambda m, t: m.nn.functional.hardtanh(t, 0.5, 1.0),
    "threshold": lambda m, t: m.nn.functional.threshold(t, 0.5, 0.0),
    "hardshrink": lambda m, t: m.nn.functional.hardshrink(t, 0.8),
    "softshrink": lambda m, t: m.nn.functional.softshrink(t, 0.8),
    "hardsigmoid": lambda m, t: m.nn.functional.hardsigmoid(t * 4),
    "floor": lambda m, t: t.floor() + t,
    "sign": lambda m, t: t.sign() + t,
    "floor_divide": lambda m, t: m.div(t, 0.3, rounding_mode="floor") + t,
    "where": lambda m, t: m.where(t > 0.5, t, t * 0),
    "maximum": lambda m, t: m.maximum(t, m.zeros_like(t)),
    "max": lambda m, t: t.max(),
    "max_pool1d": lambda m, t: m.nn.functional.max_pool1d(t[None, None], 2)[0, 0],
}


def _masked_grad(m, name):
    x = m.tensor([-1.0, 0.0, 2.0, 0.7], requires_grad=True)
    (MASKED_BACKWARDS[name](m, x) * -3).sum().backward()
    return x.grad


@pytest.mark.parametrize("name", sorted(MASKED_BACKWARDS))
def test_masked_gradients_are_positive_zeros(name):
    """Where an op blocks the gradient it gives +0 (PyTorch selects 0), so a negative upstream gradient
    does not print as `-0.`."""
    g = _masked_grad(retrograd, name).numpy()
    assert not np.any((g == 0) & np.signbit(g)), f"{name}: -0.0 in {g}"


@pytest.mark.parametrize("name", sorted(MASKED_BACKWARDS))
def test_masked_gradients_print_vs_torch(name):
    torch = pytest.importorskip("torch")
    assert str(_masked_grad(retrograd, name)) == str(_masked_grad(torch, name))


BLOCKING_OPS = {
    "relu": lambda m, x: m.relu(x),
    "clamp": lambda m, x: m.clamp(x, 0.0, 3.0),
    "hardtanh": lambda m, x: m.nn.functional.hardtanh(x),
    "threshold": lambda m, x: m.nn.functional.threshold(x, 0.5, 0.0),
    "maximum": lambda m, x: m.maximum(x, m.zeros_like(x)),
    "where": lambda m, x: m.where(x > 0, x, m.zeros_like(x)),
}


@pytest.mark.parametrize("op", list(BLOCKING_OPS))
def test_blocked_inf_gradient_gives_zero(op):
    # a gradient that an op blocks is 0 even when it is inf or NaN (a select, not a product)
    values, grads = [-1.0, 2.0, 5.0, -2.0], [float("inf"), -1.0, float("-inf"), float("nan")]
    x = retrograd.tensor(values, requires_grad=True)
    BLOCKING_OPS[op](retrograd, x).backward(retrograd.tensor(grads))
    assert x.grad[0].item() == 0.0 and not np.signbit(x.grad[0].item())
    assert x.grad[3].item() == 0.0
    if torch is not None:
        t = torch.tensor(values, requires_grad=True)
        BLOCKING_OPS[op](torch, t).backward(torch.tensor(grads))
        np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_float_remainder_and_floor_division_are_pytorchs_kernels():
    # remainder = fmod moved by b where the signs differ (exact; keeps fmod's -0.0), floor division
    # = (a - fmod) / b rounded: the textbook a - floor(a/b)·b and floor(a/b) differ in the last bits
    t = retrograd.tensor
    assert [(v, np.signbit(v)) for v in (t([-4.0, -0.0]) % 2).tolist()] == [(0.0, True), (0.0, True)]
    assert (t([1e8]) % t([0.3])).item() == 0.026357173919677734
    assert retrograd.floor_divide(t([1e8]), t([0.3])).item() == 333333312.0
    if torch is not None:
        rng = np.random.default_rng(0)
        for dtype in (np.float32, np.float64):
            a = (rng.standard_normal(20000) * rng.choice([1, 100, 1e6], 20000)).astype(dtype)
            b = (rng.standard_normal(20000) * rng.choice([0.01, 1, 10], 20000)).astype(dtype)
            a[:6], b[:6] = [-4, -0.0, 0.0, 1, np.inf, 3], [2, 2, -2, 0, 3, 0]
            for op in ("remainder", "floor_divide"):
                ours = getattr(retrograd, op)(retrograd.from_numpy(a), retrograd.from_numpy(b)).numpy()
                theirs = getattr(torch, op)(torch.from_numpy(a), torch.from_numpy(b)).numpy()
                np.testing.assert_array_equal(ours, theirs)
                signed = ~np.isnan(theirs)  # (a NaN's sign bit is the kernel's business)
                assert np.array_equal(np.signbit(ours[signed]), np.signbit(theirs[signed])), op


def test_floating_point_edge_values_compute_under_a_warnings_error_filter():
    # pytest's `filterwarnings = error` or `python -W error` comes before retrograd's own filter:
    # NumPy's "divide by zero" must not reach the user there either (PyTorch says nothing)
    script = (
        "import retrograd as torch\n"
        "x = torch.tensor([0.0, -1.0, 1.0], requires_grad=True)\n"
        "y = x.log() + x.sqrt() + 1 / x + x * 1e38 * 1e38 + torch.tensor(0.0).log()\n"
        "y.sum().backward()\n"
        "print(y.tolist(), x.grad.tolist(), (torch.tensor(0.0) / 0).item())\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    out = subprocess.run([sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[nan, nan, nan] [nan, nan, inf] nan"


def test_a_runtime_warning_that_is_not_numpys_still_reaches_an_error_filter():
    import warnings

    from retrograd.engine.primitive import Primitive

    def forward(xp, a):
        warnings.warn("not a floating-point warning", RuntimeWarning, stacklevel=2)
        return a * 2

    op = Primitive("warns", forward, [lambda g: g * 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="not a floating-point warning"):
            op(retrograd.ones(2))  # raised again with NumPy's warnings off: passed on, no endless retry
        assert retrograd.tensor([0.0]).log().item() == -np.inf


def _ratio_gradients(m):
    """d/dx of x / x (numerator and divisor the same values), and of a ratio's divisor over many values."""
    x = m.tensor([0.1, 1.3, 0.5459], requires_grad=True)
    (x / x).sum().backward()
    rng = np.random.default_rng(0)
    a = m.from_numpy(rng.standard_normal(2000).astype(np.float32))
    b = m.from_numpy(rng.standard_normal(2000).astype(np.float32)).requires_grad_()
    (a / b).sum().backward()
    return x.grad.numpy(), b.grad.numpy()


def test_division_gradient_of_the_divisor_rounds_as_pytorchs():
    # PyTorch's divisor gradient is -g * ((a / b) / b), not -g * (a / (b * b)): the two round
    # differently, and only the first makes x / x's two paths cancel exactly (a margin loss whose
    # numerator and denominator coincide has gradient 0, and sign() of it then stays 0)
    cancelled, divisor = _ratio_gradients(retrograd)
    assert cancelled.tolist() == [0.0, 0.0, 0.0]
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(2000).astype(np.float32), rng.standard_normal(2000).astype(np.float32)
    np.testing.assert_array_equal(divisor, -((a / b) / b))


def test_division_gradient_bits_vs_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_ratio_gradients(retrograd), _ratio_gradients(torch)):
        np.testing.assert_array_equal(ours, theirs)


def test_float32_tanh_saturates_where_pytorchs_does():
    # PyTorch's float32 tanh is ±1 from |a| ≈ 9.011 on; NumPy's stays at ±0.99999994 up to 10, so
    # a discretized Gaussian likelihood's log(1 + tanh(a)) was log(6e-8) instead of the clamp's
    a = retrograd.tensor([-9.5, -9.02, -9.0, 0.5, 9.5])
    assert retrograd.tanh(a).tolist() == [-1.0, -1.0, -0.9999999403953552, 0.46211716532707214, 1.0]
    assert a.clone().tanh_().tolist() == retrograd.tanh(a).tolist()
    out = retrograd.empty(5)
    retrograd.tanh(a, out=out)
    assert out.tolist() == retrograd.tanh(a).tolist()
    assert (1 + retrograd.tanh(retrograd.tensor(-9.5))).clamp(min=1e-12).log().item() == np.log(np.float32(1e-12))
    # GELU's tanh approximation saturates with it: 0 (as PyTorch's) where it was -1.6e-7
    assert retrograd.nn.functional.gelu(retrograd.tensor([-5.3]), approximate="tanh").tolist() == [-0.0]


def test_float32_tanh_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    x = np.linspace(-12, 12, 240001, dtype=np.float32)
    ours = retrograd.tanh(retrograd.from_numpy(x)).numpy()
    theirs = torch.tanh(torch.from_numpy(x)).numpy()
    np.testing.assert_array_max_ulp(ours, theirs, maxulp=1)
    assert (ours != theirs).mean() < 0.005  # correctly rounded, as PyTorch's nearly always is
    saturated = np.abs(x) > 9.02
    np.testing.assert_array_equal(ours[saturated], theirs[saturated])


# float32 transcendental functions, computed in float64 and rounded once: (name, sample domain,
# the share of elements PyTorch's kernels still differ on by an ulp, with a margin)
_ROUNDED_ONCE = [
    ("exp", "real", 0.02), ("exp2", "real", 0.08), ("expm1", "real", 0.005), ("log", "positive", 0.002),
    ("log2", "positive", 0.002), ("log10", "positive", 0.002), ("log1p", "positive", 0.01),
    ("sin", "real", 0.07), ("cos", "real", 0.07), ("tan", "real", 0.01), ("asin", "unit", 0.04),
    ("acos", "unit", 0.07), ("atan", "real", 0.002), ("sinh", "real", 0.005), ("cosh", "real", 0.005),
    ("atanh", "unit", 0.002),
]


def _samples(domain):
    x = (np.random.default_rng(1).standard_normal(100_000) * 3).astype(np.float32)
    if domain == "positive":
        return np.abs(x) + np.float32(1e-3)
    if domain == "unit":
        return (np.tanh(x) * np.float32(0.999)).astype(np.float32)
    return x


@pytest.mark.parametrize(("name", "domain", "share"), _ROUNDED_ONCE)
def test_float32_transcendentals_are_rounded_once_from_float64(name, domain, share):
    a = _samples(domain)
    ours = getattr(retrograd, name)(retrograd.from_numpy(a)).numpy()
    wide = {"asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "atanh": np.arctanh}.get(name) or getattr(np, name)
    np.testing.assert_array_equal(ours, wide(a.astype(np.float64)).astype(np.float32))
    assert ours.dtype == np.float32
    # in place: the same bits
    t = retrograd.from_numpy(a.copy())
    getattr(t, name + "_")()
    np.testing.assert_array_equal(t.numpy(), ours)


def test_float32_exp_and_log_values_as_pytorch_prints_them():
    # NumPy's float32 loops gave 2.718282 (an ulp above e's nearest float32) and log10(1000) = 2.9999998
    assert retrograd.exp(retrograd.tensor(1.0)).item() == 2.7182817459106445
    assert retrograd.log10(retrograd.tensor([1000.0, 0.01])).tolist() == [3.0, -2.0]
    assert retrograd.log(retrograd.tensor(10.0)).item() == 2.3025851249694824


@pytest.mark.parametrize(("name", "domain", "share"), _ROUNDED_ONCE)
def test_float32_transcendentals_vs_torch(name, domain, share):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    a = _samples(domain)
    ours = getattr(retrograd, name)(retrograd.from_numpy(a)).numpy()
    theirs = getattr(torch, name)(torch.from_numpy(a)).numpy()
    np.testing.assert_array_max_ulp(ours, theirs, maxulp=2)
    if mkl_intel_paths():  # (MKL's generic code elsewhere: up to ~20% of its results an ulp off)
        assert (ours != theirs).mean() < share
