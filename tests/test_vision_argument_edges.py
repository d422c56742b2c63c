"""Edge cases of the vision functions a spatial-ops probe found: circular padding that crops,
im2col/col2im argument checks, pixel-shuffle factors and ConvTranspose output_size errors.

Each case has its expectation spelled out (runs without PyTorch) and a comparison with PyTorch."""

from __future__ import annotations

import pytest

import retrograd
import retrograd.nn as nn
import retrograd.nn.functional as F

try:
    import torch
except ImportError:  # pragma: no cover - the comparisons skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


# --- circular padding with negative widths crops first, then wraps what is left -----------------------

CIRCULAR = [
    ((-1, 1), [1.0, 2.0, 3.0, 1.0]),
    ((1, -1), [2.0, 0.0, 1.0, 2.0]),
    ((-2, 1), [2.0, 3.0, 2.0]),
    ((2, -1), [1.0, 2.0, 0.0, 1.0, 2.0]),
    ((-1, 2), [1.0, 2.0, 3.0, 1.0, 2.0]),
    ((-2, -2), []),
]


@pytest.mark.parametrize(("pads", "expected"), CIRCULAR)
def test_circular_pad_with_negative_widths(pads, expected):
    x = retrograd.arange(4.0).view(1, 1, 4)
    assert F.pad(x, pads, mode="circular").flatten().tolist() == expected


def test_circular_pad_gradient_reaches_only_kept_elements():
    x = retrograd.arange(4.0).view(1, 1, 4).requires_grad_()
    F.pad(x, (-1, 1), mode="circular").sum().backward()
    assert x.grad.flatten().tolist() == [0.0, 2.0, 1.0, 1.0]


def test_circular_pad_cropping_everything_away_raises():
    with pytest.raises(RuntimeError, match="^Negative padding value is resulting in an empty dimension$"):
        F.pad(retrograd.zeros(1, 1, 4), (-3, -2), mode="circular")


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("pads", [p for p, _ in CIRCULAR] + [(-1, 1, 0, -1), (1, -2, -1, 2)])
def test_circular_pad_with_negative_widths_vs_torch(pads):
    data = torch.randn((2, 3, 4, 5) if len(pads) == 4 else (2, 3, 4), dtype=torch.float64)
    weights = torch.randn(torch.nn.functional.pad(data, pads, mode="circular").shape, dtype=torch.float64)
    results = []
    for lib, fn in ((torch, torch.nn.functional.pad), (retrograd, F.pad)):
        x = lib.tensor(data.numpy(), requires_grad=True)
        y = fn(x, pads, mode="circular")
        (y * lib.tensor(weights.numpy())).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy()))
    for ours, theirs in zip(results[1], results[0]):
        assert ours.shape == theirs.shape and (ours == theirs).all()


# --- unfold / fold argument checks --------------------------------------------------------------------

