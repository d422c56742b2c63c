"""Convolution, pooling, padding and upsampling modules against PyTorch; the functional
edge cases the op table cannot express (ties, NaN, errors, warnings, double backward)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import retrograd
import retrograd.nn as nn
import retrograd.nn.functional as F

torch = pytest.importorskip("torch")
tnn, TF = torch.nn, torch.nn.functional

CONV_MODULES = [
    ("Conv1d", (3, 4, 3), {}),
    ("Conv1d", (4, 6, 2), dict(stride=2, padding=1, dilation=2, groups=2, bias=False)),
    ("Conv1d", (3, 4, 4), dict(padding="same", padding_mode="circular")),
    ("Conv2d", (1, 8, 3), {}),
    ("Conv2d", (4, 6, (3, 2)), dict(stride=(2, 1), padding=(1, 2), groups=2, padding_mode="reflect")),
    ("Conv2d", (2, 3, 3), dict(padding="same", dilation=2, padding_mode="replicate")),
    ("Conv2d", (2, 3, 2), dict(padding="valid", bias=False)),
    ("Conv3d", (2, 4, 2), dict(padding=1)),
    ("ConvTranspose1d", (4, 6, 3), dict(stride=2, output_padding=1, groups=2)),
    ("ConvTranspose2d", (3, 2, (3, 2)), dict(stride=2, padding=1, dilation=(1, 2))),
    ("ConvTranspose2d", (2, 4, 3), dict(bias=False)),
    ("ConvTranspose3d", (2, 3, 2), dict(stride=(1, 2, 1))),
]

INPUTS = {"1d": (2, 4, 9), "2d": (2, 4, 8, 7), "3d": (2, 4, 5, 4, 5)}


def _pair_modules(name, args, kwargs):
    """The same module in both libraries, retrograd's holding torch's (float64) parameters."""
    tm = getattr(tnn, name)(*args, **kwargs).double()
    rm = getattr(nn, name)(*args, **kwargs).double()
    with retrograd.no_grad():
        for (rn, rp), (tn, tp) in zip(rm.named_parameters(), tm.named_parameters()):
            assert rn == tn and tuple(rp.shape) == tuple(tp.shape)
            rp.copy_(retrograd.tensor(tp.detach().numpy()))
    return rm, tm


def _input_for(name, module):
    shape = list(INPUTS[name[-2:]])
    shape[1] = module.in_channels
    return np.random.default_rng(0).standard_normal(shape)


@pytest.mark.parametrize("name,args,kwargs", CONV_MODULES, ids=[f"{n}{a}{k}" for n, a, k in CONV_MODULES])
def test_conv_module_matches_pytorch(name, args, kwargs):
    rm, tm = _pair_modules(name, args, kwargs)
    assert repr(rm) == repr(tm)
    x = _input_for(name, rm)
    rx, tx = retrograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ry, ty = rm(rx), tm(tx)
    np.testing.assert_allclose(ry.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(ty.shape))
    ry.backward(retrograd.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(rx.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for rp, tp in zip(rm.parameters(), tm.parameters()):
        np.testing.assert_allclose(rp.grad.numpy(), tp.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,args,kwargs", CONV_MODULES, ids=[f"{n}{a}{k}" for n, a, k in CONV_MODULES])
def test_conv_default_init(name, args, kwargs):
    m = getattr(nn, name)(*args, **kwargs)
    t = getattr(tnn, name)(*args, **kwargs)
    assert m.weight.dtype == retrograd.float32 and tuple(m.weight.shape) == tuple(t.weight.shape)
    fan_in = m.weight.shape[1] * math.prod(m.weight.shape[2:])
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) gives the same bound as the bias
    w = m.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > bound / 4
    if kwargs.get("bias", True):
        b = m.bias.detach().numpy()
        assert b.shape == (m.out_channels,) and np.abs(b).max() <= bound
    else:
        assert m.bias is None and t.bias is None


def test_conv_init_statistics():
    w = nn.Conv2d(64, 64, 3).weight.detach().numpy()
    bound = 1 / math.sqrt(64 * 9)
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound and abs(w.mean()) < 0.02 * bound


def test_conv_transpose_output_size():
    rm, tm = _pair_modules("ConvTranspose2d", (2, 3, 3), dict(stride=2))
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4))
    for size in [(10, 10), (9, 10), [1, 3, 10, 9]]:
        np.testing.assert_allclose(rm(retrograd.tensor(x), output_size=size).detach().numpy(),
                                   tm(torch.tensor(x), output_size=size).detach().numpy(), rtol=1e-10)
    with pytest.raises(ValueError, match=r"requested an output size of \(12, 10\), but valid sizes range from "
                                         r"\[9, 9\] to \[10, 10\]"):
        rm(retrograd.tensor(x), output_size=(12, 10))
    with pytest.raises(ValueError, match=r"ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements "
                                         r"\(got 1\)"):
        rm(retrograd.tensor(x), output_size=(12,))


POOL_MODULES = [
    ("MaxPool1d", (3, 2, 1), dict(ceil_mode=True)),
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", ((3, 2), 1, (1, 0)), dict(dilation=(1, 2))),
    ("MaxPool3d", (2,), dict(ceil_mode=True)),
    ("AvgPool1d", (3,), dict(stride=2, padding=1, count_include_pad=False)),
    ("AvgPool2d", (3, 2, 1), dict(ceil_mode=True)),
    ("AvgPool2d", (2,), dict(divisor_override=3)),
    ("AvgPool3d", ((2, 1, 2),), {}),
    ("AdaptiveAvgPool1d", (4,), {}),
    ("AdaptiveAvgPool2d", ((None, 3),), {}),
    ("AdaptiveAvgPool2d", (1,), {}),
    ("AdaptiveAvgPool3d", (2,), {}),
    ("AdaptiveMaxPool1d", (5,), {}),
    ("AdaptiveMaxPool2d", ((3, 5),), {}),
    ("AdaptiveMaxPool3d", ((2, 3, 2),), {}),
    ("Upsample", (), dict(scale_factor=2)),
    ("Upsample", (), dict(size=(5, 11), mode="bilinear")),
    ("Upsample", (), dict(scale_factor=1.5, mode="bicubic", align_corners=True)),
    ("Upsample", (), dict(scale_factor=3, mode="linear")),
    ("UpsamplingNearest2d", (), dict(scale_factor=2)),
    ("UpsamplingBilinear2d", (), dict(size=(3, 9))),
    ("ZeroPad2d", ((1, 2, 0, 3),), {}),
    ("ConstantPad1d", (2, 1.5), {}),
    ("ConstantPad3d", ((1, 0, 2, 1, 0, 1), -1.0), {}),
    ("ReflectionPad1d", (2,), {}),
    ("ReflectionPad2d", ((1, 2, 3, 0),), {}),
    ("ReplicationPad2d", (2,), {}),
    ("ReplicationPad3d", (1,), {}),
    ("CircularPad1d", ((3, 1),), {}),
    ("CircularPad2d", (1,), {}),
    ("Unfold", ((2, 3),), dict(padding=1, stride=(1, 2))),
]


def _pool_input(name, kwargs=None):
    if name.endswith("3d"):
        shape = (2, 3, 5, 4, 6)
    elif name.endswith("1d") or (kwargs or {}).get("mode") == "linear":
        shape = (2, 3, 7)
    else:
        shape = (2, 3, 6, 7)
    rng = np.random.default_rng(2)
    return rng.permutation(math.prod(shape)).reshape(shape) / 10.0


@pytest.mark.parametrize("name,args,kwargs", POOL_MODULES, ids=[f"{n}{a}{k}" for n, a, k in POOL_MODULES])
def test_pool_and_resample_modules_match_pytorch(name, args, kwargs):
    rm, tm = getattr(nn, name)(*args, **kwargs), getattr(tnn, name)(*args, **kwargs)
    assert repr(rm) == repr(tm)
    x = _pool_input(name, kwargs)
    rx, tx = retrograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ry, ty = rm(rx), tm(tx)
    assert tuple(ry.shape) == tuple(ty.shape)
    np.testing.assert_allclose(ry.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(ty.shape))
    ry.backward(retrograd.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(rx.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_fold_module_matches_pytorch():
    x = np.random.default_rng(0).standard_normal((2, 3 * 4, 12))
    rm, tm = nn.Fold((4, 5), 2), tnn.Fold((4, 5), 2)
    assert repr(rm) == repr(tm)
    np.testing.assert_allclose(rm(retrograd.tensor(x)).numpy(), tm(torch.tensor(x)).numpy(), rtol=1e-12)


def test_pool_modules_return_indices():
    x = _pool_input("MaxPool2d")
    for rm, tm in [(nn.MaxPool2d(3, 2, 1, return_indices=True), tnn.MaxPool2d(3, 2, 1, return_indices=True)),
                   (nn.AdaptiveMaxPool2d((4, 5), True), tnn.AdaptiveMaxPool2d((4, 5), True)),
                   (nn.MaxPool1d(2, return_indices=True), tnn.MaxPool1d(2, return_indices=True))]:
        xi = x if not isinstance(rm, nn.MaxPool1d) else x[:, :, 0]
        (rv, ri), (tv, ti) = rm(retrograd.tensor(xi)), tm(torch.tensor(xi))
        assert ri.dtype == retrograd.int64 and not ri.requires_grad
        np.testing.assert_array_equal(ri.numpy(), ti.numpy())
        np.testing.assert_array_equal(rv.numpy(), tv.numpy())


# --- functional details ------------------------------------------------------------------------------


def _grads_both(fn, x, seed=3):
    rx, tx = retrograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ry, ty = fn(F, rx), fn(TF, tx)
    g = np.random.default_rng(seed).standard_normal(tuple(ty.shape))
    ry.backward(retrograd.tensor(g))
    ty.backward(torch.tensor(g))
    return ry, ty, rx.grad.numpy(), tx.grad.numpy()


@pytest.mark.parametrize("fn", [
    lambda F, x: F.max_pool2d(x, 2),
    lambda F, x: F.max_pool2d(x, 3, 1, 1),
    lambda F, x: F.max_pool1d(x[:, :, 0], 3, 2, ceil_mode=True),
    lambda F, x: F.adaptive_max_pool2d(x, (3, 7)),
], ids=["2x2", "overlapping_padded", "1d_ceil", "adaptive"])
def test_max_pool_ties_go_to_the_first_maximum_like_pytorch(fn):
    x = np.random.default_rng(0).integers(0, 2, (2, 3, 6, 5)).astype(np.float64)  # many ties
    ry, ty, rg, tg = _grads_both(fn, x)
    np.testing.assert_array_equal(ry.detach().numpy(), ty.detach().numpy())
    np.testing.assert_allclose(rg, tg, rtol=1e-12)


def test_max_pool_nan_like_pytorch():
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 6))
    x[0, 0, 1, 1] = x[0, 0, 0, 1] = x[0, 1, 4, 5] = np.nan
    for fn in (lambda F, x: F.max_pool2d(x, 2), lambda F, x: F.max_pool2d(x, 3, 1, 1)):
        ry, ty, rg, tg = _grads_both(fn, x)
        np.testing.assert_array_equal(ry.detach().numpy(), ty.detach().numpy())
        np.testing.assert_allclose(rg, tg, rtol=1e-12)
    ri = F.max_pool2d(retrograd.tensor(x), 2, return_indices=True)[1]
    ti = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)[1]
    np.testing.assert_array_equal(ri.numpy(), ti.numpy())


def test_float32_stays_float32():
    x = retrograd.randn(2, 3, 8, 8, requires_grad=True)
    w = retrograd.randn(4, 3, 3, 3, requires_grad=True)
    b = retrograd.randn(4, requires_grad=True)
    y = F.max_pool2d(F.relu(F.conv2d(x, w, b, padding=1)), 2)
    y = F.interpolate(F.avg_pool2d(y, 2), scale_factor=2, mode="bilinear")
    y = F.conv_transpose2d(F.pad(y, (1, 1, 1, 1), mode="reflect"), w, stride=2)
    assert y.dtype == retrograd.float32
    y.sum().backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == retrograd.float32


def test_conv_double_backward_matches_pytorch():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)

    def second(lib, F):
        ts = [lib.tensor(a, requires_grad=True) for a in (x, w, b)]
        y = F.conv2d(ts[0], ts[1], ts[2], stride=(2, 1), padding=1)
        gx, gw = lib.autograd.grad((y * y).sum(), ts[:2], create_graph=True)
        ((gx * gx).sum() + (gw ** 3).sum()).backward()
        return [t.grad.detach().numpy() for t in ts]

    for r, t in zip(second(retrograd, F), second(torch, TF)):
        np.testing.assert_allclose(r, t, rtol=1e-9, atol=1e-10)


def test_grad_fn_names_match_pytorch():
    x = retrograd.randn(1, 2, 6, 6, requires_grad=True)
    w = retrograd.randn(3, 2, 3, 3, requires_grad=True)
    assert F.conv2d(x, w).grad_fn.name() == "ConvolutionBackward0"
    assert F.max_pool2d(x, 2).grad_fn.name() == "MaxPool2DWithIndicesBackward0"
    assert F.avg_pool2d(x, 2).grad_fn.name() == "AvgPool2DBackward0"
    assert F.interpolate(x, scale_factor=2, mode="bilinear").grad_fn.name() == "UpsampleBilinear2DBackward0"
    assert F.pad(x, (1, 1, 1, 1), mode="reflect").grad_fn.name() == "ReflectionPad2DBackward0"
    gx = retrograd.autograd.grad(F.conv2d(x, w).sum(), x, create_graph=True)[0]
    assert gx.grad_fn.name() == "ConvolutionBackwardBackward0"


def test_same_padding_with_even_kernel_warns_like_pytorch():
    x, w = retrograd.randn(1, 2, 5, 5), retrograd.randn(3, 2, 2, 2)
    with pytest.warns(UserWarning, match="Using padding='same' with even kernel lengths"):
        y = F.conv2d(x, w, padding="same")
    assert tuple(y.shape) == (1, 3, 5, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.conv2d(x, retrograd.randn(3, 2, 3, 3), padding="same")


def test_deprecated_upsample_aliases():
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 4))
    for name, kw in [("upsample", dict(scale_factor=2, mode="bilinear")), ("upsample_nearest", dict(scale_factor=2)),
                     ("upsample_bilinear", dict(size=(5, 7)))]:
        with pytest.warns(UserWarning, match="deprecated"):
            r = getattr(F, name)(retrograd.tensor(x), **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = getattr(TF, name)(torch.tensor(x), **kw)
        np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-12)


# --- errors: same type and message as PyTorch ----------------------------------------------------------

ERROR_CASES = [
    lambda m, F: F.conv2d(m.randn(2, 3), m.randn(6, 4, 3, 3)),
    lambda m, F: F.conv2d(m.randn(2, 3, 8, 8), m.randn(6, 4, 3, 3)),
    lambda m, F: F.conv2d(m.randn(3, 8, 8), m.randn(6, 4, 3, 3)),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(6, 4, 3, 3), m.randn(5)),
    lambda m, F: F.conv2d(m.randn(2, 4, 2, 2), m.randn(6, 4, 3, 3)),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(6, 4, 3, 3), stride=2, padding="same"),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(6, 4, 3, 3), padding="foo"),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(5, 2, 3, 3), groups=2),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(6, 4, 3, 3), stride=0),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(6, 4, 3, 3), padding=-1),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(6, 4, 3, 3), stride=(1, 1, 1)),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8, dtype=m.float64), m.randn(6, 4, 3, 3)),
    lambda m, F: F.conv2d(m.randn(2, 4, 8, 8), m.randn(6, 4, 3, 3), m.randn(6, dtype=m.float64)),
    lambda m, F: F.conv_transpose2d(m.randn(2, 4, 8, 8), m.randn(4, 3, 3, 3), output_padding=1),
    lambda m, F: F.conv_transpose1d(m.randn(2, 4, 8), m.randn(4, 3, 3), output_padding=1),
    lambda m, F: F.conv_transpose2d(m.randn(2, 4, 8, 8), m.randn(3, 3, 3, 3)),
    lambda m, F: F.max_pool2d(m.randn(2, 4, 8, 8), 3, padding=2),
    lambda m, F: F.max_pool2d(m.randn(2, 4, 8, 8), 9),
    lambda m, F: F.max_pool2d(m.randn(8, 8), 2),
    lambda m, F: F.max_pool1d(m.randn(8), 2),
    lambda m, F: F.avg_pool1d(m.randn(8), 2),
    lambda m, F: F.avg_pool2d(m.randn(2, 4, 8, 8), 2, divisor_override=0),
    lambda m, F: F.adaptive_avg_pool2d(m.randn(2, 4, 8, 8), (2, 2, 2)),
    lambda m, F: F.adaptive_max_pool2d(m.randn(8, 8), 2),
    lambda m, F: F.pad(m.randn(2, 3, 4, 5), (1,)),
    lambda m, F: F.pad(m.randn(2, 3, 4, 5), (5, 5, 1, 1), mode="reflect"),
    lambda m, F: F.pad(m.randn(2, 3, 4, 5), (1, 1), mode="reflect"),
    lambda m, F: F.pad(m.randn(2, 3, 4, 5), (9, 9, 9, 9), mode="reflect"),
    lambda m, F: F.pad(m.randn(1, 1, 2, 3, 4), (9, 9, 9, 9, 9, 9), mode="reflect"),
    lambda m, F: F.pad(m.randn(0, 3, 4, 5)[:, :, :0], (9, 9, 9, 9), mode="reflect"),
    lambda m, F: F.pad(m.randn(2, 3, 4, 5), (6, 6, 1, 1), mode="circular"),
    lambda m, F: F.pad(m.randn(2, 3, 4, 5), (1, 1), mode="foo"),
    lambda m, F: F.interpolate(m.randn(2, 3, 4, 5), scale_factor=2, align_corners=True),
    lambda m, F: F.interpolate(m.randn(2, 3, 4, 5), scale_factor=2, size=3),
    lambda m, F: F.interpolate(m.randn(2, 3, 4, 5), scale_factor=2, mode="linear"),
    lambda m, F: F.interpolate(m.randn(2, 3, 4, 5), size=(3,)),
    lambda m, F: F.unfold(m.randn(2, 4, 8, 8), 9),
    lambda m, F: F.fold(m.randn(2, 36, 35), (8, 8), 3),
    lambda m, F: F.fold(m.randn(2, 35, 36), (8, 8), 3),
    lambda m, F: m.nn.Conv2d(4, 6, 3, groups=3),
    lambda m, F: m.nn.Conv2d(4, 7, 3, groups=2),
    lambda m, F: m.nn.Conv2d(4, 6, 3, padding="same", stride=2),
    lambda m, F: m.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"),
    lambda m, F: m.nn.Conv2d(4, 6, 3)(m.randn(2, 3, 8, 8)),
]


@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_errors_match_pytorch(case):
    fn = ERROR_CASES[case]
    with pytest.raises(Exception) as expected:
        fn(torch, TF)
    with pytest.raises(type(expected.value)) as got:
        fn(retrograd, F)
    assert str(got.value) == str(expected.value).replace("torch.", "retrograd.")


# --- a whole small CNN (W6) trains like PyTorch -----------------------------------------------------------


def test_small_cnn_training_matches_pytorch():
    rng = np.random.default_rng(6)
    shapes = [(8, 1, 3, 3), (8,), (16, 8, 3, 3), (16,), (10, 400), (10,)]
    params = [rng.uniform(-0.3, 0.3, s).astype(np.float32) for s in shapes]
    x = rng.standard_normal((8, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 8)

    def train(lib, F):
        ps = [lib.tensor(p, requires_grad=True) for p in params]
        losses = []
        for _ in range(3):
            h = F.max_pool2d(F.relu(F.conv2d(lib.tensor(x), ps[0], ps[1])), 2)
            h = F.max_pool2d(F.relu(F.conv2d(h, ps[2], ps[3])), 2)
            loss = F.cross_entropy(F.linear(h.flatten(1), ps[4], ps[5]), lib.tensor(y))
            for p in ps:
                p.grad = None
            loss.backward()
            with lib.no_grad():
                for p in ps:
                    p -= 0.1 * p.grad
            losses.append(loss.item())
        return losses, [p.detach().numpy() for p in ps]

    (rl, rp), (tl, tp) = train(retrograd, F), train(torch, TF)
    np.testing.assert_allclose(rl, tl, rtol=1e-5)
    for r, t in zip(rp, tp):
        np.testing.assert_allclose(r, t, rtol=1e-4, atol=1e-5)
