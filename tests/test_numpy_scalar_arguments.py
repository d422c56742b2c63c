"""NumPy scalars as number arguments (`clamp(max=np.log(62.5))`, `x ** np.float64(2)`): PyTorch's
parser reads them as the Python numbers they hold, weak scalars that keep a float32 (or float16)
tensor's dtype; NumPy 2 would compute in the scalar's own float64."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def _calls(lib):
    """(name, call) pairs, each passing a NumPy scalar where a number is taken."""
    import importlib

    F = importlib.import_module(lib.__name__ + ".nn.functional")
    x = lib.tensor([0.5, -1.5, 2.0])
    i = lib.tensor([3, -4, 5])
    f = np.float64(0.75)
    return [
        ("clamp max", lambda: x.clamp(max=f)),
        ("clamp min int input", lambda: i.clamp(min=np.float64(1.5))),
        ("clamp_min", lambda: x.clamp_min(f)),
        ("clamp_max", lambda: lib.clamp_max(x, f)),
        ("clamp_ float16", lambda: x.half().clamp_(max=f)),
        ("clamp np.int64 bound", lambda: x.clamp(max=np.int64(1))),
        ("pow", lambda: x.pow(f)),
        ("** float", lambda: x ** np.float64(2)),
        ("** on ints", lambda: i ** np.float64(2)),
        ("rpow", lambda: f**x),
        ("pow float16", lambda: x.half().pow(f)),
        ("leaky_relu", lambda: F.leaky_relu(x, f)),
        ("elu", lambda: F.elu(x, f)),
        ("celu", lambda: F.celu(x, f)),
        ("softplus", lambda: F.softplus(x, beta=f)),
        ("rrelu eval", lambda: F.rrelu(x, f / 4, f, training=False)),
        ("softshrink", lambda: F.softshrink(x, f)),
        ("logit", lambda: lib.logit(x.abs() / 3, eps=f / 10)),
        ("smooth_l1_loss", lambda: F.smooth_l1_loss(x, x.flip(0), beta=f)),
        ("huber_loss", lambda: F.huber_loss(x, x.flip(0), delta=f)),
        ("label_smoothing", lambda: F.cross_entropy(x.view(1, 3), lib.tensor([2]), label_smoothing=f / 5)),
    ]


def test_numpy_scalars_keep_the_tensor_dtype():
    for name, call in _calls(rg):
        out = call()
        expected = rg.float16 if "float16" in name else rg.float32
        assert out.dtype == expected, name
    # the values are those of the Python numbers
    x = rg.tensor([0.5, -1.5, 2.0])
    assert x.clamp(max=np.float64(0.75)).tolist() == [0.5, -1.5, 0.75]
    assert (x ** np.float64(2)).tolist() == [0.25, 2.25, 4.0]
    assert rg.tensor([3, -4]).clamp(min=np.float64(1.5)).tolist() == [3.0, 1.5]


def test_numpy_scalar_arguments_match_pytorch():
    torch = pytest.importorskip("torch")
    for (name, ours), (_, theirs) in zip(_calls(rg), _calls(torch), strict=True):
        a, b = ours(), theirs()
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1], name
        np.testing.assert_allclose(a.float().numpy(), b.float().numpy(), rtol=1e-6, err_msg=name)
