"""Edge cases of the vision functions a spatial-ops probe found: circular padding that crops,
im2col/col2im argument checks, pixel-shuffle factors and ConvTranspose output_size errors.

Each case has its expectation spelled out (runs without PyTorch) and a comparison with PyTorch."""

from __future__ import annotations

import numpy as np
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


def test_uint8_linear_and_integer_filters_still_refused_like_pytorch():
    # PyTorch's uint8 filters are 2D only, and no other integer dtype resamples
    with pytest.raises(NotImplementedError, match="^\"compute_indices_weights_linear\" not implemented for 'Byte'$"):
        F.interpolate(retrograd.zeros(1, 1, 4, dtype=retrograd.uint8), size=3, mode="linear")
    with pytest.raises(NotImplementedError, match="^\"compute_index_ranges_weights\" not implemented for 'Int'$"):
        F.interpolate(retrograd.zeros(1, 1, 4, 4, dtype=retrograd.int32), size=3, mode="bilinear", antialias=True)
    with pytest.raises(NotImplementedError, match="^\"compute_indices_weights_cubic\" not implemented for 'Long'$"):
        F.interpolate(retrograd.zeros(1, 1, 4, 4, dtype=retrograd.int64), size=3, mode="bicubic")


# --- uint8 images through bilinear, bicubic and lanczos: PyTorch's fixed point ------------------------

UINT8_FILTERS = [
    # (input row, output width, mode, keyword arguments, expected row)
    ([0, 100], 3, "bilinear", {"align_corners": True}, [0, 50, 100]),
    ([0, 100], 4, "bilinear", {}, [0, 25, 75, 100]),
    ([0, 100], 4, "bicubic", {}, [0, 23, 77, 111]),  # the overshoot past 100 is kept, below 0 clamped
    ([10, 20, 30, 40, 250, 0], 3, "bilinear", {}, [15, 35, 125]),
    ([10, 20, 30, 40, 250, 0], 3, "bilinear", {"antialias": True}, [17, 60, 113]),
    ([10, 20, 30, 40, 250, 0], 2, "bicubic", {"antialias": True}, [23, 103]),
    ([10, 20, 30, 40, 250, 0], 2, "lanczos", {"antialias": True}, [24, 102]),
]


@pytest.mark.parametrize(("row", "width", "mode", "kwargs", "expected"), UINT8_FILTERS)
def test_uint8_filters_round_in_fixed_point(row, width, mode, kwargs, expected):
    x = retrograd.tensor([[[row]]], dtype=retrograd.uint8)
    y = F.interpolate(x, size=(1, width), mode=mode, **kwargs)
    assert y.dtype == retrograd.uint8 and not y.requires_grad
    assert y.flatten().tolist() == expected


def test_uint8_filters_keep_a_flat_image_flat():
    x = retrograd.full((2, 3, 5, 7), 200, dtype=retrograd.uint8)
    for mode, aa in [("bilinear", False), ("bicubic", False), ("bicubic", True), ("lanczos", True)]:
        assert (F.interpolate(x, size=(9, 4), mode=mode, antialias=aa) == 200).all()


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
def test_uint8_filters_vs_torch(mode):
    rng = np.random.default_rng(5)
    for _ in range(40):  # outputs of at least 2x2: PyTorch's AVX kernel asserts on a 1x1 output of 3 channels
        h, w = (int(v) for v in rng.integers(4, 16, 2))
        aa = mode == "lanczos" or bool(rng.integers(0, 2))
        corners = mode != "lanczos" and bool(rng.integers(0, 2))
        data = rng.integers(0, 256, (2, 3, h, w), dtype=np.uint8)
        if rng.integers(0, 2):
            kw = {"scale_factor": tuple(float(v) for v in rng.uniform(0.5, 2.5, 2)), "recompute_scale_factor": False}
        else:
            kw = {"size": tuple(int(v) for v in rng.integers(2, 24, 2))}
        expected = torch.nn.functional.interpolate(torch.from_numpy(data), mode=mode, align_corners=corners,
                                                   antialias=aa, **kw)
        got = F.interpolate(retrograd.from_numpy(data), mode=mode, align_corners=corners, antialias=aa, **kw)
        assert got.dtype == retrograd.uint8 and np.array_equal(got.numpy(), expected.numpy()), (h, w, aa, corners, kw)


