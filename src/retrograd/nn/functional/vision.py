"""torch.nn.functional's vision functions: pad, interpolate (and the deprecated upsample*), pixel (un)shuffle.

pad and interpolate check PyTorch's arguments and build one index map per
resized axis (`retrograd/ops/_resample.py`), whose primitive gathers and
scatters along them; the pixel shuffles are a reshape, a permute and a reshape.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..._user_frames import frames_up
from ...dtypes import uint8 as _uint8
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.fused import antialias as aa
from ...ops.fused import resample as rs
from ...ops.fused import resample_uint8 as rs8
from ...ops.shape import shuffles as _shuffles
from ...tensor import Tensor
from .. import functional as _F  # the public faces: `upsample` calls `F.interpolate`, which dispatches
from . import _interpolate_checks as checks
from . import pooling as _pool

__all__ = [
    "pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle",
    "channel_shuffle",
]


# --- pad ---------------------------------------------------------------------------------------------


_PAD_COMBOS = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad)/2 dims; `pad` = (left, right, top, bottom, ...) from the last dim backwards.

    Args:
        input (Tensor): any shape.
        pad (sequence of int): widths in pairs from the last dim backwards: (left, right), then (top, bottom), ...;
            negative widths crop.
        mode (str): `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`.
        value (float, optional): the fill for `'constant'` mode (default 0).

    Returns:
        Tensor: `input` grown by the widths.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0]])
        >>> F.pad(x, (1, 2))
        tensor([[0., 1., 2., 3., 0., 0.]])
        >>> F.pad(x, (1, 1), value=9.0)
        tensor([[9., 1., 2., 3., 9.]])
        >>> F.pad(x.unsqueeze(0), (2, 0), mode='reflect')
        tensor([[[3., 2., 1., 2., 3.]]])
        >>> F.pad(x, (0, 0, 1, 0)).shape
        retrograd.Size([2, 3])
    """
    widths = [int(p) for p in pad]
    if len(widths) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(widths) // 2
    if k > input.dim():
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got padding "
            f"length {len(widths)} and input of dimension {input.dim()}"
        )
    pairs = [(0, 0)] * (input.dim() - k) + [(widths[2 * i], widths[2 * i + 1]) for i in reversed(range(k))]
    if mode == "constant":
        for n, (lo, hi) in zip(input.shape, pairs):
            if n + lo + hi < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        return rs.constant_pad(input, tuple(pairs), 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if k not in (1, 2, 3) or input.dim() not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(widths)} is not supported for {input.dim()}D input tensor.\n"
                                  + _PAD_COMBOS)
    if _autocasting[0] and (mode == "replicate" or (mode == "reflect" and k < 3)):  # PyTorch's float32 list
        input = _float32(input)
    axes = tuple(range(input.dim() - k, input.dim()))
    _check_pad_sizes(input, axes, pairs, mode)
    maps = tuple(rs.pad_map(input.shape[a], *pairs[a], mode) for a in axes)
    names = {"reflect": f"ReflectionPad{k}DBackward0", "replicate": f"ReplicationPad{k}DBackward0"}
    node = names.get(mode, "CopySlices")
    return rs.resample(input, axes, maps, node)


def _check_pad_sizes(input: Tensor, axes: tuple, pairs: list, mode: str) -> None:
    if mode != "circular" and any(input.shape[a] == 0 for a in axes):
        raise RuntimeError(f"Expected {len(axes) + 1}D or {len(axes) + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: {list(input.shape)}")
    # PyTorch checks the last dimension (width) first, then height, then depth.
    for i, a in reversed(list(enumerate(axes))):
        n, (lo, hi) = input.shape[a], pairs[a]
        if mode == "reflect" and (lo >= n or hi >= n):
            arg = 2 * (len(axes) - i) + 2
            raise RuntimeError(
                f"Argument #{arg}: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({lo}, {hi}) at dimension {a} of input {list(input.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "circular" and n + lo + hi < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")


# --- interpolate ------------------------------------------------------------------------------------


_ANTIALIAS_NODE = {"bilinear": "UpsampleBilinear2DAaBackward0", "bicubic": "UpsampleBicubic2DAaBackward0",
                   "lanczos": "UpsampleLanczos2DAaBackward0"}
