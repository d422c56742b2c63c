"""Op table: convolution, pooling, padding and resampling (torch.nn.functional's names, "F.<name>").

NumPy references (sliding windows + einsum) cover the plain convolution,
pooling, pad and unfold cases; the rest rely on the PyTorch comparison.
Pooling inputs have well-separated values so finite differences never cross
a tie; tie-breaking itself is checked against PyTorch in tests/test_nn_conv.py.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .harness import OpCase, inputs_of, rand


def F(name):
    """The op `name` of a module's nn.functional."""
    return lambda m: getattr(m.nn.functional, name)


def distinct(*shape):
    """Values at least 1/size apart (shuffled): max pooling has no near-ties."""

    def make(rng):
        n = math.prod(shape)
        return (rng.permutation(n).reshape(shape) - n / 2) / n * 4 + rng.uniform(0, 0.1 / n, shape)

    return make


def _tup(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def _windows(x, kernel, stride, dilation, fill=0.0, pad=0, extra=0):
    """(N, C, *out, *kernel) windows of x padded by `pad` (+ `extra` on the high side)."""
    nd = len(kernel)
    x = np.pad(x, [(0, 0), (0, 0)] + [(p, p + e) for p, e in zip(pad, extra)], constant_values=fill)
    ext = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    v = sliding_window_view(x, ext, axis=tuple(range(2, 2 + nd)))
    index = (slice(None),) * 2 + tuple(slice(None, None, s) for s in stride) + tuple(slice(None, None, d) for d in dilation)
    return v[index]


def ref_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    nd = w.ndim - 2
    v = _windows(x, w.shape[2:], _tup(stride, nd), _tup(dilation, nd), pad=_tup(padding, nd), extra=(0,) * nd)
    n, c = x.shape[:2]
    out = v.shape[2:2 + nd]
    v = v.reshape(n, groups, c // groups, math.prod(out), -1)
    wg = w.reshape(groups, w.shape[0] // groups, w.shape[1], -1)
    y = np.einsum("ngclk,gock->ngol", v, wg).reshape(n, w.shape[0], *out)
    return y if b is None else y + b.reshape((-1,) + (1,) * nd)


def ref_max_pool(x, k, stride=None, padding=0, dilation=1):
    nd = x.ndim - 2
    k = _tup(k, nd)
    v = _windows(x, k, _tup(stride or k, nd), _tup(dilation, nd), -np.inf, _tup(padding, nd), (0,) * nd)
    return v.max(axis=tuple(range(2 + nd, 2 + 2 * nd)))


def ref_avg_pool(x, k, stride=None):
    nd = x.ndim - 2
    k = _tup(k, nd)
    v = _windows(x, k, _tup(stride or k, nd), (1,) * nd, 0.0, (0,) * nd, (0,) * nd)
    return v.mean(axis=tuple(range(2 + nd, 2 + 2 * nd)))


def ref_unfold(x, k, dilation=1, padding=0, stride=1):
    v = _windows(x, _tup(k, 2), _tup(stride, 2), _tup(dilation, 2), 0.0, _tup(padding, 2), (0, 0))
    n, c, oh, ow, kh, kw = v.shape
    return v.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)


def ref_pad(x, pad, mode="constant", value=0.0):
    widths = [(0, 0)] * (x.ndim - len(pad) // 2) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(len(pad) // 2))]
    np_mode = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    kw = {"constant_values": value} if mode == "constant" else {}
    return np.pad(x, widths, mode=np_mode, **kw)


def conv(name, fn, shapes, ref=None, variant="", **kw):
    return OpCase(f"F.{name}", fn, inputs_of(*[rand(*s) for s in shapes]), ref, variant=variant, **kw)


def pool(name, fn, maker, ref=None, variant="", **kw):
    return OpCase(f"F.{name}", fn, inputs_of(maker), ref, variant=variant, **kw)


X1, X2, X3 = (2, 3, 7), (2, 2, 6, 5), (1, 2, 4, 4, 3)
W1, W2, W3 = (4, 3, 3), (3, 2, 3, 2), (2, 2, 2, 3, 2)

CONV_CASES = [
    conv("conv1d", lambda m, x, w: F("conv1d")(m)(x, w), [X1, W1], ref_conv),
    conv("conv1d", lambda m, x, w, b: F("conv1d")(m)(x, w, b, stride=2, padding=2, dilation=2), [X1, W1, (4,)],
         lambda x, w, b: ref_conv(x, w, b, 2, 2, 2), variant="stride_pad_dilation_bias"),
    conv("conv1d", lambda m, x, w: F("conv1d")(m)(x, w, groups=2, padding=1), [(2, 4, 6), (6, 2, 2)],
         lambda x, w: ref_conv(x, w, padding=1, groups=2), variant="groups"),
    conv("conv1d", lambda m, x, w: F("conv1d")(m)(x, w, padding="same"), [X1, (2, 3, 4)], variant="same_even_kernel"),
    conv("conv1d", lambda m, x, w: F("conv1d")(m)(x, w, padding="valid"), [X1, W1], ref_conv, variant="valid"),
    conv("conv1d", lambda m, x, w: F("conv1d")(m)(x, w), [(3, 7), W1], variant="unbatched"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w), [X2, W2], ref_conv),
    conv("conv2d", lambda m, x, w, b: F("conv2d")(m)(x, w, b), [X2, W2, (3,)], ref_conv, variant="bias"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w, stride=2, padding=1), [X2, W2],
         lambda x, w: ref_conv(x, w, stride=2, padding=1), variant="stride_padding"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w, stride=(1, 2), padding=(2, 0), dilation=(2, 1)), [X2, W2],
         variant="tuples_dilation"),
    conv("conv2d", lambda m, x, w, b: F("conv2d")(m)(x, w, b, groups=2), [(2, 4, 5, 5), (4, 2, 2, 3), (4,)],
         lambda x, w, b: ref_conv(x, w, b, groups=2), variant="groups"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w, padding="same"), [X2, (3, 2, 3, 3)],
         lambda x, w: ref_conv(x, w, padding=1), variant="same"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w, padding="same", dilation=(1, 2)), [X2, W2],
         variant="same_even_kernel_dilated"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w, stride=3), [(2, 2, 8, 7), (2, 2, 2, 2)],
         lambda x, w: ref_conv(x, w, stride=3), variant="stride_past_end"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w), [(2, 6, 5), W2[:1] + (2, 3, 2)], variant="unbatched"),
    conv("conv2d", lambda m, x, w: F("conv2d")(m)(x, w, padding=(1, 0)), [(2, 2, 3, 12), (3, 2, 3, 3)],
         lambda x, w: ref_conv(x, w, padding=(1, 0)), variant="wide_rows"),
    # depthwise (one input channel per group; tap by tap): two outputs per channel, and 'same' with an even kernel
    conv("conv2d", lambda m, x, w, b: F("conv2d")(m)(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2),
         groups=3), [(2, 3, 7, 6), (6, 1, 3, 3), (6,)], lambda x, w, b: ref_conv(x, w, b, (2, 1), (1, 2), (1, 2), 3),
         variant="depthwise_multiplier"),
    conv("conv1d", lambda m, x, w: F("conv1d")(m)(x, w, padding="same", groups=3), [(2, 3, 9), (3, 1, 4)],
         variant="depthwise_same_even_kernel"),
    conv("conv3d", lambda m, x, w: F("conv3d")(m)(x, w), [X3, W3], ref_conv),
    conv("conv3d", lambda m, x, w, b: F("conv3d")(m)(x, w, b, stride=(2, 1, 1), padding=1, groups=2),
         [X3, (2, 1, 2, 2, 2), (2,)], lambda x, w, b: ref_conv(x, w, b, (2, 1, 1), 1, 1, 2), variant="stride_groups"),
    conv("conv_transpose1d", lambda m, x, w: F("conv_transpose1d")(m)(x, w), [X1, (3, 2, 3)]),
    conv("conv_transpose1d", lambda m, x, w, b: F("conv_transpose1d")(m)(x, w, b, stride=3, padding=1,
         output_padding=2, groups=3, dilation=2), [(2, 3, 4), (3, 1, 2), (3,)], variant="all_options"),
    conv("conv_transpose2d", lambda m, x, w, b: F("conv_transpose2d")(m)(x, w, b), [(2, 3, 4, 3), (3, 2, 3, 2), (2,)]),
    conv("conv_transpose2d", lambda m, x, w: F("conv_transpose2d")(m)(x, w, stride=2, padding=1, output_padding=1),
         [(2, 3, 3, 4), (3, 2, 3, 3)], variant="stride_output_padding"),
    conv("conv_transpose2d", lambda m, x, w: F("conv_transpose2d")(m)(x, w, stride=(2, 1), groups=2, dilation=(1, 2),
         output_padding=(1, 0)), [(2, 4, 3, 3), (4, 1, 2, 2)], variant="groups_dilation"),
    conv("conv_transpose2d", lambda m, x, w: F("conv_transpose2d")(m)(x, w, padding=1), [(3, 4, 3), (3, 2, 3, 3)],
         variant="unbatched"),
    conv("conv_transpose3d", lambda m, x, w: F("conv_transpose3d")(m)(x, w, stride=2, output_padding=(1, 0, 1)),
         [(1, 2, 2, 3, 2), (2, 2, 2, 2, 2)]),
]

