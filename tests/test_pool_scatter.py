"""Max pooling's backward when the windows tile the input: one flat write per gradient.

With stride >= the window's span the taps never share an input position, so each output's
gradient is written straight to the flat position of its chosen tap (`_flat_targets`). These
tests hold that path to PyTorch bit for bit (values and the sign of every zero), to the
strided per-tap path it replaced, and to the bound on its cache of window layouts.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.ops.fused import pooling

torch = pytest.importorskip("torch")

TILED = [  # (pooled dims, input shape, kernel, stride, padding, dilation, ceil_mode)
    (2, (32, 8, 26, 26), 2, 2, 0, 1, False),  # W6's first pool
    (2, (32, 16, 11, 11), 2, 2, 0, 1, False),  # W6's second: floor mode leaves a row and a column
    (2, (2, 3, 11, 9), 3, 3, 1, 1, True),  # padding and ceil mode
    (2, (2, 3, 12, 12), (2, 3), (2, 3), (1, 1), 1, False),
    (2, (2, 3, 13, 13), 2, 3, 0, 1, False),  # gaps between windows
    (2, (2, 3, 13, 13), 2, 3, 0, (1, 2), False),  # dilated, still no overlap
    (1, (3, 4, 10), 2, 2, 0, 1, False),
    (1, (5, 10), 3, 3, 1, 1, True),  # unbatched
    (3, (2, 2, 6, 6, 6), 2, 2, 0, 1, False),
    (2, (6, 7, 7), 2, 2, 1, 1, False),  # unbatched
]


def _pool(F, nd, x, kernel, stride, padding, dilation, ceil_mode):
    fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[nd]
    return fn(x, kernel, stride, padding, dilation, ceil_mode=ceil_mode)


def _grads(nd, shape, kernel, stride, padding, dilation, ceil_mode, seed=0, ties=True):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    if ties:
        x.reshape(-1)[: x.size // 3] = 0.0  # whole windows of equal values: the first one wins
    out = []
    g = None
    for lib in (torch, retrograd):
        t = lib.tensor(x, requires_grad=True)
        y = _pool(lib.nn.functional, nd, t, kernel, stride, padding, dilation, ceil_mode)
        if g is None:
            g = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        y.backward(lib.tensor(g))
        out.append(t.grad.numpy())
    return out


@pytest.mark.parametrize("case", TILED, ids=[f"{c[0]}d-{c[1]}-k{c[2]}-s{c[3]}" for c in TILED])
def test_tiled_backward_matches_pytorch_bit_for_bit(case):
    expected, got = _grads(*case)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)
    assert np.array_equal(np.signbit(got), np.signbit(expected))  # zeros are +0.0, as PyTorch's


def test_tiled_windows_take_the_flat_path():
    x = retrograd.randn(2, 3, 8, 8, requires_grad=True)
    y = retrograd.nn.functional.max_pool2d(x, 2)
    windows = y.grad_fn.attrs["windows"]
    assert windows.tables is None and not windows.overlap
    overlapping = retrograd.nn.functional.max_pool2d(x, 3, 2).grad_fn.attrs["windows"]
    assert overlapping.overlap  # these keep the per-tap adds


def test_flat_path_equals_the_per_tap_path():
    rng = np.random.default_rng(3)
    x = retrograd.tensor(rng.standard_normal((4, 5, 9, 10)).astype(np.float32), requires_grad=True)
    y = retrograd.nn.functional.max_pool2d(x, (2, 3), padding=1)
    node = y.grad_fn
    g = rng.standard_normal(tuple(y.shape)).astype(np.float32)
    flat = pooling._scatter_fwd(np, g, node.attrs["tap"], node.attrs["windows"], (9, 10))
    per_tap = pooling._scatter_fwd(_NotNumpy(), g, node.attrs["tap"], node.attrs["windows"], (9, 10))
    assert np.array_equal(flat, per_tap + 0.0)


class _NotNumpy:
    """NumPy under another name: `_scatter_fwd` then takes its general per-tap path."""

    def __getattr__(self, name):
        return getattr(np, name)


def test_second_order_through_the_tiled_backward():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 6, 6))
    results = []
    for lib in (torch, retrograd):
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.max_pool2d(t * t, 2)
        (g,) = lib.autograd.grad(y.sum(), t, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), t)
        results.append(gg.numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12)


def test_nan_windows_route_to_the_last_nan_like_pytorch():
    x = np.zeros((1, 2, 4, 4), np.float32)
    x[0, 0, 0, 0] = x[0, 0, 1, 1] = np.nan
    x[0, 1, 2, 3] = 5.0
    grads = []
    for lib in (torch, retrograd):
        t = lib.tensor(x, requires_grad=True)
        lib.nn.functional.max_pool2d(t, 2).sum().backward()
        grads.append(t.grad.numpy())
    assert np.array_equal(grads[1], grads[0])


def test_layout_cache_stays_bounded():
    for side in range(4, 4 + 2 * pooling._LAYOUTS_KEPT + 3):
        x = retrograd.randn(1, 1, side, side, requires_grad=True)
        retrograd.nn.functional.max_pool2d(x, 2).sum().backward()
    assert len(pooling._LAYOUTS) <= pooling._LAYOUTS_KEPT


def test_compiled_pool_step_equals_eager():
    rng = np.random.default_rng(7)
    x = retrograd.tensor(rng.standard_normal((4, 3, 10, 10)).astype(np.float32))

    def f(w):
        return retrograd.nn.functional.max_pool2d(retrograd.relu(x * w), 2).sum()

    grads = []
    for fn in (f, retrograd.compile(f)):
        w = retrograd.tensor(np.float32(1.5), requires_grad=True)
        for _ in range(2):
            w.grad = None
            fn(w).backward()
        grads.append(w.grad.numpy())
    assert np.array_equal(grads[0], grads[1])
