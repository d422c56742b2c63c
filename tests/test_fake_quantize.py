"""fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine: values, the straight-through
gradient, node names and PyTorch's errors (quantization-aware training)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def test_per_tensor_values_and_straight_through_gradient():
    x = retrograd.tensor([0.0552, 0.9730, 0.3973, -1.0780, 0.25, 0.35, 30.0], requires_grad=True)
    y = retrograd.fake_quantize_per_tensor_affine(x, 0.1, 3, 0, 255)
    # q = rint(x * 10) + 3 clamped to [0, 255]; 2.5 and 3.5 round to even
    assert np.allclose(y.detach().numpy(), [0.1, 1.0, 0.4, -0.3, 0.2, 0.4, 25.2], atol=1e-6)
    assert type(y.grad_fn).__name__ == "FakeQuantizePerTensorAffineCachemaskBackward0"
    y.backward(retrograd.full((7,), 2.0))
    assert x.grad.tolist() == [2.0, 2.0, 2.0, 0.0, 2.0, 2.0, 0.0]  # 0 where the clamp cut (-1.078, 30)


def test_per_tensor_tensor_qparams_and_dtypes():
    x = retrograd.tensor([0.26, -0.74], dtype=retrograd.float64, requires_grad=True)
    y = retrograd.fake_quantize_per_tensor_affine(x, retrograd.tensor(0.5), retrograd.tensor(1), -2, 2)
    assert y.dtype == retrograd.float64 and y.tolist() == [0.5, -0.5]
    assert type(y.grad_fn).__name__ == "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0"
    half = retrograd.fake_quantize_per_tensor_affine(x.detach().half(), 0.5, 0, -2, 2)
    assert half.dtype == retrograd.float16


def test_per_channel_values_gradient_and_float_zero_point():
    w = retrograd.tensor([[0.33, -0.71, 1.26], [2.2, -0.05, 0.47]], requires_grad=True)
    zero = retrograd.tensor([1, -2], dtype=retrograd.int32)
    y = retrograd.fake_quantize_per_channel_affine(w, retrograd.tensor([0.1, 0.3]), zero, 0, -8, 7)
    # row 0: q = rint(10 w) + 1 in [-8, 7]; row 1: q = rint(w / 0.3) - 2
    assert np.allclose(y.detach().numpy(), [[0.3, -0.7, 0.6], [2.1, 0.0, 0.6]], atol=1e-6)
    y.sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]
    # a float zero point is added before rounding: rint(3.3 + 1.3) = 5, (5 - 1.3) * 0.1
    f = retrograd.fake_quantize_per_channel_affine(
        w, retrograd.tensor([0.1, 0.3]), retrograd.tensor([1.3, -2.6]), 0, -128, 127
    )
    assert abs(f[0, 0].item() - 0.37) < 1e-6


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 300, 0, 255),
            RuntimeError,
            "`zero_point` must be between",
        ),
        (lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 0, 10, 5), RuntimeError, "`quant_min` should be less"),
        (
            lambda m, x: m.fake_quantize_per_tensor_affine(x.int(), 0.1, 0, 0, 255),
            NotImplementedError,
            "not implemented for 'Int'",
        ),
        (
            lambda m, x: m.fake_quantize_per_channel_affine(x, m.ones(3), m.zeros(3, dtype=m.int64), 1, 0, 9),
            RuntimeError,
            "Zero-point must be Int32, Float or Half, found Long",
        ),
        (
            lambda m, x: m.fake_quantize_per_channel_affine(
                x, m.ones(3, dtype=m.float64), m.zeros(3, dtype=m.int32), 1, 0, 9
            ),
            RuntimeError,
            "Scale must be Float or BFloat16, found Double",
        ),
        (
            lambda m, x: m.fake_quantize_per_channel_affine(x, m.ones(3), m.zeros(3, dtype=m.int32), 0, 0, 9),
            RuntimeError,
            "dimensions of scale and zero-point are not consistent",
        ),
        (
            lambda m, x: m.fake_quantize_per_channel_affine(x, m.ones(4), m.zeros(4, dtype=m.int32), -1, 0, 9),
            RuntimeError,
            "`axis` must be between 0",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        call(retrograd, retrograd.zeros(2, 3, 4))


def test_fake_quantize_matches_pytorch_bit_for_bit():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64, np.float16):
        xs = (rng.standard_normal((5, 7)) * 4).astype(dtype)
        xs[0, :4] = [0.25, 0.75, -0.25, 12.5]  # half-way values
        xs[1, :3] = [np.inf, -np.inf, np.nan]
        calls = [
            lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.0371, -5, -8, 7),
            lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor([0.05]), m.tensor([10], dtype=m.int32), 0, 255),
            lambda m, x: m.fake_quantize_per_channel_affine(
                x,
                m.tensor(np.linspace(0.02, 0.3, 7, dtype=np.float32)),
                m.tensor(np.arange(-3, 4, dtype=np.int32)),
                1,
                -8,
                7,
            ),
            lambda m, x: m.fake_quantize_per_channel_affine(
                x,
                m.tensor(np.linspace(0.1, 0.3, 5, dtype=np.float32)),
                m.tensor(np.linspace(-2, 2, 5, dtype=np.float32)),
                0,
                -128,
                127,
            ),
        ]
        for call in calls:
            results = []
            for m in (retrograd, torch):
                x = m.tensor(xs, requires_grad=True)
                y = call(m, x)
                (y.float() * m.arange(35.0).reshape(5, 7)).sum().backward()
                results.append(
                    (
                        y.detach().float().numpy(),
                        str(y.dtype).split(".")[-1],
                        x.grad.float().numpy(),
                        type(y.grad_fn).__name__,
                    )
                )
            (ry, rdt, rg, rn), (ty, tdt, tg, tn) = results
            np.testing.assert_array_equal(ry, ty)
            np.testing.assert_array_equal(rg, tg)
            assert (rdt, rn) == (tdt, tn)


def test_fake_quantize_errors_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    for call, _, _ in test_errors.pytestmark[0].args[1]:
        caught = []
        for m in (retrograd, torch):
            with pytest.raises(Exception) as info:
                call(m, m.zeros(2, 3, 4))
            caught.append((type(info.value), str(info.value).split("\n")[0]))
        assert caught[0] == caught[1]


def test_saved_mask_is_a_tensor_and_freed_after_backward():
    x = retrograd.linspace(-3, 3, 7, requires_grad=True)
    y = retrograd.fake_quantize_per_tensor_affine(x, 1.0, 0, -2, 2)
    mask = y.grad_fn._saved_mask
    assert isinstance(mask, retrograd.Tensor) and mask.tolist() == [False] + [True] * 5 + [False]
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn._saved_mask


def test_second_backward_and_saved_mask_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    seen = []
    for m in (retrograd, torch):
        x = m.linspace(-3, 3, 7, requires_grad=True)
        y = m.fake_quantize_per_channel_affine(x.view(7, 1), m.ones(7), m.zeros(7, dtype=m.int32), 0, -2, 2)
        saved = y.grad_fn._saved_mask
        y.sum().backward()
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        seen.append((type(saved).__name__, saved.tolist(), str(info.value)[:60]))
    assert seen[0] == seen[1]
