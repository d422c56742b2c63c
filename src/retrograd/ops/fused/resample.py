"""Separable resampling: each output along an axis is a weighted sum of a few inputs.

Interpolation (nearest, linear, bicubic) and the reflect/replicate/circular
pads are all linear maps that act on each spatial axis on its own. One map is
stored as `(index, weights)` arrays of shape (out, T): output i along the axis
is sum_t weights[i, t] * x[index[i, t]] (`weights` None means a pure gather,
T = 1). The derivative applies the *transposed* maps, built by regrouping the
same (out, in, weight) triples by input, so it is again a gather: no scatter,
no np.add.at, and every order of derivative is the same primitive.

The zero-padding-with-a-constant pad (`ConstantPadNdBackward0`) is its own
primitive: its derivative is the constant pad with negated widths (a crop).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...backend import on_device_of
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels import bilinear_order
from ..kernels.fused_multiply_add import fma
from ..kernels.placement import as_input_suggests

Map = tuple[Any, Any]  # (index (out, T) ints, weights (out, T) or None)


def apply_maps(xp: Any, a: Any, axes: tuple[int, ...], maps: tuple[Map, ...]) -> Any:
    """Apply one separable map per axis: T gathers (and multiply-adds) along each."""
    for axis, (index, weights) in zip(axes, maps):
        index = on_device_of(index, a)
        if a.shape[axis] == 0:  # nothing to read: the gradient of an emptied (cropped-away) axis is zeros
            shape = list(a.shape)
            shape[axis] = index.shape[0]
            a = xp.zeros(shape, dtype=a.dtype)
            continue
        if weights is None:
            a = xp.take(a, index[:, 0], axis=axis)
            continue
        shape = [1] * a.ndim
        shape[axis] = index.shape[0]
        w = on_device_of(weights.astype(a.dtype, copy=False), a)
        acc = xp.take(a, index[:, 0], axis=axis) * w[:, 0].reshape(shape)
        for t in range(1, index.shape[1]):
            acc += xp.take(a, index[:, t], axis=axis) * w[:, t].reshape(shape)
        a = acc
    return a


# PyTorch's order (four gathered taps, emulated fused multiply-adds) costs 3-4x the separable resize:
# past this many outputs speed wins over the last bit (a 32x32 -> 64x64 resize of 8x64 channels:
# 16 ms against 64)
_ORDERED_UP_TO = 1 << 16


def _outputs(a: Any, maps: tuple[Map, ...]) -> int:
    return math.prod(a.shape[: a.ndim - len(maps)]) * math.prod(i.shape[0] for i, _ in maps)


def _bilinear_forward(xp: Any, a: Any, axes: tuple[int, ...], maps: tuple[Map, ...]) -> Any:
    """Small bilinear resizes in PyTorch's order and roundings (`kernels.bilinear_order`)."""
    two_taps = axes == (2, 3) and all(w is not None and i.shape[1] == 2 for i, w in maps)  # (not a transpose)
    if (
        xp is np and two_taps and _outputs(a, maps) <= _ORDERED_UP_TO
        and bilinear_order.takes_small_kernel(a, maps[0][0].shape[0], maps[1][0].shape[0])
    ):
        return bilinear_order.bilinear_2d(a, maps[0], maps[1])
    return apply_maps(xp, a, axes, maps)


def _linear_forward(xp: Any, a: Any, axes: tuple[int, ...], maps: tuple[Map, ...]) -> Any:
    """1-D linear resizes as PyTorch's kernel rounds them: fused, x0·w0 + (x1·w1) rounded once."""
    (index, weights), dt = maps[0], a.dtype
    if (
        xp is not np or dt not in (np.float32, np.float64) or weights is None or index.shape[1] != 2
        or _outputs(a, maps) > _ORDERED_UP_TO
    ):
        return apply_maps(xp, a, axes, maps)
    w = weights.astype(dt, copy=False)
    x0, x1 = np.take(a, index[:, 0], axis=axes[0]), np.take(a, index[:, 1], axis=axes[0])
    return fma(np, x0, w[:, 0], np.multiply(x1, w[:, 1], dtype=dt), dt)


