"""interpolate's argument checks, in PyTorch's order: the size or scale factor, then the mode
against the input's dimensions, then (in the kernels) the dtype and the sizes.

Each raises PyTorch's exception type with its message."""

from __future__ import annotations

import math
from typing import Any

from ...tensor import Tensor

_NEEDS = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5, "lanczos": 4}
# the mode/dimension mismatches PyTorch names; the others get its generic "Input Error"
_NAMED_MISMATCH = {(3, "bilinear"), (3, "trilinear"), (4, "linear"), (4, "trilinear"), (5, "linear"),
                   (5, "bilinear")}


def target(input: Tensor, size: Any, scale_factor: Any, recompute: Any) -> tuple[tuple, tuple]:
    """The output size and the scales the kernel uses (None where it uses in/out)."""
    sp = list(input.shape[2:])
    nd = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (tuple, list)):
            if len(size) != nd:
                raise ValueError(
                    f"Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {sp} and output size of {size}. Please provide input tensor in (N, C, d1, "
                    "d2, ...,dK) format and output size in (o1, o2, ...,oK) format."
                )
            if not all(_is_integer(v) for v in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(v) for v in size]}")
        if recompute:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        out = tuple(int(v) for v in size) if isinstance(size, (tuple, list)) else (int(size),) * max(nd, 0)
        return out, (None,) * len(out)
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (tuple, list)) and len(scale_factor) != nd:
        raise ValueError(
            f"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {sp} and scale_factor of shape {scale_factor}. Please provide input tensor in "
            "(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."
        )
    scales = tuple(float(v) for v in scale_factor) if isinstance(scale_factor, (tuple, list)) else (
        float(scale_factor),) * max(nd, 0)
    out = tuple(math.floor(n * s) for n, s in zip(sp, scales))
    return out, ((None,) * len(out) if recompute else scales)


def _is_integer(v: Any) -> bool:
    if isinstance(v, Tensor):
        return v.dim() == 0 and not v.is_floating_point() and not v.is_complex()
    return isinstance(v, int)


def check_mode(input: Tensor, mode: str, align_corners: bool | None, antialias: bool) -> None:
    """PyTorch's checks of the mode against the input's dimensions, in its order."""
    dim = input.dim()
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and dim == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input"
        )
    if mode in ("nearest", "nearest-exact", "area") and dim in (3, 4, 5) or _NEEDS.get(mode) == dim:
        if mode == "lanczos" and align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if mode == "lanczos" and not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
        return
    if (dim, mode) in _NAMED_MISMATCH:
        raise NotImplementedError(f"Got {dim}D input, but {mode} mode needs {_NEEDS[mode]}D input")
    modes = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {dim}D) for the modes: "
                              f"{modes} (got {mode})")


def integer_kernel(dim: int, mode: str, antialias: bool) -> str:
    """The CPU kernel whose dtype check refuses an integer image in PyTorch's message."""
    if antialias:
        return "compute_index_ranges_weights"
    if mode == "area":
        return f"adaptive_avg_pool{max(dim - 2, 2)}d"  # the 1D pool runs the 2D kernel
    if mode == "bicubic":
        return "compute_indices_weights_cubic"
    if dim == 4:  # the 2D kernels take the channels-last path whatever the layout
        return f"upsample_{'bilinear' if mode == 'bilinear' else 'nearest'}2d_channels_last"
    return f"compute_indices_weights_{'nearest' if mode.startswith('nearest') else 'linear'}"


def check_sizes(input: Tensor, out: tuple) -> None:
    if all(n > 0 for n in input.shape[2:]) and all(o > 0 for o in out):
        return
    names = ("D", "H", "W")[-len(out):]
    ins = ", ".join(f"{a}: {n}" for a, n in zip(names, input.shape[2:]))
    outs = ", ".join(f"{a}: {n}" for a, n in zip(names, out))
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({outs})")