_NODE = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
         "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
         "bicubic": "UpsampleBicubic2DBackward0", "trilinear": "UpsampleTrilinear3DBackward0"}


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize (N, C, *S) to `size` or S * scale_factor: nearest, nearest-exact, (bi/tri)linear, bicubic, area, lanczos.

    Args:
        input (Tensor): (N, C, *S) with 1 to 3 spatial dims S.
        size (int or tuple, optional): the output's spatial size; give this or `scale_factor`.
        scale_factor (float or tuple, optional): the factor(s) to multiply the spatial size by.
        mode (str): `'nearest'` (default), `'nearest-exact'`, `'linear'`, `'bilinear'`, `'bicubic'`, `'trilinear'`,
            `'area'` or `'lanczos'` (Lanczos-3, 4D input with `antialias=True` only).
        align_corners (bool, optional): for the linear modes and bicubic, map corner pixel centres onto each other
            (default False).
        recompute_scale_factor (bool, optional): compute the sampling from the output size instead of the given
            `scale_factor`.
        antialias (bool): low-pass filter when downsampling with bilinear, bicubic or lanczos (default False).

    Returns:
        Tensor: (N, C, *size).

    Examples:
        >>> x = retrograd.tensor([[[1.0, 2.0, 4.0]]])
        >>> F.interpolate(x, scale_factor=2)
        tensor([[[1., 1., 2., 2., 4., 4.]]])
        >>> F.interpolate(x, size=5, mode='linear', align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000, 3.0000, 4.0000]]])
        >>> F.interpolate(retrograd.ones(1, 3, 4, 4), scale_factor=0.5, mode='bilinear').shape
        retrograd.Size([1, 3, 2, 2])
    """
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    out, scales = checks.target(input, size, scale_factor, recompute_scale_factor)
    checks.check_mode(input, mode, align_corners, antialias)
    # PyTorch's CPU kernels also take uint8 images: nearest gathers, the 2D filters work in fixed point
    takes_uint8 = input.dtype == _uint8 and (mode in ("nearest", "nearest-exact") or input.dim() == 4 and
                                             mode in ("bilinear", "bicubic", "lanczos"))
    if not input.is_floating_point() and not takes_uint8:
        name = input.type().split(".")[-1][: -len("Tensor")]
        kernel = checks.integer_kernel(input.dim(), mode, antialias)
        raise NotImplementedError(f'"{kernel}" not implemented for \'{name}\'')
    checks.check_sizes(input, out)
    if mode == "area":
        return _pool.adaptive_avg_pool_nd(input, out, input.dim() - 2)
    nd = input.dim() - 2
    sp = input.shape[2:]
    corners = bool(align_corners)
    weights = np.float64 if input.dtype == _uint8 else input.dtype.np
    if antialias:
        maps = tuple(aa.antialias_map(n, o, s, corners, mode, weights) for n, o, s in zip(sp, out, scales))
    elif mode in ("nearest", "nearest-exact"):
        maps = tuple(rs.nearest_map(n, o, s, mode == "nearest-exact") for n, o, s in zip(sp, out, scales))
    elif mode == "bicubic":
        maps = tuple(rs.cubic_map(n, o, s, corners, weights) for n, o, s in zip(sp, out, scales))
    else:
        maps = tuple(rs.linear_map(n, o, s, corners, weights) for n, o, s in zip(sp, out, scales))
    if input.dtype == _uint8 and mode not in ("nearest", "nearest-exact"):
        return rs8.resize_uint8(input, maps)
    node = _ANTIALIAS_NODE[mode] if antialias else _NODE[mode].format(nd)
    return rs.resample(input, tuple(range(2, 2 + nd)), maps, node)


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated spelling of `interpolate`.

    Args:
        input (Tensor): (N, C, *S) with 1 to 3 spatial dims S.
        size (int or tuple, optional): the output's spatial size; give this or `scale_factor`.
        scale_factor (float or tuple, optional): the factor(s) to multiply the spatial size by.
        mode (str): as in `interpolate` (default `'nearest'`).
        align_corners (bool, optional): as in `interpolate`.

    Returns:
        Tensor: (N, C, *size), as `interpolate` gives it (with a deprecation warning).

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     y = F.upsample(retrograd.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), scale_factor=2)
        >>> y
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """
    warnings.warn(
        "`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=frames_up(2)
    )
    return _F.interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate(..., mode='nearest')`.

    Args:
        input (Tensor): (N, C, *S) with 1 to 3 spatial dims S.
        size (int or tuple, optional): the output's spatial size; give this or `scale_factor`.
        scale_factor (float or tuple, optional): the factor(s) to multiply the spatial size by.

    Returns:
        Tensor: (N, C, *size), as `interpolate` gives it (with a deprecation warning).

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     y = F.upsample_nearest(retrograd.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), scale_factor=2)
        >>> y
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=frames_up(2))
    return _F.interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate(..., mode='bilinear', align_corners=True)`.

    Args:
        input (Tensor): (N, C, *S) with 2 spatial dims.
        size (int or tuple, optional): the output's spatial size; give this or `scale_factor`.
        scale_factor (float or tuple, optional): the factor(s) to multiply the spatial size by.

    Returns:
        Tensor: (N, C, *size), as `interpolate` gives it (with a deprecation warning).

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     y = F.upsample_bilinear(retrograd.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), scale_factor=2)
        >>> y
        tensor([[[[1.0000, 1.3333, 1.6667, 2.0000],
                  [1.6667, 2.0000, 2.3333, 2.6667],
                  [2.3333, 2.6667, 3.0000, 3.3333],
                  [3.0000, 3.3333, 3.6667, 4.0000]]]])
    """
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=frames_up(2))
    return _F.interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# --- pixel shuffle ---------------------------------------------------------------------------


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) -> (*, C, H·r, W·r).

    Args:
        input (Tensor): (*, C·r², H, W).
        upscale_factor (int): r.

    Returns:
        Tensor: (*, C, H·r, W·r).

    Examples:
        >>> x = retrograd.arange(4.0).reshape(1, 4, 1, 1)
        >>> F.pixel_shuffle(x, 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
        >>> F.pixel_shuffle(retrograd.ones(2, 18, 4, 4), 3).shape
        retrograd.Size([2, 2, 12, 12])
    """
    shape = input.shape
    if len(shape) < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with {len(shape)} dimension(s)"
        )
    r = upscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c, h, w = shape[-3:]
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, "
            f"but input.size(-3)={c} is not divisible by {r * r}"
        )
    return _shuffles.pixel_shuffle(input, r=r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) -> (*, C·r², H, W).

    Args:
        input (Tensor): (*, C, H·r, W·r).
        downscale_factor (int): r.

    Returns:
        Tensor: (*, C·r², H, W), the inverse of `pixel_shuffle`.

    Examples:
        >>> x = retrograd.arange(4.0).reshape(1, 1, 2, 2)
        >>> F.pixel_unshuffle(x, 2).flatten()
        tensor([0., 1., 2., 3.])
        >>> F.pixel_unshuffle(retrograd.ones(2, 2, 6, 6), 3).shape
        retrograd.Size([2, 18, 2, 2])
    """
    shape = input.shape
    if len(shape) < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {len(shape)} "
            "dimension(s)"
        )
    r = downscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    c, h, w = shape[-3:]
    for name, size, d in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but input.size({d})={size} "
                f"is not divisible by {r}"
            )
    return _shuffles.pixel_unshuffle(input, r=r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave the channels of (N, C, *) taken from `groups` groups: (g, C/g) -> (C/g, g).

    Args:
        input (Tensor): (N, C, *) with C divisible by `groups`.
        groups (int): the number of channel groups.

    Returns:
        Tensor: `input`'s shape, channels reordered.

    Examples:
        >>> x = retrograd.arange(6.0).reshape(1, 6, 1)
        >>> F.channel_shuffle(x, 2).flatten()
        tensor([0., 3., 1., 4., 2., 5.])
    """
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    channels = input.size(1)
    if channels % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {channels} channels and {groups} groups."
        )
    return _shuffles.channel_shuffle(input, groups=groups, dim=1)