# --- lanczos mode: Lanczos-3 antialiased resampling, 4D input and antialias=True only --------------------


def test_lanczos_at_the_same_size_is_the_identity():
    x = retrograd.arange(20.0).view(1, 1, 4, 5)
    assert F.interpolate(x, size=(4, 5), mode="lanczos", antialias=True).tolist() == x.tolist()


def test_lanczos_errors():
    x = retrograd.ones(1, 1, 4, 4)
    with pytest.raises(ValueError, match="^Lanczos mode requires antialias=True$"):
        F.interpolate(x, size=2, mode="lanczos")
    with pytest.raises(ValueError, match="^Lanczos mode does not support align_corners=True$"):
        F.interpolate(x, size=2, mode="lanczos", antialias=True, align_corners=True)
    with pytest.raises(ValueError, match="^Anti-alias option is restricted to bilinear, bicubic, and lanczos"):
        F.interpolate(x[0], size=2, mode="lanczos", antialias=True)


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("kwargs", [{"size": (3, 2)}, {"size": (11, 13)}, {"scale_factor": (0.4, 0.7)}])
def test_lanczos_vs_torch(kwargs):
    data = np.random.default_rng(3).standard_normal((2, 3, 8, 9))
    tx = torch.tensor(data, requires_grad=True)
    rx = retrograd.tensor(data, requires_grad=True)
    ty = torch.nn.functional.interpolate(tx, mode="lanczos", antialias=True, **kwargs)
    ry = F.interpolate(rx, mode="lanczos", antialias=True, **kwargs)
    assert ry.grad_fn.name() == ty.grad_fn.name() == "UpsampleLanczos2DAaBackward0"
    np.testing.assert_allclose(ry.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    weights = np.arange(ty.numel(), dtype=np.float64).reshape(ty.shape)
    (ty * torch.tensor(weights)).sum().backward()
    (ry * retrograd.tensor(weights)).sum().backward()
    np.testing.assert_allclose(rx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


# --- interpolate checks its arguments in PyTorch's order ----------------------------------------------


def test_interpolate_checks_the_size_before_the_mode():
    with pytest.raises(ValueError, match="^Input and output must have the same number of spatial dimensions, but "
                                         "got input with spatial dimensions of \\[4\\] and output size of \\[4, 4\\]"):
        F.interpolate(retrograd.ones(1, 1, 4), size=[4, 4], mode="bilinear")
    with pytest.raises(TypeError, match="^expected size to be one of int or Tuple\\[int\\]"):
        F.interpolate(retrograd.ones(1, 1, 4, 4), size=(3.0, 4))
    with pytest.raises(NotImplementedError, match="^Input Error: Only 3D, 4D and 5D input Tensors supported"):
        F.interpolate(retrograd.ones(1, 1, 4), size=3, mode="bicubic")  # PyTorch names no needed size here
    with pytest.raises(NotImplementedError, match="^Got 3D input, but bilinear mode needs 4D input$"):
        F.interpolate(retrograd.ones(1, 1, 4), size=3, mode="bilinear")


INTERPOLATE_ERRORS = [
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5), size=(4, 4), mode="bilinear"),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5), scale_factor=[0.5, 2.0], mode="cubic"),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5), size=3, mode="bicubic"),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, 5), size=3, mode="trilinear"),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, 5), size=3, mode="cubic"),
    lambda m: m.nn.functional.interpolate(m.ones(5, 5), size=3, mode="nearest"),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, 5), size=(3, 2.5)),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, 5), size=3, mode="lanczos"),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, 5), size=3, mode="lanczos", antialias=True,
                                          align_corners=True),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, 5, dtype=m.int64), size=3, mode="bicubic", antialias=True),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, dtype=m.int32), size=3, mode="nearest"),
    lambda m: m.nn.functional.interpolate(m.ones(1, 2, 5, dtype=m.int32), size=3, mode="area"),
]


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("case", range(len(INTERPOLATE_ERRORS)))
def test_interpolate_errors_vs_torch(case):
    with pytest.raises(Exception) as expected:
        INTERPOLATE_ERRORS[case](torch)
    with pytest.raises(type(expected.value)) as got:
        INTERPOLATE_ERRORS[case](retrograd)
    assert str(got.value) == str(expected.value).replace("torch.", "retrograd.")


