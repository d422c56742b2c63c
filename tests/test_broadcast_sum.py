"""The engine's sum of a broadcast gradient over leading dims (`engine.wide_sum.leading_sum`).

Every bias gradient is one: BLAS products over blocks of 128 rows, the blocks added in float64.
Checked here: its accuracy against the exact sum, its fallbacks, that recorded backwards
(create_graph, compile) run the same kernel as an op, and PyTorch's node names for it.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.engine.wide_sum import leading_sum, wide_sum

try:
    import torch
except ImportError:  # pragma: no cover - PyTorch is a test-only extra
    torch = None


@pytest.mark.parametrize("rows", [1, 2, 127, 128, 129, 300, 1000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_close_to_the_exact_sum(rows, dtype):
    a = np.random.default_rng(rows).standard_normal((rows, 37)).astype(dtype)
    got = leading_sum(a, 1)
    assert got.shape == (1, 37) and got.dtype == dtype
    exact = a.astype(np.longdouble).sum(0)
    scale = np.abs(a).astype(np.float64).sum(0)
    eps = np.finfo(dtype).eps
    # a running sum of at most 128 terms per block: well inside 128 ulp of the magnitudes' sum
    assert np.all(np.abs(got[0] - exact) <= 16 * eps * scale + np.finfo(dtype).tiny)


def test_several_leading_dims_keep_ones():
    a = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    got = leading_sum(a, 2)
    assert got.shape == (1, 1, 4, 5)
    np.testing.assert_array_equal(got, a.sum((0, 1), keepdims=True))  # small integers: exact


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.ones((300, 4), np.float16),  # not a BLAS dtype
        lambda: np.ones((4, 300), np.float32).T,  # not C-contiguous
        lambda: np.ones((0, 5), np.float32),  # empty
        lambda: np.ones((300, 4), np.int64),
    ],
)
def test_other_arrays_take_the_wide_sum(make):
    a = make()
    np.testing.assert_array_equal(leading_sum(a, 1), wide_sum(a, (0,), True))


def test_bias_gradient_is_the_blocked_sum():
    x = rg.randn(300, 6, requires_grad=True)
    b = rg.randn(6, requires_grad=True)
    g = rg.randn(300, 6)
    (x + b).backward(g)
    np.testing.assert_array_equal(b.grad.numpy(), leading_sum(g.numpy(), 1)[0])


def test_recorded_backward_runs_the_same_kernel():
    """create_graph records it as an op (PyTorch's SumBackward1, then a view for the added dim)
    with the eager bits; its own derivative broadcasts back."""
    x = rg.randn(300, 6, requires_grad=True)
    b = rg.randn(6, requires_grad=True)
    g = rg.randn(300, 6, requires_grad=True)
    (gb,) = rg.autograd.grad(x + b, b, g, create_graph=True)
    assert gb.grad_fn.name() == "ViewBackward0"
    assert gb.grad_fn.next_functions[0][0].name() == "SumBackward1"
    (eager,) = rg.autograd.grad(x + b, b, g)
    assert rg.equal(gb.detach(), eager)
    row = rg.randn(1, 6, requires_grad=True)  # a size-1 dim, no dim added: no view
    (gr,) = rg.autograd.grad(x + row, row, g, create_graph=True)
    assert gr.grad_fn.name() == "SumBackward1" and rg.equal(gr.detach(), eager.reshape(1, 6))
    assert gradgradcheck(lambda x, b: x + b, (rg.randn(3, 2, dtype=rg.float64, requires_grad=True),
                                            rg.randn(2, dtype=rg.float64, requires_grad=True)))
    x64 = rg.randn(300, 6, dtype=rg.float64, requires_grad=True)
    b64 = rg.randn(6, dtype=rg.float64, requires_grad=True)
    assert gradcheck(lambda g: rg.autograd.grad(x64 + b64, b64, g, create_graph=True)[0],
                     (rg.randn(300, 6, dtype=rg.float64, requires_grad=True),))


def test_compiled_bias_gradients_equal_eager_bits():
    lin = rg.nn.Linear(8, 5)
    x = rg.randn(300, 8)
    compiled = rg.compile(lambda x: lin(x).tanh().sum())
    compiled(x).backward()
    got = lin.bias.grad.clone(), lin.weight.grad.clone()
    lin.zero_grad()
    lin(x).tanh().sum().backward()
    assert rg.equal(got[0], lin.bias.grad) and rg.equal(got[1], lin.weight.grad)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_bias_gradient_matches_pytorch():
    rng = np.random.default_rng(3)
    x_np, g_np = rng.standard_normal((700, 65)).astype(np.float32), rng.standard_normal((700, 65)).astype(np.float32)
    b_np = rng.standard_normal(65).astype(np.float32)
    ours = rg.tensor(b_np, requires_grad=True)
    (rg.tensor(x_np) + ours).backward(rg.tensor(g_np))
    theirs = torch.tensor(b_np, requires_grad=True)
    (torch.tensor(x_np) + theirs).backward(torch.tensor(g_np))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=2e-6, atol=2e-5)


# --- a convolution bias's gradient: the sum over all dims but the channel dim -------------------


@pytest.mark.parametrize("shape", [(4, 3, 26, 26), (2, 5, 9), (1, 2, 150, 150), (3, 4, 2, 3, 2)])
def test_channel_sums_close_to_the_exact_sum(shape):
    from retrograd.ops.kernels.accumulate import channel_sums

    g = np.random.default_rng(len(shape)).standard_normal(shape).astype(np.float32)
    dims = (0, *range(2, g.ndim))
    got = channel_sums(np, g)
    assert got.shape == (shape[1],) and got.dtype == np.float32
    exact = g.astype(np.longdouble).sum(dims)
    scale = np.abs(g).astype(np.float64).sum(dims)
    assert np.all(np.abs(got - exact) <= 16 * np.finfo(np.float32).eps * scale)


def test_compiled_conv_bias_gradient_equals_eager_bits():
    conv = rg.nn.Conv2d(2, 3, 3)
    x = rg.randn(4, 2, 12, 12)
    compiled = rg.compile(lambda x: conv(x).relu().sum())
    compiled(x).backward()
    got = conv.bias.grad.clone()
    conv.zero_grad()
    conv(x).relu().sum().backward()
    assert rg.equal(got, conv.bias.grad)
    (gb,) = rg.autograd.grad(conv(x).pow(2).sum(), conv.bias, create_graph=True)
    assert gb.grad_fn.name() == "SumBackward1"
