"""Array kernels for sliding windows: im2col, col2im and the three convolution products.

Everything here works on backend arrays of shape (N, C, *spatial) for any
number of spatial dims and knows nothing of autograd; `fused/conv.py` wraps these
kernels in primitives.

Images with many output positions (L = prod(out) at least `_PER_IMAGE_MIN`) run
image by image: batch-major columns (N, C*K, L), one GEMM per image whose
result is already the output (N, O, *out), and the weight's gradient as a sum
of per-image products that reads the gradient where it lies. Small images run
as one GEMM over the whole batch on channel-major columns (C*K, N*L), whose
result (O, N*L) is turned into (N, O, *out) by one strided copy. For those,
two layouts of the L axis exist. The plain one has L =
prod(out) and copies each window out of a strided view. For stride 1 the
"wide" layout is cheaper: flattening the padded input's spatial dims makes
each kernel tap a *contiguous* run of length Lw (the outputs plus the junk
positions between rows), so the copy moves long runs. The input gradient lays
whole padded images end to end, so col2im is K contiguous adds over the whole
batch. Junk positions are cut away (outputs) or zero (gradients).

Temporaries live in per-thread work buffers (`work`); every result is a
fresh array.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np

from ...backend.compat import as_strided

Pads = tuple[tuple[int, int], ...]
Ints = tuple[int, ...]

# The wide layout computes Lw / L times the needed columns; past this ratio
# the plain layout's slower copy is the better deal.
_WIDE_WASTE = 1.6

# Image by image is faster where the products are light and the images large: where the
# columns' and results' copies between layouts cost more than the products (measured on
# OpenBLAS: a 1->8 channel 3x3 convolution on 28x28 images 0.46x the time of the one-GEMM form,
# 8->16 on 13x13 0.80x; 32->64 on 8x8 1.6x, 64->64 on 16x16 1.3x).
_PER_IMAGE_MIN = 64  # output positions per image
_PER_IMAGE_MAX_WORK = 2048  # multiply-adds per output position and group

# Temporaries that never leave a kernel (column matrices, GEMM results, layouts) live in
# per-thread work buffers reused from call to call. A fresh multi-megabyte array costs a
# page fault per 4 KiB on first touch; in a small CNN training step that measured as much
# as the arithmetic. Results are always fresh arrays. Bigger requests are not cached.
_WORK = threading.local()
_WORK_LIMIT = 16 << 20


def work(xp: Any, slot: str, shape: tuple, dtype: Any) -> Any:
    """A C-contiguous scratch array of `shape` from this thread's buffer `slot` (contents undefined)."""
    dtype = np.dtype(dtype)
    size = math.prod(shape) * dtype.itemsize
    if size > _WORK_LIMIT:
        return xp.empty(shape, dtype=dtype)
    buffers = _WORK.__dict__.setdefault("buffers", {})
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < size or type(buf) is not xp.ndarray:
        buf = buffers[slot] = xp.empty(max(size, 64), dtype=np.uint8)
    return buf[:size].view(dtype).reshape(shape)


def out_size(size: int, k: int, s: int, lo: int, hi: int, d: int) -> int:
    """The number of windows along one dim: floor((size + lo + hi - d(k-1) - 1) / s) + 1."""
    return (size + lo + hi - d * (k - 1) - 1) // s + 1


def out_shape(spatial: Ints, kernel: Ints, stride: Ints, pads: Pads, dilation: Ints) -> Ints:
    """Output spatial shape of a convolution's window scan."""
    return tuple(
        out_size(n, k, s, lo, hi, d) for n, k, s, (lo, hi), d in zip(spatial, kernel, stride, pads, dilation)
    )


def padded(spatial: Ints, pads: Pads) -> Ints:
    return tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads))


def pad_const(xp: Any, x: Any, pads: Pads, value: float = 0.0) -> Any:
    """`x` (N, C, *S) with (lo, hi) elements of `value` around each spatial dim (pads >= 0)."""
    if not any(lo or hi for lo, hi in pads):
        return x
    shape = x.shape[:2] + padded(x.shape[2:], pads)
    out = xp.full(shape, value, dtype=x.dtype) if value else xp.zeros(shape, dtype=x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, x.shape[2:]))] = x
    return out


