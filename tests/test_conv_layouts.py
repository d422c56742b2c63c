"""The convolution's layouts: image by image (batch-major columns) or one product over the batch,
and for the input's gradient one product for all kernel taps or one per tap.

`kernels/windows.py` picks them from the shapes (`per_image`, `_PER_TAP_MAX_WORK`). The op
table's small convolutions mostly run one way; here every convolution case of the table runs
each way: forward against its NumPy reference, first and second derivatives against finite
differences, and every gradient against the other ways'. Depthwise convolutions run tap by tap
(`kernels/depthwise.py`); in the column layouts here they run on columns too, and the tap by
tap results are checked against them.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.ops.kernels import depthwise, windows

from .ops import cases_conv
from .ops.harness import make_tensors, outputs, to_numpy

F = retrograd.nn.functional

CONV_CASES = [c for c in cases_conv.CASES if c.name.startswith(("F.conv", "F.conv_transpose"))]
IDS = [c.id for c in CONV_CASES]


LAYOUTS = ["image", "batch", "batch, taps one by one"]


def _force(monkeypatch, layout: str) -> list:
    """Every convolution in `layout` (one of LAYOUTS).

    Returns the list of the functions of the layout that ran, to show it did."""
    monkeypatch.setattr(depthwise, "applies", lambda w_shape, groups: False)  # depthwise ones on columns too
    image = layout == "image"
    monkeypatch.setattr(windows, "_PER_IMAGE_MIN", 1 if image else 10**9)
    monkeypatch.setattr(windows, "_PER_IMAGE_MAX_WORK", 10**9 if image else 0)
    monkeypatch.setattr(windows, "_PER_TAP_MAX_WORK", 10**9 if "one by one" in layout else 0)
    ran: list = []
    for name in ("image_columns", "_taps_one_by_one"):
        real = getattr(windows, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            ran.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(windows, name, spy)
    return ran


def _rng(case) -> np.random.Generator:
    return np.random.default_rng(sum(map(ord, case.id)))


def _value_and_grads(case, arrays):
    tensors = make_tensors(retrograd, arrays, True)
    result = case.fn(retrograd, *tensors)
    outs = [o for o in outputs(result) if isinstance(o, retrograd.Tensor)]
    weights = [np.random.default_rng(1).standard_normal(tuple(o.shape)) for o in outs]
    sum((o * retrograd.tensor(w)).sum() for o, w in zip(outs, weights)).backward()
    grads = [t.grad.numpy() for t in tensors if isinstance(t, retrograd.Tensor) and t.grad is not None]
    return [to_numpy(o) for o in outs], grads


def test_the_table_has_convolutions_of_every_kind():
    names = {c.name for c in CONV_CASES}
    assert {"F.conv1d", "F.conv2d", "F.conv3d", "F.conv_transpose1d", "F.conv_transpose2d"} <= names


@pytest.mark.parametrize("layout", LAYOUTS[0::2])
@pytest.mark.parametrize("case", CONV_CASES, ids=IDS)
def test_each_layout_matches_the_reference(case, layout, monkeypatch):
    _force(monkeypatch, layout)
    arrays = case.inputs(_rng(case))
    if case.ref is not None:
        got = to_numpy(case.fn(retrograd, *make_tensors(retrograd, arrays, False)))
        np.testing.assert_allclose(got, case.ref(*arrays), rtol=case.rtol, atol=case.atol)
    tensors = make_tensors(retrograd, arrays, True)
    assert gradcheck(lambda *ts: case.fn(retrograd, *ts), tensors)
    assert gradgradcheck(lambda *ts: case.fn(retrograd, *ts), tensors)


@pytest.mark.parametrize("case", CONV_CASES, ids=IDS)
def test_the_layouts_agree(case, monkeypatch):
    arrays = case.inputs(_rng(case))
    ran = _force(monkeypatch, "image")
    image = _value_and_grads(case, arrays)
    assert "image_columns" in ran  # every case's forward or backward runs a convolution image by image
    ran = _force(monkeypatch, "batch")
    batch = _value_and_grads(case, arrays)
    assert not ran
    for a, b in zip(image[0] + image[1], batch[0] + batch[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    ran = _force(monkeypatch, "batch, taps one by one")
    taps = _value_and_grads(case, arrays)
    for a, b in zip(taps[0] + taps[1], batch[0] + batch[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


DEPTHWISE_CASES = [c for c in CONV_CASES if any(v in c.variant for v in ("groups", "all_options", "depthwise"))]


@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=[c.id for c in DEPTHWISE_CASES])
def test_depthwise_tap_by_tap_agrees_with_the_columns(case, monkeypatch):
    arrays = case.inputs(_rng(case))
    ran: list = []
    for name in ("conv_forward", "conv_input_grad", "conv_weight_grad"):
        real = getattr(depthwise, name)
        spy = lambda *a, _real=real, _name=name, **k: ran.append(_name) or _real(*a, **k)  # noqa: E731
        monkeypatch.setattr(depthwise, name, spy)
    tap_by_tap = _value_and_grads(case, arrays)
    depthwise_case = case.inputs(_rng(case))[1].shape[1] == 1
    assert bool(ran) == depthwise_case
    _force(monkeypatch, "batch")
    columns = _value_and_grads(case, arrays)
    for a, b in zip(tap_by_tap[0] + tap_by_tap[1], columns[0] + columns[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_taps_one_by_one_run_for_a_stride_one_input_gradient(monkeypatch):
    ran = _force(monkeypatch, "batch, taps one by one")
    x = retrograd.randn(2, 4, 9, 8, requires_grad=True)
    w = retrograd.randn(6, 2, 3, 3)
    F.conv2d(x, w, padding=1, groups=2).sum().backward()
    assert ran == ["_taps_one_by_one"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_float32_array_rules_and_tensor_rules_agree_bit_for_bit(layout, monkeypatch):
    # the weight's array rule reads the kept columns; the tensor rule builds them again
    _force(monkeypatch, layout)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 9, 8)).astype(np.float32)
    w = rng.standard_normal((6, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)

    def grads(create_graph: bool):
        ts = [retrograd.tensor(a, requires_grad=True) for a in (x, w, b)]
        y = F.conv2d(ts[0], ts[1], ts[2], padding=1, stride=(1, 2), groups=2)
        y = F.conv2d(y, ts[1][:, :1].repeat(1, 3, 1, 1), padding=(1, 2), groups=2)  # stride 1: a wide input gradient
        gs = retrograd.autograd.grad((y * y).sum(), ts, create_graph=create_graph)
        return [g.detach().numpy() for g in gs]

    for plain, recorded in zip(grads(False), grads(True)):
        assert np.array_equal(plain.view(np.uint8), recorded.view(np.uint8))


def test_the_layout_follows_the_shapes():
    # W6's convolutions (light products on large images) run image by image; heavy products,
    # and small images, as one product over the batch
    assert windows.per_image((26, 26), 1 * 9, 8)
    assert windows.per_image((11, 11), 8 * 9, 16)
    assert not windows.per_image((16, 16), 64 * 9, 64)
    assert not windows.per_image((4, 4), 1 * 9, 8)


def test_kept_columns_are_batch_major_when_image_by_image():
    x = retrograd.randn(2, 1, 12, 12)
    w = retrograd.randn(4, 1, 3, 3, requires_grad=True)
    y = F.conv2d(x, w)
    assert y.grad_fn.attrs["cols"].shape == (2, 1, 9, 100)  # (N, groups, C/groups * taps, positions)
    assert y.is_contiguous()


def test_float16_weight_gradient_is_as_accurate_image_by_image(monkeypatch):
    # the per-image partial products add up in float32 (a float16 running sum over 64 images lost ~3x more)
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((64, 1, 28, 28)), rng.standard_normal((8, 1, 3, 3))

    def weight_grad(dtype):
        wt = retrograd.tensor(w.astype(dtype), requires_grad=True)
        F.conv2d(retrograd.tensor(x.astype(dtype)), wt).sum().backward()
        return wt.grad.numpy().astype(np.float64)

    exact = weight_grad(np.float64)
    errors = {}
    for layout in ("image", "batch"):
        _force(monkeypatch, layout)
        errors[layout] = np.abs(weight_grad(np.float16) - exact).max() / np.abs(exact).max()
    assert errors["image"] <= 1.5 * max(errors["batch"], float(np.finfo(np.float16).eps))
