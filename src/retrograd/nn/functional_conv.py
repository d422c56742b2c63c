"""torch.nn.functional's convolutions, pooling, padding and resampling.

Each function checks and normalises PyTorch's arguments (ints or tuples,
padding='same', unbatched inputs, ...) and calls a primitive of
`retrograd/ops/fused/conv.py`, `pooling.py` or `resample.py`, where the
kernels and derivative rules live. Pooling is in `_functional_pool.py` and
re-exported here.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ..ops.fused import conv as _conv
from ..ops.fused import resample as rs
from ..tensor import Tensor
from . import _functional_pool as _pool
from ._functional_pool import *  # noqa: F403

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "unfold", "fold", "pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
] + _pool.__all__


def _input_dims(name: str, nd: int, x: Tensor) -> bool:
    """Check ([N,] C, *S) and say whether the batch dim is missing."""
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input of size: "
            f"{list(x.shape)}"
        )
    return x.dim() == nd + 1


def _conv_nd(name: str, nd: int, x: Tensor, w: Tensor, b: Any, stride: Any, padding: Any, dilation: Any,
             groups: int) -> Tensor:
    unbatched = _input_dims(name, nd, x)
    if unbatched:
        x = x.unsqueeze(0)
    stride = _conv.expand_param(stride, nd, "stride")
    dilation = _conv.expand_param(dilation, nd, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = _conv.same_padding(tuple(w.shape[2:]) if w.dim() == nd + 2 else (1,) * nd, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _conv.expand_param(padding, nd, "padding"))
    _conv.check_conv_args(x, w, b, stride, pads, dilation, groups, False)
    if any(lo != hi for lo, hi in pads):  # as PyTorch: pad the odd element explicitly, then go symmetric
        extra = tuple((0, 0) for _ in range(2)) + tuple((0, hi - lo) for lo, hi in pads)
        x = rs.constant_pad(x, extra, 0)
        pads = tuple((lo, lo) for lo, _ in pads)
    y = _conv.conv(x, w, b, stride, pads, dilation, groups)
    return y.squeeze(0) if unbatched else y


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation: ([N,] C, L) with weight (O, C/groups, k) -> ([N,] O, L_out)."""
    return _conv_nd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation: ([N,] C, H, W) with weight (O, C/groups, kH, kW) -> ([N,] O, H_out, W_out)."""
    return _conv_nd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation: ([N,] C, D, H, W) with weight (O, C/groups, kD, kH, kW)."""
    return _conv_nd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


_AXES = ("depth", "height", "width")


def _check_output_padding(out_pad: tuple, stride: tuple, dilation: tuple) -> None:
    if all(p < s or p < d for p, s, d in zip(out_pad, stride, dilation)):
        return
    lists = [out_pad, stride, dilation]
    if len(out_pad) == 1:  # PyTorch runs 1-D through its 2-D kernel
        lists = [(0, *out_pad), (1, *stride), (1, *dilation)]
    names = _AXES[-len(lists[0]):]
    parts = [f"{what}_{axis}: {v}" for what, vals in zip(("output_padding", "stride", "dilation"), lists)
             for axis, v in zip(names, vals)]
    raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))