def crop(x: Any, pads: Pads) -> Any:
    """Remove (lo, hi) elements around each spatial dim (a view)."""
    if not any(lo or hi for lo, hi in pads):
        return x
    return x[(slice(None), slice(None)) + tuple(slice(lo, n - hi) for (lo, hi), n in zip(pads, x.shape[2:]))]


def flat_strides(spatial: Ints) -> Ints:
    """Element strides of a C-contiguous array of shape `spatial`."""
    strides, acc = [], 1
    for n in reversed(spatial):
        strides.append(acc)
        acc *= n
    return tuple(reversed(strides))


def wide_length(out: Ints, spatial: Ints) -> int:
    """Lw: one past the flat index of the last output in the wide layout."""
    return sum((o - 1) * f for o, f in zip(out, flat_strides(spatial))) + 1


def use_wide(stride: Ints, out: Ints, spatial: Ints) -> bool:
    """Whether the wide layout applies (stride 1) and wastes little."""
    if any(s != 1 for s in stride) or min(out, default=1) <= 0:
        return False
    return wide_length(out, spatial) <= _WIDE_WASTE * math.prod(out)


def taps(kernel: Ints) -> list[Ints]:
    """Every kernel position, in row-major order (the K axis of the columns)."""
    return [tuple(int(i) for i in idx) for idx in np.ndindex(*kernel)]


def tap_slices(tap: Ints, stride: Ints, dilation: Ints, out: Ints) -> tuple:
    """The index of one tap's view (N, C, *out) into the padded input."""
    return (slice(None), slice(None)) + tuple(
        slice(a * d, a * d + s * (o - 1) + 1, s) for a, d, s, o in zip(tap, dilation, stride, out)
    )


def columns(xp: Any, x: Any, kernel: Ints, stride: Ints, dilation: Ints, out: Ints, wide: bool,
            fresh: bool = False) -> Any:
    """im2col of a padded x (N, C, *S), channel-major: (C*K, N*L), or (C*K, N*Lw) if wide.

    In a work buffer, or in a `fresh` array for a caller that keeps it.
    """
    n, c = x.shape[:2]
    k = math.prod(kernel)
    if wide:
        x = xp.ascontiguousarray(x)
        it = x.itemsize
        lw = wide_length(out, x.shape[2:])
        tap_strides = tuple(d * f * it for d, f in zip(dilation, flat_strides(x.shape[2:])))
        view = as_strided(x, (c, *kernel, n, lw), (x.strides[1], *tap_strides, x.strides[0], it), writeable=False)
        return _copy_to_work(xp, view, (c * k, n * lw), fresh)
    sp = x.strides[2:]
    view = as_strided(
        x,
        (c, *kernel, n, *out),
        (x.strides[1], *(d * s for d, s in zip(dilation, sp)), x.strides[0], *(st * s for st, s in zip(stride, sp))),
        writeable=False,
    )
    return _copy_to_work(xp, view, (c * k, n * math.prod(out)), fresh)


def per_image(out: Ints, depth: int, rows: int) -> bool:
    """Whether a convolution runs image by image: its products are `rows` x `depth` (a group's
    output channels by its input channels times taps) at each of prod(out) positions."""
    return math.prod(out) >= _PER_IMAGE_MIN and depth * rows <= _PER_IMAGE_MAX_WORK


