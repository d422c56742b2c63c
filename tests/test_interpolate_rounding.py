"""Bilinear (2-D) and linear (1-D) resizes round as PyTorch's CPU kernels do: the same bits, compared
with PyTorch where it is importable (GAN and diffusion upsamplers print these values)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")

_BILINEAR = [
    dict(scale_factor=2.0),
    dict(size=(11, 5)),
    dict(scale_factor=(0.6, 1.7)),
    dict(size=(9, 13), align_corners=True),
]


@pytest.mark.pytorch
@pytest.mark.parametrize("channels", [1, 3, 4, 8, 9, 17])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", _BILINEAR, ids=str)
def test_bilinear_bits_match_torch(channels, dtype, kw):
    x = np.random.default_rng(channels).standard_normal((2, channels, 7, 6)).astype(dtype)
    ours = rg.nn.functional.interpolate(rg.tensor(x), mode="bilinear", **kw).numpy()
    theirs = torch.nn.functional.interpolate(torch.tensor(x), mode="bilinear", **kw).numpy()
    assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)


@pytest.mark.pytorch
def test_bilinear_channels_last_large_output_bits_match_torch():
    x = np.random.default_rng(0).standard_normal((1, 8, 7, 6)).astype(np.float32)
    ours = rg.tensor(x).to(memory_format=rg.channels_last)
    theirs = torch.tensor(x).to(memory_format=torch.channels_last)
    got = rg.nn.functional.interpolate(ours, size=(100, 60), mode="bilinear").numpy()
    want = torch.nn.functional.interpolate(theirs, size=(100, 60), mode="bilinear").numpy()
    assert np.array_equal(got, want)


@pytest.mark.pytorch
@pytest.mark.parametrize("scale", [0.7, 1.3, 2.0, 2.6])
@pytest.mark.parametrize("align_corners", [False, True])
def test_linear_float32_bits_match_torch(scale, align_corners):
    x = np.random.default_rng(1).standard_normal((2, 3, 11)).astype(np.float32)
    kw = dict(scale_factor=scale, mode="linear", align_corners=align_corners)
    ours = rg.nn.functional.interpolate(rg.tensor(x), **kw).numpy()
    assert np.array_equal(ours, torch.nn.functional.interpolate(torch.tensor(x), **kw).numpy())
