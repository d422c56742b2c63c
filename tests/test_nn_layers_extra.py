"""ChannelShuffle, LocalResponseNorm and LPPool1d/2d/3d against PyTorch (outputs, gradients, reprs, errors)."""

from __future__ import annotations

import pytest

import retrograd as rg

from .nn_compare import compare_modules, make_inputs, torch

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

MODULES = [
    ("ChannelShuffle", (3,), (2, 6, 4)),
    ("LocalResponseNorm", (3,), (2, 5, 4)),
    ("LocalResponseNorm", (2, 0.1, 0.5, 2.0), (2, 5, 3, 3)),
    ("LPPool1d", (2, 3), (2, 3, 7)),
    ("LPPool1d", (2.0, 2, 1, True), (3, 6)),
    ("LPPool2d", (2, (2, 3)), (1, 2, 5, 6)),
    ("LPPool3d", (2, 2, 1), (1, 2, 3, 3, 3)),
]


@needs_torch
@pytest.mark.parametrize(("name", "args", "shape"), MODULES)
def test_module_vs_torch(name, args, shape):
    t_mod, r_mod = getattr(torch.nn, name)(*args), getattr(rg.nn, name)(*args)
    assert repr(r_mod) == repr(t_mod)
    t_in, r_in = make_inputs([shape])
    compare_modules(t_mod, r_mod, t_in, r_in)


def test_errors():
    with pytest.raises(RuntimeError, match="Number of channels must be divisible by groups. Got 5 channels"):
        rg.nn.ChannelShuffle(2)(rg.zeros(1, 5, 2))
    with pytest.raises(RuntimeError, match="must be positive. Value of groups:0"):
        rg.nn.functional.channel_shuffle(rg.zeros(1, 4, 2), 0)
    with pytest.raises(ValueError, match=r"input \(got 2 dimensions\)"):
        rg.nn.LocalResponseNorm(2)(rg.zeros(2, 3))
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 3D"):
        rg.nn.functional.pdist(rg.zeros(2, 3, 4))
    assert tuple(rg.nn.functional.pdist(rg.zeros(1, 3)).shape) == (0,)