BLOCK_ERRORS = [
    (lambda m: m.nn.functional.unfold(m.zeros(1, 1, 4, 4), 2, stride=0), RuntimeError,
     "stride should be greater than zero, but got stride_height: 0 stride_width: 0"),
    (lambda m: m.nn.functional.unfold(m.zeros(1, 1, 4, 4), 0, stride=0), RuntimeError,
     "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 0"),
    (lambda m: m.nn.functional.unfold(m.zeros(1, 1, 4, 4), 2, stride=0, dilation=0, padding=-1), RuntimeError,
     "dilation should be greater than zero, but got dilation_height: 0 dilation_width: 0"),
    (lambda m: m.nn.functional.unfold(m.zeros(1, 1, 4, 4), 2, stride=0, padding=-1), RuntimeError,
     "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda m: m.nn.functional.unfold(m.zeros(1, 1, 4, 4), 2, stride=(1, 0)), RuntimeError,
     "stride should be greater than zero, but got stride_height: 1 stride_width: 0"),
    (lambda m: m.nn.functional.unfold(m.zeros(1, 1, 4, 4, 4), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, "
     "but got: [1, 1, 4, 4, 4]"),
    (lambda m: m.nn.functional.unfold(m.zeros(1, 0, 4, 4), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, "
     "but got: [1, 0, 4, 4]"),
    (lambda m: m.nn.functional.unfold(m.zeros(4, 4), 2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda m: m.nn.functional.fold(m.zeros(1, 4, 9), 4, 2, stride=0, padding=-1), RuntimeError,
     "stride should be greater than zero, but got stride_height: 0 stride_width: 0"),
    (lambda m: m.nn.functional.fold(m.zeros(1, 4, 9), 4, 2, padding=-1), RuntimeError,
     "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda m: m.nn.functional.fold(m.zeros(1, 4, 9), 4, 2, dilation=0, padding=-1), RuntimeError,
     "dilation should be greater than zero, but got dilation_height: 0 dilation_width: 0"),
    (lambda m: m.nn.functional.pixel_shuffle(m.zeros(1, 4, 2, 2), 0), RuntimeError,
     "pixel_shuffle expects a positive upscale_factor, but got 0"),
    (lambda m: m.nn.functional.pixel_unshuffle(m.zeros(1, 4, 2, 2), -1), RuntimeError,
     "pixel_unshuffle expects a positive downscale_factor, but got -1"),
    (lambda m: m.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)(m.zeros(1, 4, 5, 6), output_size=(8, 11)),
     ValueError, "requested an output size of (8, 11), but valid sizes range from [9, 11] to [10, 12] "
     "(for an input of {lib}.Size([5, 6]))"),
    (lambda m: m.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)(m.zeros(1, 4, 5, 6), output_size=[1, 6, 8, 11]),
     ValueError, "requested an output size of [8, 11], but valid sizes range from [9, 11] to [10, 12] "
     "(for an input of {lib}.Size([5, 6]))"),
]


@pytest.mark.parametrize("case", range(len(BLOCK_ERRORS)))
def test_argument_errors(case):
    call, kind, message = BLOCK_ERRORS[case]
    with pytest.raises(kind) as got:
        call(retrograd)
    assert str(got.value) == message.format(lib="retrograd")


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("case", range(len(BLOCK_ERRORS)))
def test_argument_errors_vs_torch(case):
    call, kind, message = BLOCK_ERRORS[case]
    with pytest.raises(kind) as expected:
        call(torch)
    assert str(expected.value) == message.format(lib="torch")


def test_unfold_still_accepts_empty_batches():
    assert F.unfold(retrograd.zeros(0, 1, 4, 4), 2).shape == (0, 4, 9)
    assert isinstance(nn.Unfold(2)(retrograd.zeros(3, 4, 4)), retrograd.Tensor)


def test_circular_pad_to_empty_backward_gives_zeros():
    x = retrograd.ones(1, 1, 4, requires_grad=True)
    F.pad(x, (-2, -2), mode="circular").sum().backward()
    assert x.grad.tolist() == [[[0.0, 0.0, 0.0, 0.0]]]


# --- uint8 images through nearest interpolation --------------------------------------------------------


@pytest.mark.parametrize(("mode", "expected"), [("nearest", [0, 0, 1, 2, 2, 3]), ("nearest-exact", [0, 1, 1, 2, 3, 3])])
def test_uint8_nearest_interpolation(mode, expected):
    y = F.interpolate(retrograd.arange(4, dtype=retrograd.uint8).view(1, 1, 4), scale_factor=1.5, mode=mode)
    assert y.dtype == retrograd.uint8 and y.flatten().tolist() == expected


def test_uint8_bilinear_interpolation_still_unsupported():
    with pytest.raises(NotImplementedError, match="\"upsample_bilinear2d\" not implemented for 'Byte'"):
        F.interpolate(retrograd.zeros(1, 1, 4, 4, dtype=retrograd.uint8), size=3, mode="bilinear")


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("shape", [(1, 2, 5), (2, 3, 5, 7), (1, 1, 3, 4, 5)])
def test_uint8_nearest_interpolation_vs_torch(mode, shape):
    data = torch.randint(0, 256, shape, dtype=torch.uint8)
    expected = torch.nn.functional.interpolate(data, scale_factor=1.7, mode=mode)
    got = F.interpolate(retrograd.tensor(data.numpy()), scale_factor=1.7, mode=mode)
    assert got.dtype == retrograd.uint8 and (got.numpy() == expected.numpy()).all()


# --- average pooling of int64: PyTorch's integer kernel divides toward zero --------------------


def test_int64_average_pooling_divides_toward_zero():
    x = retrograd.tensor([[[[-3, -4], [-1, -1]]]])
    assert F.avg_pool2d(x, 2).tolist() == [[[[-2]]]]  # -9 / 4 = -2.25: -2, not floor's -3
    assert F.avg_pool2d(x, 2, divisor_override=-2).tolist() == [[[[4]]]]
    assert F.avg_pool1d(retrograd.tensor([[-7, 2, 5]]), 2, 1).tolist() == [[-2, 3]]
    y = retrograd.tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])
    assert F.avg_pool2d(y, 2, 2, ceil_mode=True).tolist() == [[[[3, 4], [7, 9]]]]
    assert F.avg_pool2d(y, 2).dtype is retrograd.int64
    with pytest.raises(NotImplementedError, match="\"avg_pool2d\" not implemented for 'Int'"):
        F.avg_pool2d(y.int(), 2)


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("kwargs", [
    {}, {"stride": 1, "padding": 1}, {"stride": 1, "padding": 1, "count_include_pad": False},
    {"ceil_mode": True}, {"divisor_override": 3},
])
def test_int64_average_pooling_vs_torch(kwargs):
    values = [[[[-5, 2, 9, -1], [3, -8, 4, 7], [0, 6, -2, 1], [-9, 5, 3, -4]]]]
    ours = F.avg_pool2d(retrograd.tensor(values), 2, **kwargs)
    theirs = torch.nn.functional.avg_pool2d(torch.tensor(values), 2, **kwargs)
    assert ours.tolist() == theirs.tolist() and str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
