"""Behaviour that vision training code (ResNet/VGG/MobileNet-style programs) relies on.

Spelled-out expectations run without PyTorch; the `pytorch`-marked tests compare against it.
"""

from __future__ import annotations

import pytest

import retrograd
import retrograd.nn.functional as F


def _error(fn) -> str:
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


def test_reflect_pad_too_wide_names_the_last_dimension_first():
    x = retrograd.zeros(4, 3, 8, 8)
    message = _error(lambda: F.pad(x, (9, 9, 9, 9), mode="reflect"))
    assert message.startswith("Argument #4: Padding size should be less than the corresponding input dimension")
    assert message.endswith("padding (9, 9) at dimension 3 of input [4, 3, 8, 8]")
    volume = retrograd.zeros(1, 1, 2, 3, 4)
    message = _error(lambda: F.pad(volume, (1, 1, 1, 1, 9, 9), mode="reflect"))
    assert message.endswith("padding (9, 9) at dimension 2 of input [1, 1, 2, 3, 4]")
    assert message.startswith("Argument #8")


# --- a leaf's .grad keeps the leaf's layout (PyTorch's gradient layout contract) -------------------


def _grad_strides(m, make_leaf, loss):
    m.manual_seed(0)
    w = make_leaf(m).detach().requires_grad_()
    loss(w).backward()
    return w.grad.stride()


LAYOUT_CASES = {
    "channels_last_mul": (lambda m: m.randn(2, 3, 4, 5).to(memory_format=m.channels_last), lambda w: (w * 2).sum()),
    "channels_last_exp": (lambda m: m.randn(2, 3, 4, 5).to(memory_format=m.channels_last), lambda w: w.exp().sum()),
    "channels_last_through_copy": (
        lambda m: m.randn(2, 3, 4, 5).to(memory_format=m.channels_last), lambda w: (w.contiguous() * 3).sum()),
    "transposed": (lambda m: m.randn(3, 4).t(), lambda w: (w * 2).sum()),
    "sliced_is_row_major": (lambda m: m.randn(4, 6)[:, ::2], lambda w: (w * 2).sum()),
}


def test_leaf_grad_keeps_a_dense_leafs_strides():
    assert _grad_strides(retrograd, *LAYOUT_CASES["channels_last_mul"]) == (60, 1, 15, 3)
    assert _grad_strides(retrograd, *LAYOUT_CASES["channels_last_through_copy"]) == (60, 1, 15, 3)
    assert _grad_strides(retrograd, *LAYOUT_CASES["transposed"]) == (1, 4)
    assert _grad_strides(retrograd, *LAYOUT_CASES["sliced_is_row_major"]) == (3, 1)


def test_channels_last_conv_weight_grad_is_channels_last():
    conv = retrograd.nn.Conv2d(3, 6, 3).to(memory_format=retrograd.channels_last)
    conv(retrograd.randn(2, 3, 5, 5)).sum().backward()
    assert conv.weight.grad.is_contiguous(memory_format=retrograd.channels_last)
    assert conv.weight.grad.stride() == (27, 1, 9, 3)
    conv(retrograd.randn(2, 3, 5, 5)).sum().backward()  # accumulated in place: the layout stays
    assert conv.weight.grad.stride() == (27, 1, 9, 3)


@pytest.mark.parametrize("case", list(LAYOUT_CASES))
def test_leaf_grad_layout_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    assert _grad_strides(retrograd, *LAYOUT_CASES[case]) == _grad_strides(torch, *LAYOUT_CASES[case])


def test_reflect_pad_error_matches_pytorch():
    torch = pytest.importorskip("torch")
    for shape, pads in [((4, 3, 8, 8), (9, 9, 9, 9)), ((1, 1, 2, 3, 4), (1, 1, 9, 9, 9, 9)), ((1, 3, 4), (1, 1, 9, 9))]:
        with pytest.raises(RuntimeError) as expected:
            torch.nn.functional.pad(torch.zeros(shape), pads, mode="reflect")
        assert _error(lambda s=shape, p=pads: F.pad(retrograd.zeros(s), p, mode="reflect")) == str(expected.value)
