"""torch.nn.functional's fractional max pooling (Graham, 2014), 2-D and 3-D.

Each plane draws one number u in [0, 1) per spatial axis (`_random_samples`,
shape (N, C, 2) or (N, C, 3)); window i of an axis then starts at
`int((i + u)·α) - int(u·α)` with `α = (in - k) / (out - 1)`, the last one at
`in - k`, computed in the input's dtype as PyTorch does, so the same samples
give PyTorch's output exactly. The maximum of each window is found on the
array (the first one in scan order) and picked with a `gather`, whose rule
sends the gradient back to it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import ops as _ops
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...tensor import Tensor

__all__ = [
    "fractional_max_pool2d",
    "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d_with_indices",
]

_AXES = {2: ("height", "width"), 3: ("time", "height", "width")}


def _starts(samples: np.ndarray, size: int, out: int, kernel: int) -> np.ndarray:
    """Window starts (P, out) along one axis from one sample per plane (P,), in the samples' dtype."""
    dtype = samples.dtype.type
    starts = np.empty((samples.shape[0], out), dtype=np.int64)
    if out > 1:
        alpha = dtype(size - kernel) / dtype(out - 1)
        steps = (np.arange(out - 1, dtype=samples.dtype)[None, :] + samples[:, None]) * alpha
        starts[:, :-1] = np.trunc(steps).astype(np.int64) - np.trunc(samples * alpha).astype(np.int64)[:, None]
    if out > 0:
        starts[:, -1] = size - kernel
    return starts


def _sizes(name: str, x: Tensor, nd: int, kernel_size: Any, output_size: Any, output_ratio: Any) -> tuple:
    kernel = (int(kernel_size),) * nd if isinstance(kernel_size, int) else tuple(int(k) for k in kernel_size)
    if len(kernel) == 1:
        kernel = kernel * nd
    if len(kernel) != nd:
        raise RuntimeError(f"{name}: kernel_size must either be a single Int or tuple of Ints")
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if len(output_ratio) > nd:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = tuple(output_ratio) * (nd if len(output_ratio) == 1 else 1)
        output_size = [int(x.size(-nd + d) * ratio[d]) for d in range(nd)]
    out = (int(output_size),) * nd if isinstance(output_size, int) else tuple(int(o) for o in output_size)
    if len(out) == 1:
        out = out * nd
    return kernel, out


def _check(x: Tensor, nd: int, kernel: tuple, out: tuple, samples: Tensor) -> None:
    spatial = tuple(x.shape[-nd:])
    # PyTorch's checks: (height, width) with out + k - 1 <= in for 2-D; (time, width, height), strictly, for 3-D
    order: tuple[int, ...]
    if nd == 2:
        prefix, order = "fractional_max_pool2d(): ", (0, 1)
        too_big = [o + k - 1 > n for o, k, n in zip(out, kernel, spatial)]
    else:
        prefix, order = "fractional_max_pool3d_out(): ", (0, 2, 1)
        too_big = [o + k - 1 >= n for o, k, n in zip(out, kernel, spatial)]
    for axis in order:
        if too_big[axis]:
            name = _AXES[nd][axis]
            raise RuntimeError(f"{prefix}pool {name} {kernel[axis]} too large relative to input {name} {spatial[axis]}")
    batch = x.shape[0] if x.dim() == nd + 2 else 1
    if samples.dtype != x.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.dim() != 3 or samples.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {samples.shape[2]}.")


def _window_indices(x: np.ndarray, samples: np.ndarray, kernel: tuple, out: tuple) -> np.ndarray:
    """Flat index of each window's maximum: (P, *out) for planes x (P, *S) and samples (P, nd)."""
    nd = len(kernel)
    spatial = x.shape[1:]
    planes = x.shape[0]
    # samples[..., 0] drives the last axis for 2-D (width, height), the first for 3-D (time, height, width)
    order = (1, 0) if nd == 2 else (0, 1, 2)
    flat = np.zeros((planes,) + out + kernel, dtype=np.int64)
    for axis in range(nd):
        pos = _starts(samples[:, order[axis]], spatial[axis], out[axis], kernel[axis])[:, :, None] + np.arange(
            kernel[axis]
        )
        shape = [planes] + [1] * (2 * nd)
        shape[1 + axis], shape[1 + nd + axis] = out[axis], kernel[axis]
        flat = flat * spatial[axis] + pos.reshape(shape)
    windows = np.take_along_axis(x.reshape(planes, -1), flat.reshape(planes, -1), 1).reshape(flat.shape)
    windows = windows.reshape((planes,) + out + (-1,))
    best = windows.argmax(-1)
    return np.take_along_axis(flat.reshape((planes,) + out + (-1,)), best[..., None], -1)[..., 0]