def image_columns(xp: Any, x: Any, kernel: Ints, stride: Ints, dilation: Ints, out: Ints, groups: int,
                  fresh: bool = False) -> Any:
    """im2col of a padded x (N, C, *S), batch-major: (N, G, C/G*K, L), G the groups.

    In a work buffer, or in a `fresh` array for a caller that keeps it.
    """
    n, c = x.shape[:2]
    sp = x.strides[2:]
    view = as_strided(
        x,
        (n, c, *kernel, *out),
        x.strides[:2] + tuple(d * s for d, s in zip(dilation, sp)) + tuple(st * s for st, s in zip(stride, sp)),
        writeable=False,
    )
    shape = (n, groups, c // groups * math.prod(kernel), math.prod(out))
    return _copy_to_work(xp, view, shape, fresh)


def _copy_to_work(xp: Any, view: Any, shape: tuple, fresh: bool) -> Any:
    dst = xp.empty(shape, view.dtype) if fresh else work(xp, "cols", shape, view.dtype)
    dst.reshape(view.shape)[...] = view
    return dst


def _batch_view(y: Any, n: int, out: Ints, spatial: Ints, wide: bool) -> Any:
    """A strided (N, O, *out) view of a channel-major (O, N*L) array."""
    it = y.itemsize
    length = y.shape[1] // n if n else 0
    inner = flat_strides(spatial) if wide else flat_strides(out)
    return as_strided(y, (n, y.shape[0], *out), (length * it, y.strides[0], *(f * it for f in inner)))


def from_columns(xp: Any, y: Any, n: int, out: Ints, spatial: Ints, wide: bool) -> Any:
    """(O, N*L) channel-major (wide or plain) -> a fresh contiguous (N, O, *out)."""
    return _batch_view(xp.ascontiguousarray(y), n, out, spatial, wide).copy()  # never a view: y may be a work buffer


def to_columns(xp: Any, g: Any, spatial: Ints, wide: bool) -> Any:
    """(N, O, *out) -> channel-major (O, N*L); in the wide layout junk positions are zero."""
    n, o = g.shape[:2]
    out = g.shape[2:]
    length = wide_length(out, spatial) if wide else math.prod(out)
    z = work(xp, "layout", (o, n * length), g.dtype)
    if wide and len(out) > 1:
        z.fill(0)
    _batch_view(z, n, out, spatial, wide)[...] = g
    return z


def col2im(xp: Any, cols: Any, n: int, spatial: Ints, kernel: Ints, stride: Ints, dilation: Ints, out: Ints) -> Any:
    """Sum channel-major columns (C, K, N*L) back into windows: (N, C, *spatial). One add per tap."""
    c = cols.shape[0]
    acc = work(xp, "acc", (c, n, *spatial), cols.dtype)
    acc.fill(0)
    for k, tap in enumerate(taps(kernel)):
        acc[tap_slices(tap, stride, dilation, out)] += cols[:, k].reshape(c, n, *out)
    return acc.transpose(1, 0, *range(2, 2 + len(spatial)))


def conv_forward(
    xp: Any, x: Any, w: Any, stride: Ints, pads: Pads, dilation: Ints, groups: int, bias: Any = None,
    keep_columns: bool = False,
) -> Any:
    """Cross-correlation y[n, o] = sum_c,k w[o, c, k] x[n, c, window + k] [+ bias[o]]: (N, O, *out).

    `keep_columns` returns (y, the column matrix) for `conv_weight_grad` to use again.
    """
    xpad = pad_const(xp, x, pads)
    spatial, kernel = xpad.shape[2:], w.shape[2:]
    out = out_shape(x.shape[2:], kernel, stride, pads, dilation)
    n, o = x.shape[0], w.shape[0]
    if per_image(out, math.prod(w.shape[1:]), o // groups):
        cols = image_columns(xp, xpad, kernel, stride, dilation, out, groups, fresh=keep_columns)
        y = xp.empty((n, groups, o // groups, cols.shape[-1]), dtype=cols.dtype)
        xp.matmul(w.reshape(groups, o // groups, -1), cols, out=y)
        y = y.reshape(n, o, *out)
        if bias is not None:
            y += bias.reshape((o,) + (1,) * len(out))
        return (y, cols) if keep_columns else y
    wide = use_wide(stride, out, spatial)
    cols = columns(xp, xpad, kernel, stride, dilation, out, wide, fresh=keep_columns)
    length = cols.shape[-1]
    y = work(xp, "gemm", (groups, o // groups, length), cols.dtype)
    xp.matmul(w.reshape(groups, o // groups, -1), cols.reshape(groups, -1, length), out=y)
    y = y.reshape(o, length)
    if bias is not None:  # on the GEMM's contiguous rows: one long pass instead of short strided ones
        y += bias.reshape(o, 1)
    result = from_columns(xp, y, x.shape[0], out, spatial, wide)
    return (result, cols) if keep_columns else result


def conv_input_grad(
    xp: Any, g: Any, w: Any, stride: Ints, pads: Pads, dilation: Ints, groups: int, spatial: Ints
) -> Any:
    """The transpose of `conv_forward` in x: g (N, O, *out) -> (N, C, *spatial)."""
    full = padded(spatial, pads)
    kernel, out = w.shape[2:], g.shape[2:]
    n, o, k = g.shape[0], w.shape[0], math.prod(kernel)
    c = w.shape[1] * groups
    wide = use_wide(stride, out, full)
    # wide: g sits in whole padded images laid end to end, so each tap's columns add into the
    # result as one contiguous run over the batch (junk positions are zero and land in junk)
    gc = _batch_layout(xp, g, full) if wide else to_columns(xp, g, full, False)
    length = gc.shape[-1]
    gc = gc.reshape(groups, o // groups, length)
    if wide and c * o <= _PER_TAP_MAX_WORK * groups * groups:
        return crop(_taps_one_by_one(xp, gc, w, n, full, dilation), pads).copy()
    cols = work(xp, "gemm", (groups, c // groups * k, length), g.dtype)
    xp.matmul(w.reshape(groups, o // groups, -1).transpose(0, 2, 1), gc, out=cols)
    cols = cols.reshape(c, k, length)
    if wide:
        acc = work(xp, "acc", (c, length), cols.dtype)
        acc.fill(0)
        for i, tap in enumerate(taps(kernel)):
            off = sum(a * d * f for a, d, f in zip(tap, dilation, flat_strides(full)))
            acc[:, off:] += cols[:, i, : length - off]
        dx = acc.reshape(c, n, *full).transpose(1, 0, *range(2, 2 + len(full)))
    else:
        dx = col2im(xp, cols, n, full, kernel, stride, dilation, out)
    return crop(dx, pads).copy()  # a fresh C-contiguous result, never a view of a work buffer


# `conv_input_grad` in the wide layout runs one product per kernel tap, each added into the
# result while it is still in cache, where a group's channels in times channels out are at most
# this many: then the products are memory-bound, and the one product for all taps writes (and
# the taps read back) K times the result. W6's 8 -> 16 channel convolution: 342 -> 267 µs;
# at 16 -> 32 channels it is slower (463 -> 538).
_PER_TAP_MAX_WORK = 256


def _taps_one_by_one(xp: Any, gc: Any, w: Any, n: int, full: Ints, dilation: Ints) -> Any:
    """The wide input gradient (N, C, *full) from gc (G, O/G, N*prod(full)), one product per tap.

    The same products and the same sums, in the same order, as the one product for all taps.
    """
    groups, length = gc.shape[0], gc.shape[-1]
    o, cg = w.shape[:2]
    kernel = w.shape[2:]
    per_tap = xp.ascontiguousarray(w.reshape(groups, o // groups, cg, -1).transpose(3, 0, 2, 1))  # (K, G, C/G, O/G)
    part = work(xp, "gemm", (groups, cg, length), gc.dtype)
    acc = work(xp, "acc", (groups * cg, length), gc.dtype)
    acc.fill(0)
    for i, tap in enumerate(taps(kernel)):
        off = sum(a * d * f for a, d, f in zip(tap, dilation, flat_strides(full)))
        xp.matmul(per_tap[i], gc, out=part)
        acc[:, off:] += part.reshape(groups * cg, length)[:, : length - off]
    return acc.reshape(groups * cg, n, *full).transpose(1, 0, *range(2, 2 + len(full)))


def _batch_layout(xp: Any, g: Any, spatial: Ints) -> Any:
    """(N, O, *out) -> (O, N*prod(spatial)): each output at its window's corner, zeros elsewhere."""
    n, o = g.shape[:2]
    size = math.prod(spatial)
    z = work(xp, "layout", (o, n * size), g.dtype)
    z.fill(0)
    it = z.itemsize
    view = as_strided(z, (n, o, *g.shape[2:]), (size * it, n * size * it, *(f * it for f in flat_strides(spatial))))
    view[...] = g
    return z


def conv_weight_grad(
    xp: Any, x: Any, g: Any, stride: Ints, pads: Pads, dilation: Ints, groups: int, kernel: Ints,
    cols: Any = None,
) -> Any:
    """The transpose of `conv_forward` in w: g (O, N*L) @ cols.T -> (O, C/groups, *kernel).

    `cols`: x's column matrix as `conv_forward` kept it, instead of building it again.
    """
    spatial, out = padded(x.shape[2:], pads), g.shape[2:]
    n, o = g.shape[:2]
    if per_image(out, x.shape[1] // groups * math.prod(kernel), o // groups):
        if cols is None:
            cols = image_columns(xp, pad_const(xp, x, pads), kernel, stride, dilation, out, groups)
        gi = g.reshape(n, groups, o // groups, cols.shape[-1])
        parts = xp.matmul(gi, cols.swapaxes(-1, -2))  # one product per image, summed over the batch
        # (float16 partial sums add up in float32: a float16 running sum over the batch loses ~3x more)
        dw = parts.sum(0, dtype=xp.float32).astype(parts.dtype) if parts.dtype == xp.float16 else parts.sum(0)
        return dw.reshape(o, x.shape[1] // groups, *kernel)
    wide = use_wide(stride, out, spatial)
    if cols is None:
        cols = columns(xp, pad_const(xp, x, pads), kernel, stride, dilation, out, wide)
    gc = to_columns(xp, g, spatial, wide)
    length = cols.shape[-1]
    dw = _long_product(xp, gc.reshape(groups, o // groups, length), cols.reshape(groups, -1, length))
    return dw.reshape(o, x.shape[1] // groups, *kernel)


# `_long_product` runs L in pieces of this many columns when both operands are only a few rows
# tall: then the product is bound by memory, and pieces that stay in cache run ~4x faster
_PIECE = 8192
_FEW_ROWS = 32


def _long_product(xp: Any, g: Any, cols: Any) -> Any:
    """g @ colsᵀ for (G, O, L) g and (G, CK, L) cols, L long (the batch's window positions): (G, O, CK).

    OpenBLAS runs this shape up to 2x faster as cols @ gᵀ (the taller operand first, as measured
    for both convolutions of W6), transposed after; the order of the sums is BLAS's either way.
    """
    if xp is not np:
        return xp.matmul(g, cols.transpose(0, 2, 1))
    length = g.shape[-1]
    piece = _PIECE if g.shape[1] + cols.shape[1] <= _FEW_ROWS else max(length, 1)
    out = cols[..., :piece] @ g[..., :piece].transpose(0, 2, 1)
    for start in range(piece, length, piece):
        out += cols[..., start:start + piece] @ g[..., start:start + piece].transpose(0, 2, 1)
    return out.transpose(0, 2, 1)


def unfold_forward(xp: Any, x: Any, kernel: Ints, stride: Ints, pads: Pads, dilation: Ints) -> Any:
    """F.unfold: the windows of x (N, C, *S) as columns (N, C*K, L), batch-major."""
    xpad = pad_const(xp, x, pads)
    out = out_shape(x.shape[2:], kernel, stride, pads, dilation)
    n, c = x.shape[:2]
    sp = xpad.strides[2:]
    view = as_strided(
        xpad,
        (n, c, *kernel, *out),
        xpad.strides[:2] + tuple(d * s for d, s in zip(dilation, sp)) + tuple(st * s for st, s in zip(stride, sp)),
        writeable=False,
    )
    cols = xp.empty((n, c * math.prod(kernel), math.prod(out)), dtype=x.dtype)
    cols.reshape(view.shape)[...] = view  # always a copy: the result must not share x's memory
    return cols


def fold_forward(xp: Any, cols: Any, spatial: Ints, kernel: Ints, stride: Ints, pads: Pads, dilation: Ints) -> Any:
    """F.fold: sum columns (N, C*K, L) into (N, C, *spatial), the adjoint of `unfold_forward`."""
    full = padded(spatial, pads)
    out = out_shape(spatial, kernel, stride, pads, dilation)
    n, k = cols.shape[0], math.prod(kernel)
    c = cols.shape[1] // k
    parts = cols.reshape(n, c, k, *out)
    acc = xp.zeros((n, c, *full), dtype=cols.dtype)
    for i, tap in enumerate(taps(kernel)):
        acc[tap_slices(tap, stride, dilation, out)] += parts[:, :, i]
    return xp.ascontiguousarray(crop(acc, pads))
