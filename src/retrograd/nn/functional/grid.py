"""torch.nn.functional's spatial transformer pair: affine_grid and grid_sample, 2-D and 3-D.

affine_grid maps the output's normalised pixel centres ([-1, 1] per axis) by
each batch's affine matrix. grid_sample reads `input` at the grid's points: the
normalised coordinates are unnormalised to pixels, folded into range by the
padding mode ('border' clamps, 'reflection' mirrors), then interpolated,
bilinearly (trilinearly for 5-D) from the 2^d surrounding pixels, or from the
nearest one (ties to even, as PyTorch's nearbyint). Pixels outside the input
read as zero. All of it is composed of differentiable ops (gathers and
elementwise arithmetic), so the gradients reach both `input` and `grid`.
"""

from __future__ import annotations

import itertools
import warnings

from ... import ops as _ops
from ...dtypes import bool_, int64
from ...ops.fused.affine_grid import AFFINE_GRID, base_grid
from ...tensor import Tensor

__all__ = ["affine_grid", "grid_sample"]

_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify "
    "align_corners=True if the old behavior is desired. See the documentation of grid_sample for details."
)


def affine_grid(theta: Tensor, size: list[int], align_corners: bool | None = None) -> Tensor:
    """Sampling grid (N, H, W, 2) of affine maps theta (N, 2, 3), or (N, D, H, W, 3) of theta (N, 3, 4).

    Args:
        theta (Tensor): affine maps, (N, 2, 3) for 2-D or (N, 3, 4) for 3-D.
        size (sequence of int): the target size (N, C, H, W) or (N, C, D, H, W).
        align_corners (bool, optional): whether -1 and 1 are the corner pixels' centres (True) or their outer edges
            (default False).

    Returns:
        Tensor: the sampling grid (N, H, W, 2) or (N, D, H, W, 3) of normalised (x, y[, z]) points.

    Examples:
        >>> theta = retrograd.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        >>> F.affine_grid(theta, [1, 1, 2, 2], align_corners=False)
        tensor([[[[-0.5000, -0.5000],
                  [ 0.5000, -0.5000]],
        <BLANKLINE>
                 [[-0.5000,  0.5000],
                  [ 0.5000,  0.5000]]]])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(s) for s in size]
    nd = len(size) - 2
    if nd not in (2, 3):
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    if theta.dim() != 3 or tuple(theta.shape[-2:]) != (nd, nd + 1):
        kind = "Nx2x3" if nd == 2 else "Nx3x4"
        raise ValueError(
            f"Expected a batch of {nd}D affine matrices of shape {kind} for size {size}. Got {theta.shape!r}."
        )
    spatial = size[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
            "affine_grid for details.",
            UserWarning,
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, {nd + 1}] "
            f"but got: [{theta.shape[0]}, {nd + 1}]."
        )
    return AFFINE_GRID(theta, base=base_grid(spatial, align_corners, theta.dtype.np))


def _reflect(x: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Mirror coordinates into [twice_low/2, twice_high/2], folding as often as needed."""
    if twice_low == twice_high:
        return x * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    dist = (x - low).abs()
    extra = dist.fmod(span)
    flips = (dist.detach() / span).floor()
    even = flips.fmod(2) == 0
    return _ops.where(even, extra + low, span - extra + low)


def _pixel_coords(g: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Pixel coordinate along one axis of normalised grid coordinates g, after the padding mode's folding."""
    x = (g + 1) / 2 * (size - 1) if align_corners else ((g + 1) * size - 1) / 2
    if padding_mode == "border":
        x = x.clamp(0, size - 1)
    elif padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        x = x.clamp(0, size - 1)
    return x


def _check_sample(input: Tensor, grid: Tensor, mode: str, padding_mode: str) -> int:
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    nd = input.dim() - 2
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(
            f"grid_sampler(): expected grid and input to have same batch size, but got input with "
            f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if grid.shape[-1] != nd:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {nd} in last dimension, but got grid with "
            f"sizes {list(grid.shape)}"
        )
    if nd not in (2, 3) or grid.dim() != input.dim():
        raise RuntimeError(
            f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
            f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if mode == "bicubic" and nd != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"grid_sampler_{nd}d_cpu_kernel_impl\" not implemented for '{input.dtype.kind_name}'"
        )
    if grid.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.kind_name} but found {grid.dtype.kind_name}")
    return nd


