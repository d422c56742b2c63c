"""torch.nn.functional's spatial transformer pair: affine_grid and grid_sample, 2-D and 3-D.

affine_grid maps the output's normalised pixel centres ([-1, 1] per axis) by
each batch's affine matrix. grid_sample reads `input` at the grid's points: the
normalised coordinates are unnormalised to pixels, folded into range by the
padding mode ('border' clamps, 'reflection' mirrors), then interpolated,
bilinearly (trilinearly for 5-D) from the 2^d surrounding pixels, bicubically
(4-D only) from the 4 x 4 around, or from the nearest one (ties to even, as
PyTorch's nearbyint). Pixels outside the input read as zero. One node, as
PyTorch's GridSampler2DBackward0 / GridSampler3DBackward0, with PyTorch's CPU
arithmetic (ops/fused/grid_sampler.py); gradients reach both `input` and `grid`.
"""

from __future__ import annotations

import warnings

from ..._user_frames import frames_up
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.autocast_policy import lower_precision as _lower_precision
from ...ops.fused.affine_grid import AFFINE_GRID, base_grid
from ...ops.fused.grid_sampler import grid_sampler
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
    if _autocasting[0]:
        theta = _lower_precision(theta)
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=frames_up(2))
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    # Messages show `size` as the caller passed it (a tuple, list or torch.Size), as PyTorch's do.
    dims = [int(s) for s in size]
    nd = len(dims) - 2
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
    spatial = dims[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
            "affine_grid for details.",
            UserWarning,
            stacklevel=frames_up(2),
        )
    elif min(dims) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != dims[0]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{dims[0]}, {nd + 1}] "
            f"but got: [{theta.shape[0]}, {nd + 1}]."
        )
    return AFFINE_GRID(theta, base=base_grid(spatial, align_corners, theta.dtype.np))


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
    for axis in range(2, input.dim()):
        if input.shape[axis] == 0:
            raise RuntimeError(
                "grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes "
                f"{list(input.shape)} with dimension {axis} being empty"
            )
    if nd not in (2, 3) or grid.dim() != input.dim():
        # PyTorch takes the 2-D kernel for 4-D input and the 3-D one for any other, whose check names its rank
        rank = 4 if input.dim() == 4 else 5
        raise RuntimeError(
            f"grid_sampler(): expected {rank}D input and grid with same number of dimensions, but "
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
    if _autocasting[0]:
        input, grid = _float32(input, grid)
    _check_sample(input, grid, mode, padding_mode)
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=frames_up(2))
        align_corners = False
    return grid_sampler(input, grid, mode, padding_mode, align_corners)
