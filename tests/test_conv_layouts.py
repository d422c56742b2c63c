"""The convolution's two layouts: image by image (batch-major columns) and one product over the batch.

`kernels/windows.py` picks the layout from the shapes (`per_image`). The op table's small
convolutions all run as one product over the batch; here every convolution case of the table
runs image by image too: forward against its NumPy reference, first and second derivatives
against finite differences, and every gradient against the other layout's.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.ops.kernels import windows

from .ops import cases_conv
from .ops.harness import make_tensors, outputs, to_numpy

F = retrograd.nn.functional

CONV_CASES = [c for c in cases_conv.CASES if c.name.startswith(("F.conv", "F.conv_transpose"))]
IDS = [c.id for c in CONV_CASES]


def _force(monkeypatch, layout: str) -> list:
    """Every convolution in `layout`: "image" (image by image) or "batch" (one product).

    Returns the list of the per-image column matrices built, to show the layout ran."""
    image = layout == "image"
    monkeypatch.setattr(windows, "_PER_IMAGE_MIN", 1 if image else 10**9)
    monkeypatch.setattr(windows, "_PER_IMAGE_MAX_WORK", 10**9 if image else 0)
    built: list = []
    real = windows.image_columns

    def spy(*args, **kwargs):
        built.append(real(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(windows, "image_columns", spy)
    return built


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


@pytest.mark.parametrize("case", CONV_CASES, ids=IDS)
def test_image_by_image_matches_the_reference(case, monkeypatch):
    _force(monkeypatch, "image")
    arrays = case.inputs(_rng(case))
    if case.ref is not None:
        got = to_numpy(case.fn(retrograd, *make_tensors(retrograd, arrays, False)))
        np.testing.assert_allclose(got, case.ref(*arrays), rtol=case.rtol, atol=case.atol)
    tensors = make_tensors(retrograd, arrays, True)
    assert gradcheck(lambda *ts: case.fn(retrograd, *ts), tensors)
    assert gradgradcheck(lambda *ts: case.fn(retrograd, *ts), tensors)


@pytest.mark.parametrize("case", CONV_CASES, ids=IDS)
def test_both_layouts_agree(case, monkeypatch):
    arrays = case.inputs(_rng(case))
    built = _force(monkeypatch, "image")
    image = _value_and_grads(case, arrays)
    assert built  # every case's forward or backward runs a convolution image by image
    built = _force(monkeypatch, "batch")
    batch = _value_and_grads(case, arrays)
    assert not built
    for a, b in zip(image[0] + image[1], batch[0] + batch[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("layout", ["image", "batch"])
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