def grid_sample(
    input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros", align_corners: bool | None = None
) -> Tensor:
    """Sample input (N, C, H, W) at grid (N, H_out, W_out, 2) -> (N, C, H_out, W_out); 5-D alike (x, y, z order).

    Args:
        input (Tensor): (N, C, H, W) or (N, C, D, H, W).
        grid (Tensor): (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3) sampling points, x first, in [-1, 1].
        mode (str): `'bilinear'` (default), `'nearest'` or `'bicubic'` (2-D only).
        padding_mode (str): values outside: `'zeros'` (default), `'border'` or `'reflection'`.
        align_corners (bool, optional): as in `affine_grid` (default False).

    Returns:
        Tensor: (N, C, H_out, W_out) or (N, C, D_out, H_out, W_out).

    Examples:
        >>> img = retrograd.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> grid = retrograd.tensor([[[[0.0, 0.0], [-1.0, -1.0]]]])
        >>> F.grid_sample(img, grid, align_corners=True)
        tensor([[[[2.5000, 1.0000]]]])
        >>> F.grid_sample(img, grid, mode='nearest', align_corners=True)
        tensor([[[[1., 1.]]]])
    """
    nd = _check_sample(input, grid, mode, padding_mode)
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    if mode == "bicubic":
        raise NotImplementedError("retrograd: grid_sample(mode='bicubic') is not supported")
    n, c = input.shape[0], input.shape[1]
    sizes = tuple(input.shape[2:])
    out_shape = tuple(grid.shape[1:-1])
    flat_input = input.reshape(n, c, -1)
    # grid's last axis holds (x, y[, z]): the last spatial axis first
    coords = [
        _pixel_coords(grid[..., nd - 1 - a].reshape(n, -1), sizes[a], padding_mode, align_corners) for a in range(nd)
    ]
    if mode == "nearest":
        picks = [(x.detach().round(), None) for x in coords]
        out = _read(flat_input, [[p] for p, _ in picks], [[None]] * nd, sizes).reshape(n, c, *out_shape)
        if grid.requires_grad:  # as PyTorch: the grid gets a zero gradient (`where` keeps it on the graph)
            out = _ops.where(_ops.ones((), dtype=bool_), out, coords[0].reshape(n, 1, *out_shape))
        return out
    lows = [x.detach().floor() for x in coords]
    points = [[lo, lo + 1] for lo in lows]
    weights = [[1 - (x - lo), x - lo] for x, lo in zip(coords, lows)]
    return _read(flat_input, points, weights, sizes).reshape(n, c, *out_shape)


def _read(flat_input: Tensor, points: list, weights: list, sizes: tuple) -> Tensor:
    """Σ over corners of input at the corner (0 outside) times the product of the corner's axis weights."""
    n, c = flat_input.shape[0], flat_input.shape[1]
    total = None
    for corner in itertools.product(*[range(len(p)) for p in points]):
        index, inside, weight = None, None, None
        for axis, k in enumerate(corner):
            at, size = points[axis][k], sizes[axis]
            ok = (at >= 0) & (at <= size - 1)
            pos = at.clamp(0, size - 1).to(int64)
            index = pos if index is None else index * size + pos
            inside = ok if inside is None else inside & ok
            w = weights[axis][k]
            if w is not None:
                weight = w if weight is None else weight * w
        values = flat_input.gather(2, index.unsqueeze(1).expand(n, c, index.shape[1]))
        mask = inside.to(flat_input.dtype) if weight is None else _ops.where(inside, weight, 0.0)
        term = values * mask.unsqueeze(1)
        total = term if total is None else total + term
    assert total is not None  # at least one corner
    return total
