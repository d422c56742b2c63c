"""addmm with a row-vector bias as one product: `[a 1] @ [b; c]` when the output is large.

`_bias_in_gemm` decides; the product must equal `c + a @ b` to rounding, keep every other case
(scaled terms, a column or matrix bias, small or tall-input products, other dtypes) on the plain
path, and give the same gradients as before.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.ops.linalg import multiply_add
from retrograd.ops.linalg.multiply_add import _bias_in_gemm

try:
    import torch
except ImportError:  # PyTorch is a test-only dependency
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


def operands(m: int, k: int, n: int, dtype=np.float32, seed: int = 0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n).astype(dtype), rng.standard_normal((m, k)).astype(dtype),
            rng.standard_normal((k, n)).astype(dtype))


def biased_calls(monkeypatch) -> list:
    calls: list = []
    real = multiply_add._biased_product

    def spy(*args):
        calls.append(args[0].shape)
        return real(*args)

    monkeypatch.setattr(multiply_add, "_biased_product", spy)
    return calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,k,n", [(700, 128, 1000), (512, 64, 256), (512, 64, 192), (128, 1, 300)])
def test_wide_outputs_take_the_bias_into_the_product(monkeypatch, dtype, m, k, n):
    calls = biased_calls(monkeypatch)
    c, a, b = operands(m, k, n, dtype)
    got = rg.addmm(rg.tensor(c), rg.tensor(a), rg.tensor(b)).numpy()
    assert calls == [(m, k)] and got.dtype == dtype
    exact = c.astype(np.float64) + a.astype(np.float64) @ b.astype(np.float64)
    scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64) + np.abs(c)
    eps = np.finfo(dtype).eps
    assert (np.abs(got - exact) <= 4 * (k + 1) * eps * scale).all()


@pytest.mark.parametrize("case", ["beta", "alpha", "column", "matrix", "small", "tall input", "int", "mixed"])
def test_other_cases_keep_the_plain_path(monkeypatch, case):
    calls = biased_calls(monkeypatch)
    c, a, b = operands(300, 16, 300)
    kwargs = {}
    if case == "beta":
        kwargs = {"beta": 0.5}
    elif case == "alpha":
        kwargs = {"alpha": 2.0}
    elif case == "column":  # broadcast down the columns, not along the rows
        c = c.reshape(300, 1)
    elif case == "matrix":
        c = np.ones((300, 300), np.float32)
    elif case == "small":
        c, a, b = operands(32, 64, 128)
    elif case == "tall input":  # the copies would cost more than the pass they save
        c, a, b = operands(256, 784, 512)
    elif case == "int":
        c, a, b = (x.astype(np.int64) for x in (c, a, b))
    elif case == "mixed":
        assert not _bias_in_gemm(np, c.astype(np.float64), a, b)
        return
    got = rg.addmm(rg.tensor(c), rg.tensor(a), rg.tensor(b), **kwargs).numpy()
    assert calls == []
    beta, alpha = kwargs.get("beta", 1), kwargs.get("alpha", 1)
    np.testing.assert_allclose(got, beta * c + alpha * (a @ b), rtol=1e-5, atol=1e-4)


def test_nan_and_inf_pass_through_as_in_a_plain_add(monkeypatch):
    calls = biased_calls(monkeypatch)
    c, a, b = operands(200, 8, 400)
    c[3], c[4], a[5, 0] = np.inf, np.nan, np.inf
    got = rg.addmm(rg.tensor(c), rg.tensor(a), rg.tensor(b)).numpy()
    assert calls
    with np.errstate(invalid="ignore"):
        expected = c + a @ b
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_array_equal(np.isinf(got), np.isinf(expected))


@needs_torch
def test_linear_layer_and_gradients_against_pytorch():
    """A language-model head (nn.Linear 128 -> 1000 on 700 rows), float64, values and gradients."""
    rng = np.random.default_rng(3)
    x, w, bias = rng.standard_normal((700, 128)), rng.standard_normal((1000, 128)), rng.standard_normal(1000)
    gout = rng.standard_normal((700, 1000))
    r = [rg.tensor(v, requires_grad=True) for v in (x, w, bias)]
    t = [torch.tensor(v, requires_grad=True) for v in (x, w, bias)]
    r_out, t_out = rg.nn.functional.linear(*r), torch.nn.functional.linear(*t)
    np.testing.assert_allclose(r_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-12, atol=1e-11)
    (r_out * rg.tensor(gout)).sum().backward()
    (t_out * torch.tensor(gout)).sum().backward()
    for got, want in zip(r, t):
        np.testing.assert_allclose(got.grad.numpy(), want.grad.numpy(), rtol=1e-11, atol=1e-10)


def test_compiled_equals_eager():
    c, a, b = operands(700, 32, 500)
    weight = rg.tensor(b, requires_grad=True)

    def f(bias, x):
        return rg.addmm(bias, x, weight).tanh().sum()

    eager = f(rg.tensor(c), rg.tensor(a))
    eager.backward()
    grad = weight.grad.numpy().copy()
    compiled = rg.compile(f)
    for _ in range(2):
        weight.grad = None
        out = compiled(rg.tensor(c), rg.tensor(a))
        out.backward()
    assert out.item() == eager.item()
    np.testing.assert_array_equal(weight.grad.numpy(), grad)


@pytest.mark.parametrize("m,k,n,inside", [(700, 64, 512, True), (8, 64, 16, False), (256, 784, 64, False)])
def test_biased_matmul_picks_the_cheaper_way(monkeypatch, m, k, n, inside):
    """`biased_matmul` (the LSTM's input projection) takes the same decision as addmm, same sums."""
    calls = biased_calls(monkeypatch)
    c, a, b = operands(m, k, n)
    got = multiply_add.biased_matmul(np, a, b, c)
    assert bool(calls) == inside and got.shape == (m, n) and got.dtype == np.float32
    np.testing.assert_allclose(got, a.astype(np.float64) @ b + c, rtol=1e-4, atol=1e-4)
