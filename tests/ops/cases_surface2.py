"""Op table: torch.gradient, as_strided and antialiased interpolate (issue 13 leftovers)."""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, rand


def _coordinates(n):
    """Increasing, unevenly spaced sample positions."""
    return lambda rng: np.cumsum(rng.uniform(0.5, 1.5, n))


def _np_as_strided(a, size, stride, offset=0):
    """numpy's as_strided on a contiguous array's memory: element strides times the itemsize."""
    flat = np.ascontiguousarray(a).reshape(-1)[offset:]
    return np.lib.stride_tricks.as_strided(flat, size, tuple(s * flat.itemsize for s in stride)).copy()


def _np_as_strided_scatter(a, src, size, stride, offset=0):
    out = np.ascontiguousarray(a).copy()
    flat = out.reshape(-1)[offset:]
    np.lib.stride_tricks.as_strided(flat, size, tuple(s * flat.itemsize for s in stride))[...] = src
    return out


def _np_gradient(a, *spacing, axis=None, edge_order=1):
    out = np.gradient(a, *spacing, axis=axis, edge_order=edge_order)
    return (out,) if isinstance(out, np.ndarray) else tuple(out)


EXEMPT = {"as_strided_": "changes the tensor's own geometry in place, no autograd; tested in tests/test_surface2.py"}
# removed in PyTorch 1.9: they only raise PyTorch's advice (tests/test_mistake_messages.py)
EXEMPT.update(dict.fromkeys(["eig", "lstsq", "matrix_rank", "solve", "symeig"], "removed in PyTorch 1.9: raises its advice"))


def _interpolate_aa(mode, align_corners=False, **size):
    return lambda m, x: m.nn.functional.interpolate(x, mode=mode, align_corners=align_corners, antialias=True, **size)


def _np_antialias(a, out, cubic, align_corners=False):
    """The PIL-style antialiased resampling of the last two axes, one output at a time."""
    for axis, n_out in ((2, out[0]), (3, out[1])):
        n = a.shape[axis]
        s = ((n - 1) / (n_out - 1) if n_out > 1 else 0.0) if align_corners else n / n_out
        support, stretch = (2.0 if cubic else 1.0) * max(s, 1.0), 1.0 / max(s, 1.0)
        rows = []
        for i in range(n_out):
            c = s * (i + 0.5)
            j = np.arange(max(int(c - support + 0.5), 0), min(int(c + support + 0.5), n))
            x = np.abs((j - c + 0.5) * stretch)
            if cubic:
                w = np.where(x < 1, (1.5 * x - 2.5) * x * x + 1, np.where(x < 2, ((-0.5 * x + 2.5) * x - 4) * x + 2, 0))
            else:
                w = np.maximum(0.0, 1 - x)
            rows.append(np.tensordot(np.moveaxis(a, axis, -1)[..., j], w / w.sum(), axes=1))
        a = np.moveaxis(np.stack(rows, -1), -1, axis)
    return a


CASES = [
    OpCase(
        "F.interpolate",
        _interpolate_aa("bilinear", size=(3, 4)),
        inputs_of(rand(1, 2, 7, 9)),
        lambda a: _np_antialias(a, (3, 4), False),
        variant="antialias_bilinear_down",
    ),
    OpCase(
        "F.interpolate",
        _interpolate_aa("bicubic", size=(2, 12)),
        inputs_of(rand(1, 2, 7, 5)),
        lambda a: _np_antialias(a, (2, 12), True),
        variant="antialias_bicubic_mixed",
    ),
    OpCase(
        "F.interpolate",
        _interpolate_aa("bilinear", True, scale_factor=0.5),
        inputs_of(rand(1, 1, 8, 6)),
        lambda a: _np_antialias(a, (4, 3), False, True),
        variant="antialias_bilinear_corners",
    ),
    OpCase(
        "F.interpolate",
        _interpolate_aa("bicubic", True, size=(3, 3)),
        inputs_of(rand(2, 1, 6, 7)),
        lambda a: _np_antialias(a, (3, 3), True, True),
        variant="antialias_bicubic_corners",
    ),
    OpCase(
        "as_strided",
        lambda m, a: m.as_strided(a, (3, 3), (1, 1)),
        inputs_of(rand(6)),
        lambda a: _np_as_strided(a, (3, 3), (1, 1)),
        variant="overlapping",
    ),
    OpCase(
        "as_strided",
        lambda m, a: a.as_strided((2, 3), (4, 1), 2),
        inputs_of(rand(3, 4)),
        lambda a: _np_as_strided(a, (2, 3), (4, 1), 2),
        variant="offset",
    ),
    OpCase(
        "as_strided",
        lambda m, a: (a * 1).t().as_strided((2, 2), (2, 1), 1),
        inputs_of(rand(2, 3)),
        lambda a: _np_as_strided(a, (2, 2), (2, 1), 1),
        variant="transposed-input",
    ),
    OpCase(
        "as_strided",
        lambda m, a: a.expand(2, 4).as_strided((3,), (1,), 1),
        inputs_of(rand(4)),
        lambda a: _np_as_strided(a, (3,), (1,), 1),
        variant="expanded-input",
    ),
    # PyTorch 2.13's gradient for `input` is wrong (its own gradcheck fails: it keeps g on the written
    # elements instead of zeroing them): values are compared with it in tests/test_surface2.py
    OpCase(
        "as_strided_scatter",
        lambda m, a, s: m.as_strided_scatter(a, s, (2, 2), (3, 1), 1),
        inputs_of(rand(2, 4), rand(2, 2)),
        lambda a, s: _np_as_strided_scatter(a, s, (2, 2), (3, 1), 1),
        vs_torch=False,
    ),
    OpCase("gradient", lambda m, a: m.gradient(a), inputs_of(rand(4, 5)), lambda a: _np_gradient(a)),
    OpCase(
        "gradient",
        lambda m, a: m.gradient(a, spacing=[0.5, 2.0], edge_order=2),
        inputs_of(rand(4, 5)),
        lambda a: _np_gradient(a, 0.5, 2.0, edge_order=2),
        variant="scalars-edge2",
    ),
    OpCase(
        "gradient",
        lambda m, a: m.gradient(a, spacing=0.7, dim=-1),
        inputs_of(rand(3, 4)),
        lambda a: _np_gradient(a, 0.7, axis=-1),
        variant="dim",
    ),
    OpCase(
        "gradient",
        lambda m, a, x: m.gradient(a, spacing=[x], dim=0),
        inputs_of(rand(5, 3), _coordinates(5)),
        lambda a, x: _np_gradient(a, x, axis=0),
        variant="coordinates",
    ),
    OpCase(
        "gradient",
        lambda m, a, x, y: m.gradient(a, spacing=[y, x], dim=[1, 0], edge_order=2),
        inputs_of(rand(4, 5), _coordinates(4), _coordinates(5)),
        lambda a, x, y: tuple(reversed(_np_gradient(a, x, y, axis=(0, 1), edge_order=2))),
        variant="coordinates-edge2",
    ),
]
