"""The memory layout of a convolution's result (`ops/kernels/conv_layout.py`).

PyTorch's CPU convolutions return channels-last results when the input or the weight suggests
channels-last, so a model moved with `.to(memory_format=torch.channels_last)` keeps its
activations channels-last; 5-D float64 convolutions stay row-major. Max pooling keeps its input's
format too (a channels-last ResNet stem's maxpool, met in segmentation_models_pytorch).
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the spelled-out expectations below still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


def _layouts(m, dtype_name: str) -> list[tuple[int, ...]]:
    """The strides of the results of a set of convolutions with channels-last operands."""
    dt = getattr(m, dtype_name)
    F, cl, cl3 = m.nn.functional, m.channels_last, m.channels_last_3d
    m.manual_seed(0)
    x, w = m.randn(2, 3, 4, 5, dtype=dt), m.randn(6, 3, 3, 3, dtype=dt)
    x5, w5 = m.randn(2, 3, 4, 5, 3, dtype=dt), m.randn(4, 3, 2, 2, 2, dtype=dt)
    sliced = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)[:, :, :, 1:]  # channels-last order, gaps
    one_channel = m.randn(2, 1, 4, 5, dtype=dt).to(memory_format=cl)
    results = [
        F.conv2d(x, w),
        F.conv2d(x.to(memory_format=cl), w),
        F.conv2d(x, w.to(memory_format=cl), m.randn(6, dtype=dt)),
        F.conv2d(x.to(memory_format=cl), m.randn(3, 1, 3, 3, dtype=dt), groups=3),
        F.conv2d(sliced, w),
        F.conv2d(one_channel, m.randn(4, 1, 3, 3, dtype=dt)),
        F.conv2d(x.transpose(2, 3), w),
        F.conv_transpose2d(x.to(memory_format=cl), m.randn(3, 2, 3, 3, dtype=dt), stride=2),
        F.conv_transpose2d(x, m.randn(3, 2, 3, 3, dtype=dt).to(memory_format=cl), m.randn(2, dtype=dt)),
        F.conv3d(x5.to(memory_format=cl3), w5),
        F.conv_transpose3d(x5, m.randn(3, 4, 2, 2, 2, dtype=dt).to(memory_format=cl3)),
        F.conv1d(x[:, :, 0], w[:, :, 0]),
    ]
    return [tuple(r.stride()) for r in results]


EXPECTED_FLOAT32 = [
    (36, 6, 3, 1),
    (36, 1, 18, 6),
    (36, 1, 18, 6),
    (18, 1, 9, 3),
    (24, 1, 12, 6),
    (24, 1, 12, 4),
    (36, 6, 2, 1),
    (198, 1, 22, 2),
    (84, 1, 14, 2),
    (96, 1, 32, 8, 4),
    (480, 1, 96, 16, 4),
    (18, 3, 1),
]
# float64: the same, but PyTorch has no channels-last kernels for 3-D convolutions of it
EXPECTED_FLOAT64 = EXPECTED_FLOAT32[:9] + [(96, 24, 8, 2, 1), (480, 120, 24, 4, 1)] + EXPECTED_FLOAT32[11:]


@pytest.mark.parametrize(("dtype", "expected"), [("float32", EXPECTED_FLOAT32), ("float64", EXPECTED_FLOAT64)])
def test_convolution_results_are_laid_out_as_their_operands_suggest(dtype, expected):
    assert _layouts(rg, dtype) == expected


@needs_torch
@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64"])
def test_convolution_result_layouts_match_pytorch(dtype):
    assert _layouts(rg, dtype) == _layouts(torch, dtype)


def _channels_last_model(m):
    """A small channels-last conv net: its output's strides, its input's gradient's strides and
    the weight gradient's strides, and the values."""
    m.manual_seed(3)
    net = m.nn.Sequential(m.nn.Conv2d(3, 4, 3, padding=1), m.nn.BatchNorm2d(4), m.nn.ReLU(), m.nn.Conv2d(4, 2, 1))
    net = net.to(memory_format=m.channels_last)
    x = m.randn(2, 3, 5, 5).to(memory_format=m.channels_last).requires_grad_()
    y = net(x)
    (y * m.arange(50.0).reshape(2, 1, 5, 5)).sum().backward()
    return y.stride(), x.grad.stride(), net[0].weight.grad.stride(), y.detach().numpy(), x.grad.numpy()


def test_channels_last_model_keeps_channels_last_activations():
    out_strides, grad_strides, weight_grad_strides, values, _ = _channels_last_model(rg)
    assert out_strides == (50, 1, 10, 2)
    assert grad_strides == (75, 1, 15, 3)
    assert weight_grad_strides == (27, 1, 9, 3)
    rg.manual_seed(3)  # the values do not depend on the layout
    net = rg.nn.Sequential(rg.nn.Conv2d(3, 4, 3, padding=1), rg.nn.BatchNorm2d(4), rg.nn.ReLU(), rg.nn.Conv2d(4, 2, 1))
    np.testing.assert_allclose(values, net(rg.randn(2, 3, 5, 5)).detach().numpy(), rtol=1e-6, atol=1e-6)


@needs_torch
@pytest.mark.pytorch
def test_channels_last_model_matches_pytorch():
    ours, theirs = _channels_last_model(rg), _channels_last_model(torch)
    assert ours[:3] == theirs[:3]
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-5, atol=1e-5)


def _meta_layout(m):
    x = m.randn(2, 3, 5, 5, device="meta").to(memory_format=m.channels_last)
    return tuple(m.nn.functional.conv2d(x, m.randn(4, 3, 3, 3, device="meta")).stride())


def test_meta_device_results_stay_row_major():
    assert _meta_layout(rg) == (36, 9, 3, 1)


@needs_torch
@pytest.mark.pytorch
def test_meta_device_layout_matches_pytorch():
    assert _meta_layout(rg) == _meta_layout(torch)


def _max_pool_layouts(m):
    F = m.nn.functional
    x = m.randn(2, 4, 7, 7).to(memory_format=m.channels_last).requires_grad_()
    y = F.max_pool2d(x, 3, 2, 1)
    y.sum().backward()
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    x3 = x.detach().unsqueeze(2).contiguous(memory_format=m.channels_last_3d)
    return [y.stride(), x.grad.stride(), values.stride(), indices.stride(), F.adaptive_max_pool2d(x, 3).stride(),
            F.max_pool2d(x.contiguous(), 2).stride(), F.max_pool3d(x3, (1, 2, 2)).stride()], y.detach().numpy()


def test_max_pool_keeps_a_channels_last_input_channels_last():
    rg.manual_seed(0)
    layouts, values = _max_pool_layouts(rg)
    assert layouts == [(64, 1, 16, 4), (196, 1, 28, 4), (36, 1, 12, 4), (36, 1, 12, 4), (36, 1, 12, 4),
                       (36, 9, 3, 1), (36, 1, 36, 12, 4)]
    rg.manual_seed(0)
    x = rg.randn(2, 4, 7, 7)
    np.testing.assert_array_equal(values, rg.nn.functional.max_pool2d(x, 3, 2, 1).numpy())  # same values


@needs_torch
@pytest.mark.pytorch
def test_max_pool_layouts_match_pytorch():
    rg.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = _max_pool_layouts(rg), _max_pool_layouts(torch)
    assert ours[0] == [tuple(s) for s in theirs[0]]
    np.testing.assert_array_equal(ours[1], theirs[1])