# --- conv with fewer filters than groups ------------------------------------------------------------------


def test_conv_with_fewer_filters_than_groups_says_at_least():
    with pytest.raises(RuntimeError, match="^Given groups=3, expected weight to be at least 3 at dimension 0, but "
                                           "got weight of size \\[2, 1, 3, 3\\] instead$"):
        F.conv2d(retrograd.ones(1, 3, 5, 5), retrograd.ones(2, 1, 3, 3), groups=3)


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize("filters", [2, 4])
def test_conv_group_count_errors_vs_torch(filters):
    messages = []
    for lib in (torch, retrograd):
        with pytest.raises(RuntimeError) as info:
            lib.nn.functional.conv2d(lib.ones(1, 3, 5, 5), lib.ones(filters, 1, 3, 3), groups=3)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


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


# --- conv with a weight of another dtype: PyTorch's message depends on whether oneDNN takes the call ----------


def test_conv_dtype_mismatch_message_follows_pytorchs_backend_choice():
    # a batch of two float32 images goes to oneDNN, whose check names both tensor types
    with pytest.raises(RuntimeError, match=r"^Input type \(\w+\.FloatTensor\) and weight type \(\w+\.ByteTensor\) "
                                           r"should be the same or input should be a MKLDNN tensor"):
        F.conv2d(retrograd.ones(2, 3, 6, 6), retrograd.ones(1, 3, 3, 3, dtype=retrograd.uint8))
    # one small image with a 3x3 kernel stays on the native path
    with pytest.raises(RuntimeError, match="^expected scalar type Float but found Double$"):
        F.conv2d(retrograd.ones(1, 3, 5, 5), retrograd.ones(3, 3, 3, 3, dtype=retrograd.float64))
    # a float64 input never uses oneDNN
    with pytest.raises(RuntimeError, match="^expected scalar type Double but found Float$"):
        F.conv2d(retrograd.ones(2, 3, 6, 6, dtype=retrograd.float64), retrograd.ones(1, 3, 3, 3))



def test_conv_of_a_complex_input_names_its_backend_type():
    # PyTorch's complex convolution checks first, naming a complex tensor "CPUComplexFloatType"
    with pytest.raises(RuntimeError, match=r"^Input type \(CPUComplexFloatType\) and weight type \(\w+\.FloatTensor\) "
                                           r"should be the same$"):
        F.conv1d(retrograd.ones(1, 3, 5, dtype=retrograd.complex64), retrograd.ones(2, 3, 2))
    with pytest.raises(RuntimeError, match=r"^Input type \(CPUComplexDoubleType\) and weight type "
                                           r"\(CPUComplexFloatType\) should be the same$"):
        F.conv2d(retrograd.ones(1, 3, 4, 4, dtype=retrograd.cdouble), retrograd.ones(2, 3, 2, 2).cfloat())
    # a real input with a complex weight is the native kernel's check
    with pytest.raises(RuntimeError, match="^expected scalar type Float but found ComplexFloat$"):
        F.conv1d(retrograd.ones(1, 3, 5), retrograd.ones(2, 3, 2, dtype=retrograd.complex64))


CONV_DTYPE_CASES = [
    ((2, 3, 6, 6), (1, 3, 3, 3), {}), ((1, 3, 5, 5), (3, 3, 3, 3), {}), ((1, 3, 5, 5), (3, 3, 3, 3), {"stride": 2}),
    ((1, 3, 5, 5), (3, 1, 3, 3), {"groups": 3}), ((1, 3, 5, 5), (3, 3, 4, 4), {}), ((1, 3, 100, 100), (3, 3, 3, 3), {}),
    ((3, 5, 5), (3, 3, 3, 3), {}), ((1, 3, 9), (2, 3, 3), {}), ((4, 3, 9), (2, 3, 3), {}),
    ((1, 2, 3, 4, 5), (2, 2, 2, 2, 2), {}), ((2, 2, 3, 4, 5), (2, 2, 2, 2, 2), {}),
]


