"""Depthwise convolutions (one input channel per group, `kernels/depthwise.py`): their memory and their numbers.

ConvMixer's blocks (a depthwise 9x9 'same' convolution, GELU, BatchNorm, a 1x1 convolution, a
residual) ran out of memory in float64: each depthwise layer built and kept a column matrix of
81 copies of its input. Now no temporary is more than a few times the input.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import retrograd
from retrograd.ops.fused import conv
from retrograd.ops.kernels import depthwise

F = retrograd.nn.functional


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_depthwise_9x9_forward_and_backward_peak_stays_a_few_inputs():
    rng = np.random.default_rng(0)
    x = retrograd.tensor(rng.standard_normal((2, 64, 32, 32)), requires_grad=True)  # 1 MiB of float64
    w = retrograd.tensor(rng.standard_normal((64, 1, 9, 9)), requires_grad=True)

    def step():
        F.conv2d(x, w, padding="same", groups=64).sum().backward()

    step()  # the work buffers exist from now on
    x.grad = w.grad = None
    # the column matrix alone would be 81 inputs (and was kept until the backward)
    assert _peak_bytes(step) < 12 * x.numel() * 8


@pytest.mark.parametrize("fn, xs, ws, kw", [
    (F.conv1d, (2, 16, 300), (16, 1, 9), dict(groups=16, padding=4)),
    (F.conv3d, (1, 8, 12, 12, 12), (8, 1, 5, 5, 5), dict(groups=8, padding=2)),
    (F.conv_transpose2d, (2, 16, 24, 24), (16, 1, 9, 9), dict(groups=16, padding=4)),
    (F.conv2d, (2, 16, 24, 24), (16, 1, 9, 9), dict(groups=16, padding=4, stride=2)),
])
def test_depthwise_of_every_kind_stays_a_few_inputs(fn, xs, ws, kw):
    rng = np.random.default_rng(0)
    x = retrograd.tensor(rng.standard_normal(xs), requires_grad=True)
    w = retrograd.tensor(rng.standard_normal(ws), requires_grad=True)

    def step():
        fn(x, w, **kw).sum().backward()

    step()
    x.grad = w.grad = None
    assert _peak_bytes(step) < 12 * x.numel() * 8  # columns: 9 to 125 inputs


def test_no_columns_kept_for_depthwise_or_big_convolutions(monkeypatch):
    w = retrograd.randn(8, 1, 3, 3, requires_grad=True)
    assert "cols" not in F.conv2d(retrograd.randn(2, 8, 12, 12), w, groups=8).grad_fn.attrs
    rng = np.random.default_rng(6)
    x = retrograd.tensor(rng.standard_normal((2, 4, 12, 12)))
    w = retrograd.tensor(rng.standard_normal((8, 4, 3, 3)), requires_grad=True)
    assert "cols" in F.conv2d(x, w).grad_fn.attrs  # 2 * 36 * 100 float64: 57.6 kB
    monkeypatch.setattr(conv, "_KEEP_COLUMNS_MAX", 57_599)
    y = F.conv2d(x, w)
    assert "cols" not in y.grad_fn.attrs
    y.sum().backward()  # the weight's gradient builds them again
    np.testing.assert_allclose(w.grad.numpy(), np.broadcast_to(
        sliding_window_view(x.numpy(), (3, 3), axis=(2, 3)).sum((0, 2, 3)), (8, 4, 3, 3)), rtol=1e-12, atol=1e-12)


def _reference(x, w, pad, groups):
    """Depthwise cross-correlation by sliding windows: (N, C, *S) with (C*m, 1, k, k) -> (N, C*m, *out)."""
    v = sliding_window_view(np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)]), w.shape[2:], axis=(2, 3))
    m = w.shape[0] // groups
    return np.einsum("ncijab,cmab->ncmij", v, w.reshape(groups, m, *w.shape[2:])).reshape(x.shape[0], -1,
                                                                                          *v.shape[2:4])


def test_depthwise_with_a_channel_multiplier_matches_the_reference_and_the_columns(monkeypatch):
    rng = np.random.default_rng(1)
    xa, wa = rng.standard_normal((2, 6, 11, 10)), rng.standard_normal((12, 1, 5, 5))

    def run():
        x, w = retrograd.tensor(xa, requires_grad=True), retrograd.tensor(wa, requires_grad=True)
        y = F.conv2d(x, w, padding=2, groups=6)
        (y * y).sum().backward()
        return y.detach().numpy(), x.grad.numpy(), w.grad.numpy()

    tap_by_tap = run()
    np.testing.assert_allclose(tap_by_tap[0], _reference(xa, wa, 2, 6), rtol=1e-12, atol=1e-12)
    monkeypatch.setattr(depthwise, "applies", lambda w_shape, groups: False)
    for a, b in zip(tap_by_tap, run()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_float16_depthwise_gradients_add_up_in_float32():
    rng = np.random.default_rng(2)
    xa, wa = rng.standard_normal((4, 8, 32, 32)), rng.standard_normal((8, 1, 3, 3))

    def grads(dtype):
        x = retrograd.tensor(xa.astype(dtype), requires_grad=True)
        w = retrograd.tensor(wa.astype(dtype), requires_grad=True)
        F.conv2d(x, w, padding=1, groups=8).sum().backward()
        return w.grad.numpy().astype(np.float64), x.grad.numpy().astype(np.float64)

    for half, exact in zip(grads(np.float16), grads(np.float64)):
        assert np.abs(half - exact).max() <= 4e-3 * np.abs(exact).max()


# --- against PyTorch ------------------------------------------------------------------------------


def _convmixer_block(mod, dim, kernel):
    class Residual(mod.nn.Module):
        def __init__(self, fn):
            super().__init__()
            self.fn = fn

        def forward(self, x):
            return self.fn(x) + x

    nn_ = mod.nn
    return nn_.Sequential(
        Residual(nn_.Sequential(nn_.Conv2d(dim, dim, kernel, groups=dim, padding="same"), nn_.GELU(),
                                nn_.BatchNorm2d(dim))),
        nn_.Conv2d(dim, dim, kernel_size=1), nn_.GELU(), nn_.BatchNorm2d(dim),
    ).double()


def test_convmixer_block_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    xa = rng.standard_normal((2, 16, 14, 14))
    ours, theirs = _convmixer_block(retrograd, 16, 9), _convmixer_block(torch, 16, 9)
    ours.load_state_dict({k: retrograd.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x, tx = retrograd.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-10)
    for (name, p), tp in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-9, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("name, xs, ws, kw", [
    ("conv1d", (2, 6, 20), (12, 1, 7), dict(groups=6, padding=3, dilation=2, stride=2)),
    ("conv3d", (1, 4, 6, 7, 5), (4, 1, 3, 3, 3), dict(groups=4, padding="same")),
    ("conv_transpose2d", (2, 4, 7, 6), (4, 1, 5, 5), dict(groups=2, stride=2, padding=1, output_padding=1)),
    ("conv_transpose1d", (2, 6, 9), (6, 1, 4), dict(groups=6, stride=3, dilation=2)),
])
def test_depthwise_convolutions_vs_torch(name, xs, ws, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    xa, wa = rng.standard_normal(xs), rng.standard_normal(ws)
    x, w = retrograd.tensor(xa, requires_grad=True), retrograd.tensor(wa, requires_grad=True)
    tx, tw = torch.tensor(xa, requires_grad=True), torch.tensor(wa, requires_grad=True)
    y, ty = getattr(F, name)(x, w, **kw), getattr(torch.nn.functional, name)(tx, tw, **kw)
    ga = rng.standard_normal(tuple(ty.shape))
    y.backward(retrograd.tensor(ga))
    ty.backward(torch.tensor(ga))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_depthwise_module_double_backward_vs_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    xa, wa = rng.standard_normal((2, 3, 8, 8)), rng.standard_normal((3, 1, 3, 3))
    results = []
    for mod, t in ((retrograd, retrograd.tensor), (torch, torch.tensor)):
        x, w = t(xa, requires_grad=True), t(wa, requires_grad=True)
        y = mod.nn.functional.conv2d(x, w, padding=1, groups=3)
        (gx,) = mod.autograd.grad((y ** 2).sum(), x, create_graph=True)
        (gw,) = mod.autograd.grad((gx ** 2).sum(), w)
        results.append(gw.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10)