_ORDERED_FORWARDS = {"UpsampleBilinear2DBackward0": _bilinear_forward, "UpsampleLinear1DBackward0": _linear_forward}


def transpose_map(index: Any, weights: Any, size: int) -> Map:
    """The map's transpose as (size, M) arrays: each input's (output, weight) pairs, zero-padded."""
    rows = np.repeat(np.arange(index.shape[0]), index.shape[1])
    cols = index.ravel()
    vals = np.ones(cols.shape) if weights is None else weights.ravel()
    keep = vals != 0
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    order = np.argsort(cols, kind="stable")
    rows, cols, vals = rows[order], cols[order], vals[order]
    counts = np.bincount(cols, minlength=size)
    width = max(int(counts.max(initial=0)), 1)
    slot = np.arange(cols.size) - (np.cumsum(counts) - counts)[cols]
    t_index = np.zeros((size, width), dtype=np.int64)
    t_weights = np.zeros((size, width), dtype=vals.dtype if weights is not None else np.float64)
    t_index[cols, slot] = rows
    t_weights[cols, slot] = vals
    if weights is None and width == 1 and bool((counts == 1).all()):
        return t_index, None  # a permutation stays a pure gather
    return t_index, t_weights


def _pair(node: str) -> Primitive:
    """The map recorded as `node` and its transpose, recorded as PyTorch's `<Op>BackwardBackward0`, each
    the other's derivative (as PyTorch's upsample and its backward: the third order is `node` again)."""
    # circular pads are slices copied in PyTorch: their backward records a slice's backward
    inner = "SliceBackwardBackward0" if node == "CopySlices" else node.replace("Backward0", "BackwardBackward0")
    pair: dict[str, Primitive] = {}

    def primitive(name: str, partner: str) -> Primitive:
        def rule(g: Tensor, axes: tuple, maps: tuple, sizes: tuple) -> Tensor:
            flipped = tuple(transpose_map(i, w, n) for (i, w), n in zip(maps, sizes))
            return pair[partner](g, axes=axes, maps=flipped, sizes=tuple(i.shape[0] for i, _ in maps))

        if name not in ("CopySlices", "SliceBackwardBackward0"):  # upsampling, reflect/replicate pads: PyTorch
            # keeps a channels-last input's layout (a circular pad's copies into slices do not)
            forward = _ORDERED_FORWARDS.get(name, apply_maps)
            return Primitive(
                "resample",
                lambda xp, a, axes, maps, sizes: as_input_suggests(xp, forward(xp, a, axes, maps), a),
                [rule],
                node_name=name,
            )
        return Primitive(
            "resample", lambda xp, a, axes, maps, sizes: apply_maps(xp, a, axes, maps), [rule], node_name=name
        )

    pair[node], pair[inner] = primitive(node, inner), primitive(inner, node)
    return pair[node]


_NODES: dict[str, Primitive] = {}


def resample(x: Tensor, axes: tuple[int, ...], maps: tuple[Map, ...], node: str) -> Tensor:
    """x with `maps[i]` applied along `axes[i]`; the node is named `node` (e.g. UpsampleBilinear2DBackward0)."""
    prim = _NODES.get(node)
    if prim is None:
        prim = _NODES[node] = _pair(node)
    sizes = tuple(x.shape[a] for a in axes)
    return prim(x, axes=axes, maps=maps, sizes=sizes)


# --- the maps ----------------------------------------------------------------------------------------


def pad_map(size: int, lo: int, hi: int, mode: str) -> Map:
    """Where each position of a reflect/replicate/circular-padded axis reads from."""
    i = np.arange(-lo, size + hi)
    if mode == "reflect":
        i = np.abs(i)
        i = np.where(i >= size, 2 * (size - 1) - i, i)
    elif mode == "replicate":
        i = np.clip(i, 0, size - 1)
    else:  # circular: PyTorch crops by the negative widths first and wraps around what is left
        start, kept = max(-lo, 0), size - max(-lo, 0) - max(-hi, 0)
        i = start + np.mod(np.arange(-max(lo, 0), kept + max(hi, 0)), max(kept, 1))
    return i[:, None], None