P1, P2, P3 = (2, 3, 9), (2, 2, 7, 6), (1, 2, 5, 4, 4)

POOL_CASES = [
    pool("max_pool1d", lambda m, x: F("max_pool1d")(m)(x, 3), distinct(*P1), lambda x: ref_max_pool(x, 3)),
    pool("max_pool1d", lambda m, x: F("max_pool1d")(m)(x, 3, 2, 1, ceil_mode=True, return_indices=True),
         distinct(*P1), variant="ceil_padding_indices"),
    pool("max_pool1d", lambda m, x: F("max_pool1d")(m)(x, 2, 1, dilation=3), distinct(3, 9), variant="unbatched_dilation"),
    pool("max_pool2d", lambda m, x: F("max_pool2d")(m)(x, 2), distinct(*P2), lambda x: ref_max_pool(x, 2)),
    pool("max_pool2d", lambda m, x: F("max_pool2d")(m)(x, 3, 2, 1), distinct(*P2),
         lambda x: ref_max_pool(x, 3, 2, 1), variant="overlap_padding"),
    pool("max_pool2d", lambda m, x: F("max_pool2d")(m)(x, (3, 2), (2, 1), (1, 0), ceil_mode=True), distinct(*P2),
         variant="ceil_mode"),
    pool("max_pool2d", lambda m, x: F("max_pool2d")(m)(x, 2, dilation=(2, 1), return_indices=True), distinct(*P2),
         variant="dilation_indices"),
    pool("max_pool2d", lambda m, x: F("max_pool2d")(m)(x, 2, 3), distinct(2, 7, 6), variant="unbatched_gap"),
    pool("max_pool3d", lambda m, x: F("max_pool3d")(m)(x, 2, (1, 2, 2), ceil_mode=True, return_indices=True),
         distinct(*P3)),
    pool("max_pool1d_with_indices", lambda m, x: F("max_pool1d_with_indices")(m)(x, 2), distinct(*P1)),
    pool("max_pool2d_with_indices", lambda m, x: F("max_pool2d_with_indices")(m)(x, 2, 1, 1), distinct(*P2)),
    pool("max_pool3d_with_indices", lambda m, x: F("max_pool3d_with_indices")(m)(x, 2), distinct(*P3)),
    pool("avg_pool1d", lambda m, x: F("avg_pool1d")(m)(x, 3), rand(*P1), lambda x: ref_avg_pool(x, 3)),
    pool("avg_pool1d", lambda m, x: F("avg_pool1d")(m)(x, 4, 3, 2, ceil_mode=True, count_include_pad=False),
         rand(*P1), variant="ceil_exclude_pad"),
    pool("avg_pool2d", lambda m, x: F("avg_pool2d")(m)(x, 2), rand(*P2), lambda x: ref_avg_pool(x, 2)),
    pool("avg_pool2d", lambda m, x: F("avg_pool2d")(m)(x, 3, 2, 1, ceil_mode=True), rand(*P2),
         variant="ceil_padding"),
    pool("avg_pool2d", lambda m, x: F("avg_pool2d")(m)(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
         rand(*P2), variant="exclude_pad"),
    pool("avg_pool2d", lambda m, x: F("avg_pool2d")(m)(x, (2, 3), 1, divisor_override=4), rand(*P2),
         variant="divisor_override"),
    pool("avg_pool2d", lambda m, x: F("avg_pool2d")(m)(x, 2, 1), rand(2, 4, 4), lambda x: ref_avg_pool(x[None], 2, 1)[0],
         variant="unbatched_overlap"),
    pool("avg_pool3d", lambda m, x: F("avg_pool3d")(m)(x, 2, padding=1, count_include_pad=False), rand(*P3)),
    pool("adaptive_avg_pool1d", lambda m, x: F("adaptive_avg_pool1d")(m)(x, 4), rand(*P1)),
    pool("adaptive_avg_pool1d", lambda m, x: F("adaptive_avg_pool1d")(m)(x, 12), rand(*P1), variant="upsample"),
    pool("adaptive_avg_pool2d", lambda m, x: F("adaptive_avg_pool2d")(m)(x, (3, 4)), rand(*P2)),
    pool("adaptive_avg_pool2d", lambda m, x: F("adaptive_avg_pool2d")(m)(x, (None, 2)), rand(*P2), variant="none"),
    pool("adaptive_avg_pool2d", lambda m, x: F("adaptive_avg_pool2d")(m)(x, 1), rand(*P2), variant="global"),
    pool("adaptive_avg_pool3d", lambda m, x: F("adaptive_avg_pool3d")(m)(x, (2, 3, 3)), rand(*P3)),
    pool("adaptive_max_pool1d", lambda m, x: F("adaptive_max_pool1d")(m)(x, 4, return_indices=True), distinct(*P1)),
    pool("adaptive_max_pool2d", lambda m, x: F("adaptive_max_pool2d")(m)(x, (3, 4)), distinct(*P2)),
    pool("adaptive_max_pool2d", lambda m, x: F("adaptive_max_pool2d")(m)(x, (5, 9), return_indices=True),
         distinct(*P2), variant="overlapping_indices"),
    pool("adaptive_max_pool3d", lambda m, x: F("adaptive_max_pool3d")(m)(x, 2), distinct(*P3)),
    pool("adaptive_max_pool1d_with_indices", lambda m, x: F("adaptive_max_pool1d_with_indices")(m)(x, 3),
         distinct(*P1)),
    pool("adaptive_max_pool2d_with_indices", lambda m, x: F("adaptive_max_pool2d_with_indices")(m)(x, 3),
         distinct(*P2)),
    pool("adaptive_max_pool3d_with_indices", lambda m, x: F("adaptive_max_pool3d_with_indices")(m)(x, (None, 2, 3)),
         distinct(*P3)),
]

I1, I2, I3 = (2, 2, 5), (1, 2, 4, 3), (1, 1, 3, 2, 3)

RESAMPLE_CASES = [
    pool("pad", lambda m, x: F("pad")(m)(x, (1, 2)), rand(*P2), lambda x: ref_pad(x, (1, 2))),
    pool("pad", lambda m, x: F("pad")(m)(x, (2, -1, -2, 1, 0, 1), value=0.5), rand(*P2),
         lambda x: ref_pad(x, (2, 0, 0, 1, 0, 1), value=0.5)[:, :, 2:, :-1], variant="negative_value"),
    pool("pad", lambda m, x: F("pad")(m)(x, (2, 1, 1, 3), mode="reflect"), rand(*P2),
         lambda x: ref_pad(x, (2, 1, 1, 3), "reflect"), variant="reflect"),
    pool("pad", lambda m, x: F("pad")(m)(x, (2, 3), mode="reflect"), rand(3, 5), variant="reflect_1d_unbatched"),
    pool("pad", lambda m, x: F("pad")(m)(x, (2, 1, 1, 3), mode="replicate"), rand(*P2),
         lambda x: ref_pad(x, (2, 1, 1, 3), "replicate"), variant="replicate"),
    pool("pad", lambda m, x: F("pad")(m)(x, (1, 1, 2, 0, 0, 2), mode="replicate"), rand(*P3), variant="replicate_3d"),
    pool("pad", lambda m, x: F("pad")(m)(x, (2, 3, 1, 0), mode="circular"), rand(*P2),
         lambda x: ref_pad(x, (2, 3, 1, 0), "circular"), variant="circular"),
    pool("pad", lambda m, x: F("pad")(m)(x, (1, 2, 3, 1, 0, 1), mode="reflect"), rand(*P3), variant="reflect_3d"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, scale_factor=2), rand(*I2)),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, size=(7, 2)), rand(*I2), variant="nearest_size"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, scale_factor=1.7), rand(*I1), variant="nearest_1d"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, scale_factor=(1.5, 2, 0.7)), rand(*I3),
         variant="nearest_3d"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, size=(6, 5), mode="nearest-exact"), rand(*I2),
         variant="nearest_exact"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, scale_factor=2.5, mode="linear"), rand(*I1),
         variant="linear"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, size=3, mode="linear", align_corners=True), rand(*I1),
         variant="linear_align_corners"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, size=(7, 5), mode="bilinear"), rand(*I2),
         variant="bilinear"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, scale_factor=(1.5, 0.7), mode="bilinear",
         align_corners=True), rand(*I2), variant="bilinear_align_corners"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, scale_factor=2.3, mode="bilinear",
         recompute_scale_factor=True), rand(*I2), variant="bilinear_recompute"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, size=(6, 4), mode="bicubic"), rand(*I2),
         variant="bicubic"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, scale_factor=1.5, mode="bicubic", align_corners=True),
         rand(*I2), variant="bicubic_align_corners"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, size=(4, 3, 5), mode="trilinear"), rand(*I3),
         variant="trilinear"),
    pool("interpolate", lambda m, x: F("interpolate")(m)(x, size=(3, 5), mode="area"), rand(*I2), variant="area"),
    pool("unfold", lambda m, x: F("unfold")(m)(x, 2), rand(*P2), lambda x: ref_unfold(x, 2)),
    pool("unfold", lambda m, x: F("unfold")(m)(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), rand(*P2),
         lambda x: ref_unfold(x, (2, 3), (2, 1), 1, (1, 2)), variant="options"),
    pool("unfold", lambda m, x: F("unfold")(m)(x, 3, padding=1), rand(2, 4, 3), variant="unbatched"),
    pool("fold", lambda m, x: F("fold")(m)(x, (4, 5), 2), rand(2, 12, 12)),
    pool("fold", lambda m, x: F("fold")(m)(x, (5, 4), (2, 3), dilation=(1, 2), padding=(1, 2), stride=2),
         rand(2, 6, 6), variant="options"),
    pool("fold", lambda m, x: F("fold")(m)(x, 3, 2, stride=1), rand(8, 4), variant="unbatched"),
]

CASES = CONV_CASES + POOL_CASES + RESAMPLE_CASES

EXEMPT = {
    "F.upsample": "deprecated alias of F.interpolate (warns); covered by tests/test_nn_conv.py",
    "F.upsample_nearest": "deprecated alias of F.interpolate (warns); covered by tests/test_nn_conv.py",
    "F.upsample_bilinear": "deprecated alias of F.interpolate (warns); covered by tests/test_nn_conv.py",
}
