"""Op table: torch.gradient, as_strided and antialiased interpolate (issue 13 leftovers)."""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, rand


def _coordinates(n):
    """Increasing, unevenly spaced sample positions."""
    return lambda rng: np.cumsum(rng.uniform(0.5, 1.5, n))


def _np_gradient(a, *spacing, axis=None, edge_order=1):
    out = np.gradient(a, *spacing, axis=axis, edge_order=edge_order)
    return (out,) if isinstance(out, np.ndarray) else tuple(out)


CASES = [
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