@pytest.mark.pytorch
@needs_torch
@pytest.mark.parametrize(("shape", "wshape", "kwargs"), CONV_DTYPE_CASES)
@pytest.mark.parametrize(("xtype", "wtype"), [
    ("float32", "float64"), ("float32", "uint8"), ("uint8", "float32"),
    ("complex64", "float32"), ("complex128", "complex64"), ("float64", "complex64"),
])
def test_conv_dtype_mismatch_messages_vs_torch(shape, wshape, kwargs, xtype, wtype):
    messages = []
    for lib in (torch, retrograd):
        conv = getattr(lib.nn.functional, f"conv{len(wshape) - 2}d")
        with pytest.raises(RuntimeError) as info:
            conv(lib.ones(shape, dtype=getattr(lib, xtype)), lib.ones(wshape, dtype=getattr(lib, wtype)), **kwargs)
        messages.append(str(info.value).replace("torch.", "retrograd."))
    assert messages[0] == messages[1]


# A create_graph gradient of a resampling (upsampling, adaptive average pooling, reflect and
# replicate pads) records PyTorch's <Op>BackwardBackward0; the derivative of that is the op again
_RESAMPLINGS = {
    "bilinear": (lambda F, t: F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=False),
                 "UpsampleBilinear2DBackward0"),
    "nearest": (lambda F, t: F.interpolate(t, scale_factor=2, mode="nearest"), "UpsampleNearest2DBackward0"),
    "bicubic": (lambda F, t: F.interpolate(t, size=(5, 7), mode="bicubic", align_corners=True),
                "UpsampleBicubic2DBackward0"),
    "antialias": (lambda F, t: F.interpolate(t, size=(2, 3), mode="bilinear", antialias=True),
                  "UpsampleBilinear2DAaBackward0"),
    "area": (lambda F, t: F.interpolate(t, size=(3, 3), mode="area"), "AdaptiveAvgPool2DBackward0"),
    "reflect": (lambda F, t: F.pad(t, (1, 1, 1, 1), mode="reflect"), "ReflectionPad2DBackward0"),
    "replicate": (lambda F, t: F.pad(t, (1, 2, 1, 1), mode="replicate"), "ReplicationPad2DBackward0"),
}


def _resampling_nodes(lib, case):
    fn, _ = _RESAMPLINGS[case]
    x = lib.arange(16.0, dtype=lib.float64).reshape(1, 1, 4, 4).requires_grad_()
    y = fn(lib.nn.functional, x)
    v = lib.ones_like(y).requires_grad_()
    (gx,) = lib.autograd.grad(y, x, v, create_graph=True)
    w = lib.ones_like(gx).requires_grad_()
    (gv,) = lib.autograd.grad(gx, v, w, create_graph=True)
    return [y.grad_fn.name(), gx.grad_fn.name(), gv.grad_fn.name()], gv.detach().sum().item()


@pytest.mark.parametrize("case", sorted(_RESAMPLINGS))
def test_resampling_backward_records_pytorchs_double_backward_node(case):
    names, total = _resampling_nodes(retrograd, case)
    node = _RESAMPLINGS[case][1]
    assert names == [node, node.replace("Backward0", "BackwardBackward0"), node]
    # gv is the op applied to ones: every output reads weights that sum to 1 (a pad reads one input)
    out_size = {"bilinear": 64, "nearest": 64, "bicubic": 35, "antialias": 6, "area": 9, "reflect": 36, "replicate": 42}
    assert total == pytest.approx(out_size[case])


@needs_torch
@pytest.mark.parametrize("case", sorted(_RESAMPLINGS))
def test_resampling_double_backward_nodes_vs_torch(case):
    ours, theirs = _resampling_nodes(retrograd, case), _resampling_nodes(torch, case)
    assert ours[0] == theirs[0]
    assert ours[1] == pytest.approx(theirs[1], rel=1e-12)
