"""The nn module class hierarchy matches PyTorch's where tools key on it.

FLOP counters such as thop build a table keyed by `nn.modules.padding._ConstantPadNd`,
`nn.modules.pooling._AdaptiveAvgPoolNd`, ... at import time, and user code checks
`isinstance(m, nn.ConstantPad2d)` on a ZeroPad2d. Those private base names and the
subclass relations must be those of PyTorch.
"""

from __future__ import annotations

import pytest

import retrograd
import retrograd.nn as nn

PRIVATE_BASES = {
    "padding": ["_ConstantPadNd", "_ReflectionPadNd", "_ReplicationPadNd", "_CircularPadNd"],
    "pooling": ["_MaxPoolNd", "_AvgPoolNd", "_AdaptiveAvgPoolNd", "_AdaptiveMaxPoolNd", "_MaxUnpoolNd", "_LPPoolNd"],
    "dropout": ["_DropoutNd"],
    "batchnorm": ["_NormBase", "_BatchNorm"],
}

PAD_POOL = [
    f"{kind}{d}d"
    for kind in [
        "ZeroPad",
        "ConstantPad",
        "ReflectionPad",
        "ReplicationPad",
        "CircularPad",
        "MaxPool",
        "AvgPool",
        "AdaptiveAvgPool",
        "AdaptiveMaxPool",
        "MaxUnpool",
        "LPPool",
    ]
    for d in "123"
] + ["FractionalMaxPool2d", "FractionalMaxPool3d"]


def _bases(lib, name):
    """Every PAD_POOL class and private base that `name` is a subclass of (itself excluded)."""
    cls = getattr(lib.nn, name)
    candidates = [(m, b) for m, names in PRIVATE_BASES.items() for b in names] + [(None, n) for n in PAD_POOL]
    found = []
    for module, other in candidates:
        base = getattr(getattr(lib.nn.modules, module), other) if module else getattr(lib.nn, other)
        if base is not cls and issubclass(cls, base):
            found.append(other)
    return found


def test_thop_style_table_of_private_bases():
    # thop's import-time table: module name + private class, looked up by attribute
    for module, names in PRIVATE_BASES.items():
        for name in names:
            assert isinstance(getattr(getattr(nn.modules, module), name), type), (module, name)
    assert nn.modules.pooling.MaxUnpool2d is nn.MaxUnpool2d
    assert nn.modules.pooling.FractionalMaxPool2d is nn.FractionalMaxPool2d


def test_zero_pad_is_a_constant_pad():
    pad = nn.ZeroPad2d((1, 0, 2, 0))
    assert isinstance(pad, nn.ConstantPad2d) and isinstance(pad, nn.modules.padding._ConstantPadNd)
    assert not isinstance(pad, nn.ConstantPad1d)
    assert not isinstance(nn.ConstantPad2d(1, 3.0), nn.ConstantPad1d)
    assert repr(pad) == "ZeroPad2d((1, 0, 2, 0))"
    assert pad.value == 0.0
    y = pad(retrograd.ones(1, 1, 1, 1))
    assert y.tolist() == [[[[0.0, 0.0]] * 2 + [[0.0, 1.0]]]]
    assert _bases(retrograd, "ZeroPad3d") == ["_ConstantPadNd", "ConstantPad3d"]
    assert _bases(retrograd, "ReflectionPad1d") == ["_ReflectionPadNd"]
    assert _bases(retrograd, "AdaptiveMaxPool2d") == ["_AdaptiveMaxPoolNd"]
    assert repr(nn.ConstantPad3d(1, 2.5)) == "ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=2.5)"


@pytest.mark.parametrize("name", PAD_POOL)
def test_pad_pool_class_relations_vs_torch(name):
    torch = pytest.importorskip("torch")
    assert _bases(retrograd, name) == _bases(torch, name)
