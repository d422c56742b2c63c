"""affine_grid's product: the output's pixel centres mapped by each batch's affine matrix.

One primitive, as PyTorch's AffineGridGenerator: its backward needs only the base grid, which is
a constant of the sizes, kept as an attribute; nothing is saved, so a grid built once can be
backpropagated through as often as a training loop needs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...backend import on_device_of
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.small_bmm import batched_matmul
from ..kernels.spacing import linspace_values

__all__: list[str] = []


def base_grid(spatial: list[int], align_corners: bool, np_dtype: Any) -> np.ndarray:
    """(1, *spatial, d + 1): each output pixel's normalised centre (x, y[, z], 1), x along the last axis."""
    axes = []
    for n in spatial:  # the pixel centres of one axis in [-1, 1] (0 for a single pixel)
        coords = linspace_values(-1.0, 1.0, n, np_dtype) if n > 1 else np.zeros(max(n, 0), np_dtype)
        # without align_corners, PyTorch's `range * (n - 1) / n`: a product, then a quotient, each rounded
        axes.append(coords if align_corners or n <= 1 else coords * np_dtype.type(n - 1) / np_dtype.type(n))
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([*reversed(mesh), np.ones(tuple(spatial), np_dtype)], -1)[None]


def _theta_grad(g: Tensor, base: Any) -> Tensor:
    # out[n, p, i] = Σ_j base[p, j] theta[n, i, j]  ⇒  θ̄[n] = (baseᵀ g[n])ᵀ, a transposed view as PyTorch's
    # (torch.autograd.grad hands back θ̄ with strides (.., 1, d), not contiguous)
    points = g.reshape(g.shape[0], -1, g.shape[-1])
    flat = Tensor._make(on_device_of(base.reshape(1, -1, base.shape[-1]), g._data))
    return (flat.transpose(1, 2) @ points).transpose(1, 2)


def _forward(xp: Any, theta: Any, base: Any) -> Any:
    """(N, *spatial, d) points from `base` (1, *spatial, d + 1): each batch's map applied, by PyTorch's
    bmm (its plain loop, without fused multiply-adds, for grids of fewer than 400 / (d (d + 1)) points)."""
    flat = on_device_of(base.reshape(1, -1, base.shape[-1]), theta)
    points = batched_matmul(xp, flat, theta.swapaxes(1, 2))
    return points.reshape((theta.shape[0],) + base.shape[1:-1] + (theta.shape[1],))


AFFINE_GRID = Primitive(
    "affine_grid_generator",
    _forward,
    [_theta_grad],
    inputs=("theta",),
    node_name="AffineGridGeneratorBackward0",
)