def _fractional(
    name: str, nd: int, input: Tensor, kernel_size: Any, output_size: Any, output_ratio: Any, samples: Tensor | None
) -> tuple[Tensor, Tensor]:
    if (
        _vmap.active
        and (
            r := batched(
                "loop",
                lambda x, u: _fractional(name, nd, x, kernel_size, output_size, output_ratio, u),
                input,
                samples,
            )
        )
        is not NOT_BATCHED
    ):
        return r  # the windows are drawn per example: one example at a time
    kernel, out = _sizes(name, input, nd, kernel_size, output_size, output_ratio)
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(input.shape)}")
    has_batch = input.dim() == nd + 2
    x = input if has_batch else input.unsqueeze(0)
    n, c = x.shape[0], x.shape[1]
    if samples is None:
        from ...random import rand

        samples = rand(n, c, nd, dtype=input.dtype, device=input.device)
    _check(input, nd, kernel, out, samples)
    plane_values = np.asarray(x.detach().cpu().numpy()).reshape((n * c,) + tuple(x.shape[2:]))
    plane_samples = np.asarray(samples.detach().cpu().numpy())[:n, :c].reshape(n * c, nd)
    if n * c == 0:  # an empty batch: no window to search
        idx = np.zeros((0, *out), dtype=np.int64)
    else:
        idx = _window_indices(plane_values, plane_samples, kernel, out)
    index = _ops.tensor(idx.reshape(n, c, math.prod(out)), device=input.device)
    values = x.reshape(n, c, math.prod(x.shape[2:])).gather(2, index).reshape(n, c, *out)
    index = index.reshape(n, c, *out)
    return (values, index) if has_batch else (values.squeeze(0), index.squeeze(0))


def fractional_max_pool2d_with_indices(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """Fractional max pooling of (N, C, H, W) or (C, H, W) to `output_size` (or H, W times `output_ratio`).

    Returns the values and the flat (H·W) indices of the maxima, whatever `return_indices` says (as PyTorch).

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        output_size (int or tuple, optional): the output size of the pooled dims.
        output_ratio (tuple of float, optional): the output size as fractions in (0, 1) of the input's; give this
            or `output_size`.
        return_indices (bool): ignored by this variant, which always returns the indices.
        _random_samples (Tensor, optional): `(N, C, 2)` numbers in [0, 1) that place the windows; drawn when None.

    Returns:
        tuple: (maxima, int64 flat indices), each the pooled shape.

    Examples:
        >>> x = retrograd.randn(1, 2, 8, 8)
        >>> [t.shape for t in F.fractional_max_pool2d_with_indices(x, 2, output_ratio=(0.5, 0.5))]
        [retrograd.Size([1, 2, 4, 4]), retrograd.Size([1, 2, 4, 4])]
    """
    if _autocasting[0]:
        input = _float32(input)
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool3d_with_indices(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W); values and flat (T·H·W) indices.

    Args:
        input (Tensor): (N, C, T, H, W) or (C, T, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        output_size (int or tuple, optional): the output size of the pooled dims.
        output_ratio (tuple of float, optional): the output size as fractions in (0, 1) of the input's; give this
            or `output_size`.
        return_indices (bool): ignored by this variant, which always returns the indices.
        _random_samples (Tensor, optional): `(N, C, 3)` numbers in [0, 1) that place the windows; drawn when None.

    Returns:
        tuple: (maxima, int64 flat indices), each the pooled shape.

    Examples:
        >>> x = retrograd.randn(1, 2, 8, 8, 8)
        >>> [t.shape for t in F.fractional_max_pool3d_with_indices(x, 2, output_ratio=(0.5, 0.5, 0.5))]
        [retrograd.Size([1, 2, 4, 4, 4]), retrograd.Size([1, 2, 4, 4, 4])]
    """
    if _autocasting[0]:
        input = _float32(input)
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool2d(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> Any:
    """Fractional max pooling of (N, C, H, W) or (C, H, W); with `return_indices`, also the maxima's flat indices.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        output_size (int or tuple, optional): the output size of the pooled dims.
        output_ratio (tuple of float, optional): the output size as fractions in (0, 1) of the input's; give this
            or `output_size`.
        return_indices (bool): also return the maxima's flat indices (default False).
        _random_samples (Tensor, optional): `(N, C, 2)` numbers in [0, 1) that place the windows; drawn when None.

    Returns:
        Tensor: the maxima of the pooled shape; with `return_indices`, also the int64 flat indices.

    Examples:
        >>> x = retrograd.randn(1, 2, 8, 8)
        >>> F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5)).shape
        retrograd.Size([1, 2, 4, 4])
        >>> F.fractional_max_pool2d(x, 3, output_size=5, return_indices=True)[1].dtype
        retrograd.int64
    """
    values, indices = fractional_max_pool2d_with_indices(
        input, kernel_size, output_size, output_ratio, True, _random_samples
    )
    return (values, indices) if return_indices else values


def fractional_max_pool3d(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> Any:
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W); with `return_indices`, also the indices.

    Args:
        input (Tensor): (N, C, T, H, W) or (C, T, H, W), floating.
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        output_size (int or tuple, optional): the output size of the pooled dims.
        output_ratio (tuple of float, optional): the output size as fractions in (0, 1) of the input's; give this
            or `output_size`.
        return_indices (bool): also return the maxima's flat indices (default False).
        _random_samples (Tensor, optional): `(N, C, 3)` numbers in [0, 1) that place the windows; drawn when None.

    Returns:
        Tensor: the maxima of the pooled shape; with `return_indices`, also the int64 flat indices.

    Examples:
        >>> x = retrograd.randn(1, 2, 8, 8, 8)
        >>> F.fractional_max_pool3d(x, 2, output_ratio=(0.5, 0.5, 0.5)).shape
        retrograd.Size([1, 2, 4, 4, 4])
        >>> F.fractional_max_pool3d(x, 3, output_size=5, return_indices=True)[1].dtype
        retrograd.int64
    """
    values, indices = fractional_max_pool3d_with_indices(
        input, kernel_size, output_size, output_ratio, True, _random_samples
    )
    return (values, indices) if return_indices else values
