"""`preserve_format` copies keep a dense tensor's strides exactly, those of its size-1 dims included.

A channels-last 1x1 conv weight (O, I, 1, 1) has strides (I, 1, I, I): NumPy calls that array
C-contiguous and its copies get (I, 1, 1, 1), which PyTorch reads as row-major. PyTorch's clone,
`.double()`, `empty_like`, a leaf's `.grad`, SGD's momentum buffer and a Parameter's deepcopy keep
(I, 1, I, I), so the weight still suggests channels-last and a convolution with it returns a
channels-last result (met in segmentation_models_pytorch: `DeepLabV3Plus(...).to(memory_format=
torch.channels_last).double()` gave its ASPP dropout a row-major input and another mask).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _weight(m):
    return m.arange(32.0).reshape(4, 8, 1, 1).to(memory_format=m.channels_last)  # (contiguous() keeps it)


def test_copies_of_a_channels_last_1x1_weight_keep_its_strides():
    w = _weight(rg)
    assert w.stride() == (8, 1, 8, 8)
    for copied in (w.clone(), w.double(), w.to(rg.float64), rg.empty_like(w), rg.zeros_like(w), w.half()):
        assert copied.stride() == (8, 1, 8, 8)
        assert copied.is_contiguous(memory_format=rg.channels_last)
    assert w.clone(memory_format=rg.contiguous_format).stride() == (8, 1, 1, 1)
    assert rg.equal(w.double(), w.clone().double())


def test_dense_tensor_with_a_size1_dim_keeps_its_strides():
    x = rg.arange(48.0).reshape(2, 8, 3, 1).contiguous(memory_format=rg.channels_last)
    assert x.stride() == (24, 1, 8, 8)
    assert x.clone().stride() == (24, 1, 8, 8)
    assert x.double().stride() == (24, 1, 8, 8)
    # a sliced (not dense) tensor still gets its order of strides, packed
    assert x[:, ::2].clone().stride() == (12, 1, 4, 4)


def test_double_module_keeps_channels_last_convolutions():
    rg.manual_seed(0)
    conv = rg.nn.Conv2d(8, 4, 1).to(memory_format=rg.channels_last).double()
    assert conv.weight.stride() == (8, 1, 8, 8)
    x = rg.randn(2, 8, 3, 3, dtype=rg.float64)
    y = conv(x)
    assert y.stride() == (36, 1, 12, 4)  # the weight suggests channels-last
    y.sum().backward()
    assert conv.weight.grad.stride() == (8, 1, 8, 8)
    opt = rg.optim.SGD(conv.parameters(), lr=0.1, momentum=0.9)
    opt.step()
    assert opt.state[conv.weight]["momentum_buffer"].stride() == (8, 1, 8, 8)
    assert copy.deepcopy(conv).weight.stride() == (8, 1, 8, 8)


def _layout_run(m):
    m.manual_seed(0)
    conv = m.nn.Conv2d(8, 4, 1).to(memory_format=m.channels_last).double()
    x = m.randn(2, 8, 3, 3).double()
    y = m.nn.functional.dropout(conv(x), 0.5, training=True)  # the mask is drawn in memory order
    y.sum().backward()
    w = _weight(m)
    strides = [t.stride() for t in (w.clone(), w.double(), m.empty_like(w), m.zeros_like(w), conv.weight.grad)]
    strides.append(copy.deepcopy(conv).weight.stride())
    return strides + [y.stride()], y.detach().numpy()


@needs_torch
def test_preserve_format_strides_vs_torch():
    ours, ours_y = _layout_run(rg)
    theirs, their_y = _layout_run(torch)
    assert ours == theirs
    np.testing.assert_allclose(ours_y, their_y, rtol=1e-12, atol=1e-12)