def nearest_map(size: int, out: int, scale: float | None, exact: bool) -> Map:
    """PyTorch's nearest source index: floor(i * s) (or floor((i + 0.5) * s)) in float32, clamped."""
    s = np.float32(1.0 / scale) if scale else np.float32(size) / np.float32(out)
    i = np.arange(out)
    if exact:
        src = np.floor(((i + 0.5) * np.float64(s)).astype(np.float32))
    elif out == size:
        src = i
    elif out == 2 * size:
        src = i >> 1
    else:
        src = np.floor(i.astype(np.float32) * s)
    return np.minimum(src.astype(np.int64), size - 1)[:, None], None


def _source(size: int, out: int, scale: float | None, align_corners: bool, cubic: bool, dt: Any) -> Any:
    """area_pixel_compute_source_index: the real input coordinate of each output."""
    i = np.arange(out, dtype=dt)
    if align_corners:
        s = dt.type((size - 1) / (out - 1)) if out > 1 else dt.type(0)
        return s * i
    s = dt.type(1.0 / scale) if scale else dt.type(size) / dt.type(out)
    src = fma(np, s, i + dt.type(0.5), dt.type(-0.5), dt)  # fused in PyTorch's build: rounded once
    return src if cubic else np.maximum(src, dt.type(0))


def linear_map(size: int, out: int, scale: float | None, align_corners: bool, dtype: Any) -> Map:
    """Two taps per output: (1 - l) x[i0] + l x[i1], the weights in the input's dtype."""
    dt = np.dtype(dtype)
    src = _source(size, out, scale, align_corners, False, dt)
    i0 = np.minimum(src.astype(np.int64), size - 1)
    i1 = np.minimum(i0 + 1, size - 1)
    lam = np.clip(src - i0.astype(dt), 0, 1).astype(dt)
    return np.stack([i0, i1], 1), np.stack([dt.type(1) - lam, lam], 1)


def cubic_map(size: int, out: int, scale: float | None, align_corners: bool, dtype: Any) -> Map:
    """Four taps per output, Keys' cubic convolution with A = -0.75, indices clamped to the axis."""
    dt = np.dtype(dtype)
    src = _source(size, out, scale, align_corners, True, dt)
    base = np.floor(src)
    t = (src - base).astype(dt)
    a = dt.type(-0.75)

    def near(x: Any) -> Any:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Any) -> Any:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    one = dt.type(1)
    weights = np.stack([far(t + one), near(t), near(one - t), far(2 * one - t)], 1).astype(dt)
    index = np.clip(base.astype(np.int64)[:, None] + np.arange(-1, 3), 0, size - 1)
    return index, weights


# --- constant pad ------------------------------------------------------------------------------------


def _cpad_fwd(xp: Any, a: Any, pads: tuple, value: Any) -> Any:
    shape = tuple(n + lo + hi for n, (lo, hi) in zip(a.shape, pads))
    out = xp.full(shape, value, dtype=a.dtype) if value else xp.zeros(shape, dtype=a.dtype)
    src = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(a.shape, pads))
    dst = tuple(slice(max(lo, 0), m - max(hi, 0)) for m, (lo, hi) in zip(shape, pads))
    if all(s.start < s.stop for s in src):
        out[dst] = a[src]
    return as_input_suggests(xp, out, a)  # PyTorch allocates by the input's suggested memory format


def _cpad_rule(g: Tensor, pads: tuple) -> Tensor:
    return _CPAD(g, pads=tuple((-lo, -hi) for lo, hi in pads), value=0)  # the pad's adjoint crops it off


_CPAD = Primitive("constant_pad_nd", _cpad_fwd, [_cpad_rule], node_name="ConstantPadNdBackward0")


def constant_pad(x: Tensor, pads: tuple[tuple[int, int], ...], value: Any) -> Tensor:
    """x with (lo, hi) elements of `value` added (or removed, if negative) along every dim."""
    return _CPAD(x, pads=pads, value=value)
