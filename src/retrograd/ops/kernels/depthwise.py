"""Array kernels for depthwise convolutions (one input channel per group), tap by tap.

A depthwise convolution's column matrix holds K copies of its input (81 for a 9x9 kernel:
ConvMixer's 768 channels of 32x32 in float64 made 1 GiB a layer, kept for the backward), and
its products are one row of K taps per output channel, too thin for a GEMM to gain anything.
These kernels add the K shifted views of the padded input, each times its tap's weights, into
the result, so no temporary is bigger than the result. The sums run over the taps in order
(the column kernels' run in BLAS's), so the two agree to rounding.

The same three products as `windows.py`, for weights (O, 1, *k) with G groups and m = O/G
output channels per input channel: y (N, O, *out) viewed as (N, G, m, *out).
"""

from __future__ import annotations

import math
from typing import Any

from . import windows
from .windows import Ints, Pads, crop, image_columns, out_shape, pad_const, padded, per_image, tap_slices, taps, work


def applies(w_shape: Ints, groups: int) -> bool:
    """Whether a convolution with weights of `w_shape` is depthwise (every group one input channel)."""
    return groups > 1 and w_shape[1] == 1


def _sum_dtype(xp: Any, dtype: Any) -> Any:
    return xp.float32 if dtype == xp.float16 else dtype  # float16 products add up in float32


def _tap_weights(xp: Any, w: Any, groups: int, nd: int, dtype: Any) -> Any:
    """w (O, 1, *k) as (K, G, m, 1, ...): one broadcastable block of weights per tap."""
    o = w.shape[0]
    per_tap = w.reshape(groups, o // groups, -1).transpose(2, 0, 1).astype(dtype, copy=False)
    return per_tap.reshape(per_tap.shape + (1,) * nd)


# The forward's column matrix is built for this many bytes' worth of groups at a time
_COLUMNS_BYTES = 4 << 20


def conv_forward(xp: Any, x: Any, w: Any, stride: Ints, pads: Pads, dilation: Ints, groups: int,
                 bias: Any = None) -> Any:
    """y[n, o] = sum_k w[o, 0, k] x[n, o // m, window + k] [+ bias[o]]: (N, O, *out).

    The same products as `windows.conv_forward`'s, on the columns of a few groups at a time
    (faster here than tap by tap sums, and the columns stay in cache).
    """
    kernel = w.shape[2:]
    out = out_shape(x.shape[2:], kernel, stride, pads, dilation)
    n, o = x.shape[0], w.shape[0]
    k, length = math.prod(kernel), math.prod(out)
    if not per_image(out, k, o // groups):  # small images: one product over the batch (its columns are small)
        return windows.conv_forward(xp, x, w, stride, pads, dilation, groups, bias)
    xpad = pad_const(xp, x, pads)
    wg = w.reshape(groups, o // groups, k)
    y = xp.empty((n, groups, o // groups, length), dtype=x.dtype)
    step = max(1, _COLUMNS_BYTES // max(1, n * k * length * x.itemsize))
    if step >= groups:  # one piece: no slicing
        xp.matmul(wg, image_columns(xp, xpad, kernel, stride, dilation, out, groups), out=y)
    for start in range(0, groups if step < groups else 0, step):
        part = slice(start, min(start + step, groups))
        cols = image_columns(xp, xpad[:, part], kernel, stride, dilation, out, part.stop - part.start)
        xp.matmul(wg[part], cols, out=y[:, part])
    y = y.reshape(n, o, *out)
    if bias is not None:
        y += bias.reshape((o,) + (1,) * len(out))
    return y


def conv_input_grad(xp: Any, g: Any, w: Any, stride: Ints, pads: Pads, dilation: Ints, groups: int,
                    spatial: Ints) -> Any:
    """The transpose of `conv_forward` in x: dx[n, c, window + k] += sum_j w[cm + j, 0, k] g[n, cm + j]."""
    full = padded(spatial, pads)
    n, o = g.shape[:2]
    out, m = g.shape[2:], o // groups
    dtype = _sum_dtype(xp, g.dtype)
    wk = _tap_weights(xp, w, groups, len(out), dtype)
    gm = g.reshape(n, groups, m, *out)
    dx = xp.zeros((n, groups, *full), dtype=dtype)
    part = work(xp, "depthwise", gm.shape, dtype)
    for i, tap in enumerate(taps(w.shape[2:])):
        xp.multiply(gm, wk[i], out=part)
        dx[tap_slices(tap, stride, dilation, out)] += part[:, :, 0] if m == 1 else part.sum(2)
    return xp.ascontiguousarray(crop(dx, pads)).astype(g.dtype, copy=False)


def conv_weight_grad(xp: Any, x: Any, g: Any, stride: Ints, pads: Pads, dilation: Ints, groups: int,
                     kernel: Ints) -> Any:
    """The transpose of `conv_forward` in w: dw[o, 0, k] = sum_n,s g[n, o, s] x[n, o // m, s + k]."""
    xpad = pad_const(xp, x, pads)
    n, o = g.shape[:2]
    out = g.shape[2:]
    dtype = _sum_dtype(xp, g.dtype)
    gm = g.reshape(n, groups, o // groups, *out)
    part = work(xp, "depthwise", gm.shape, dtype)
    dw = xp.empty((groups, o // groups, math.prod(kernel)), dtype=dtype)
    summed = (0, *range(3, 3 + len(out)))
    for i, tap in enumerate(taps(kernel)):
        xp.multiply(gm, xpad[tap_slices(tap, stride, dilation, out)][:, :, None], out=part)
        dw[..., i] = part.sum(summed)
    return dw.reshape(o, 1, *kernel).astype(g.dtype, copy=False)