def _conv_transpose_nd(name: str, nd: int, x: Tensor, w: Tensor, b: Any, stride: Any, padding: Any,
                       output_padding: Any, groups: int, dilation: Any) -> Tensor:
    unbatched = _input_dims(name, nd, x)
    if unbatched:
        x = x.unsqueeze(0)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride = _conv.expand_param(stride, nd, "stride")
    dilation = _conv.expand_param(dilation, nd, "dilation")
    pad = _conv.expand_param(padding, nd, "padding")
    out_pad = _conv.expand_param(output_padding, nd, "output_padding")
    pads = tuple((p, p) for p in pad)
    _conv.check_conv_args(x, w, b, stride, pads, dilation, groups, True)
    _check_output_padding(out_pad, stride, dilation)
    spatial = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(x.shape[2:], stride, pad, dilation, w.shape[2:], out_pad)
    )
    if any(n < 0 for n in spatial):
        raise RuntimeError(f"Given input size per channel: {list(x.shape[2:])}. Calculated output size per "
                           f"channel: {list(spatial)}. Output size is too small")
    y = _conv.conv_transpose(x, w, b, stride, pads, dilation, groups, spatial)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """1-D transposed convolution: ([N,] C, L) with weight (C, O/groups, k) -> ([N,] O, L_out)."""
    return _conv_transpose_nd("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """2-D transposed convolution: ([N,] C, H, W) with weight (C, O/groups, kH, kW) -> ([N,] O, H_out, W_out)."""
    return _conv_transpose_nd("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """3-D transposed convolution: ([N,] C, D, H, W) with weight (C, O/groups, kD, kH, kW)."""
    return _conv_transpose_nd("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


# --- unfold / fold ---------------------------------------------------------------------------------


def _pair(value: Any, name: str) -> tuple[int, int]:
    vals = (int(value),) * 2 if isinstance(value, int) else tuple(int(v) for v in value)
    if len(vals) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(vals)}")
    return vals  # type: ignore[return-value]


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """im2col: sliding (kH, kW) blocks of ([N,] C, H, W) as columns ([N,] C*kH*kW, L)."""
    if input.dim() not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.dim()}D)")
    k, d, p, s = (_pair(v, n) for v, n in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                           (padding, "padding"), (stride, "stride")))
    spatial = tuple(input.shape[-2:])
    blocks = [(n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(spatial, k, d, p, s)]
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {spatial}, kernel_size={k}, dilation={d}, padding={p}, calculated "
            f"shape of the array of sliding blocks as {tuple(blocks)}, but its components must be at least one."
        )
    return _conv.unfold(input, k, s, tuple((pp, pp) for pp in p), d)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """col2im: sum columns ([N,] C*kH*kW, L) into ([N,] C, *output_size), overlaps added."""
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions "
            f"for input, but got: {list(input.shape)}"
        )
    o, k, d, p, s = (_pair(v, n) for v, n in ((output_size, "output_size"), (kernel_size, "kernel_size"),
                                              (dilation, "dilation"), (padding, "padding"), (stride, "stride")))
    if input.shape[-2] % (k[0] * k[1]):
        raise RuntimeError(
            f"Expected size of input's dimension {input.dim() - 2} to be divisible by the product of kernel_size, "
            f"but got input.size({input.dim() - 2})={input.shape[-2]} and kernel_size={k}."
        )
    blocks = [(n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(o, k, d, p, s)]
    if blocks[0] * blocks[1] != input.shape[-1]:
        raise RuntimeError(
            f"Given output_size={o}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, expected size of "
            f"input's dimension {input.dim() - 1} to match the calculated number of sliding blocks {blocks[0]} * "
            f"{blocks[1]} = {blocks[0] * blocks[1]}, but got input.size({input.dim() - 1})={input.shape[-1]}."
        )
    return _conv.fold(input, o, k, s, tuple((pp, pp) for pp in p), d)


# --- pad ---------------------------------------------------------------------------------------------


_PAD_COMBOS = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad)/2 dims; `pad` = (left, right, top, bottom, ...) from the last dim backwards."""
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
    axes = tuple(range(input.dim() - k, input.dim()))
    _check_pad_sizes(input, axes, pairs, mode)
    maps = tuple(rs.pad_map(input.shape[a], *pairs[a], mode) for a in axes)
    names = {"reflect": f"ReflectionPad{k}DBackward0", "replicate": f"ReplicationPad{k}DBackward0"}
    node = names.get(mode, "CopySlices")
    return rs.resample(input, axes, maps, node)


def _check_pad_sizes(input: Tensor, axes: tuple, pairs: list, mode: str) -> None:
    for i, a in enumerate(axes):
        n, (lo, hi) = input.shape[a], pairs[a]
        if n == 0 and mode != "circular":
            raise RuntimeError(f"Expected {len(axes) + 1}D or {len(axes) + 2}D (batch mode) tensor with possibly 0 "
                               f"batch size and other non-zero dimensions for input, but got: {list(input.shape)}")
        if mode == "reflect" and (lo >= n or hi >= n):
            arg = 2 * (len(axes) - i) + 2
            raise RuntimeError(
                f"Argument #{arg}: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({lo}, {hi}) at dimension {a} of input {list(input.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")


# --- interpolate ------------------------------------------------------------------------------------


_MODES_NEED = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_NODE = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
         "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
         "bicubic": "UpsampleBicubic2DBackward0", "trilinear": "UpsampleTrilinear3DBackward0"}


def _target(input: Tensor, size: Any, scale_factor: Any, recompute: Any) -> tuple[tuple, tuple]:
    """The output size and the scales the kernel uses (None where it uses in/out)."""
    sp = list(input.shape[2:])
    nd = len(sp)
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if recompute:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        out = tuple(int(v) for v in size) if isinstance(size, (tuple, list)) else (int(size),) * nd
        if len(out) != nd:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got input with spatial "
                f"dimensions of {sp} and output size of {tuple(size)}. Please provide input tensor in (N, C, d1, "
                "d2, ...,dK) format and output size in (o1, o2, ...,oK) format."
            )
        return out, (None,) * nd
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = tuple(float(v) for v in scale_factor) if isinstance(scale_factor, (tuple, list)) else (
        float(scale_factor),) * nd
    if len(scales) != nd:
        raise ValueError(
            f"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {sp} and scale_factor of shape {tuple(scale_factor)}. Please provide input tensor in "
            "(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."
        )
    out = tuple(math.floor(n * s) for n, s in zip(sp, scales))
    return out, ((None,) * nd if recompute else scales)


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize (N, C, *S) to `size` or S * scale_factor: nearest, nearest-exact, (bi/tri)linear, bicubic, area."""
    modes = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    if input.dim() not in (3, 4, 5) or mode not in (*_NODE, "area"):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
                                  f"for the modes: {modes} (got {mode})")
    if mode in _MODES_NEED and input.dim() != _MODES_NEED[mode]:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {_MODES_NEED[mode]}D input")
    if antialias:
        raise NotImplementedError("retrograd: interpolate(antialias=True) is not supported")
    if not input.is_floating_point():
        kind = {"nearest-exact": "nearest_exact", "bilinear": "bilinear", "bicubic": "bicubic"}.get(mode, mode)
        name = input.type().split(".")[-1][: -len("Tensor")]
        raise NotImplementedError(f'"upsample_{kind}{input.dim() - 2}d" not implemented for \'{name}\'')
    out, scales = _target(input, size, scale_factor, recompute_scale_factor)
    _check_sizes(input, out)
    if mode == "area":
        return _pool.adaptive_avg_pool_nd(input, out, input.dim() - 2)
    nd = input.dim() - 2
    sp = input.shape[2:]
    corners = bool(align_corners)
    if mode in ("nearest", "nearest-exact"):
        maps = tuple(rs.nearest_map(n, o, s, mode == "nearest-exact") for n, o, s in zip(sp, out, scales))
    elif mode == "bicubic":
        maps = tuple(rs.cubic_map(n, o, s, corners, input.dtype.np) for n, o, s in zip(sp, out, scales))
    else:
        maps = tuple(rs.linear_map(n, o, s, corners, input.dtype.np) for n, o, s in zip(sp, out, scales))
    return rs.resample(input, tuple(range(2, 2 + nd)), maps, _NODE[mode].format(nd))


def _check_sizes(input: Tensor, out: tuple) -> None:
    if all(n > 0 for n in input.shape[2:]) and all(o > 0 for o in out):
        return
    names = ("D", "H", "W")[-len(out):]
    ins = ", ".join(f"{a}: {n}" for a, n in zip(names, input.shape[2:]))
    outs = ", ".join(f"{a}: {n}" for a, n in zip(names, out))
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({outs})")


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated spelling of `interpolate`."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate(..., mode='nearest')`."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate(..., mode='bilinear', align_corners=True)`."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
