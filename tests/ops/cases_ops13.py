"""Op table: integer and float-part math, triangle indices, vander, pdist, histogram, view scatters, index_reduce,
fake quantization."""

from __future__ import annotations

import numpy as np

from .harness import OpCase, away_from_zero, inputs_of, rand

no_grad = dict(grad=False, gradgrad=False)


def ints(*shape, low=-20, high=20):
    return lambda rng: rng.integers(low, high, shape)


def _pdist(x, p=2.0):
    i, j = np.triu_indices(x.shape[0], 1)
    return np.linalg.norm(x[i] - x[j], ord=p, axis=1)


def _slice_scatter(a, s):
    out = a.copy()
    out[:, 1:4:2] = s
    return out


def _select_scatter(a, s):
    out = a.copy()
    out[-1] = s
    return out


def _diagonal_scatter(a, s):
    out = a.copy()
    idx = np.arange(s.shape[0])
    out[idx + 1, idx] = s
    return out


def _index_amax(a, s):
    out = a.copy()
    for i, k in enumerate([0, 2, 0]):
        out[k] = np.maximum(out[k], s[i])
    return out


def _index_mean_without_self(a, s):
    out = a.copy()
    out[0] = (s[0] + s[2]) / 2
    out[2] = s[1]
    return out


_INDEX = lambda rng: np.array([0, 2, 0])  # noqa: E731
_SCALES = np.array([0.1, 0.25, 0.5], np.float32)


def _fake_quantize(a, scale, zero, lo, hi):
    return (np.clip(np.rint(a * (np.float32(1) / scale)) + zero, lo, hi) - zero) * scale.astype(np.float64)


CASES = [
    OpCase("gcd", lambda m, a, b: m.gcd(a, b), inputs_of(ints(3, 4), ints(4)), np.gcd, **no_grad),
    OpCase("lcm", lambda m, a, b: m.lcm(a, b), inputs_of(ints(3, 4), ints(4)), np.lcm, **no_grad),
    OpCase("bitwise_left_shift", lambda m, a, b: m.bitwise_left_shift(a, b), inputs_of(ints(3, 4), ints(4, low=0, high=8)), np.left_shift, **no_grad),
    OpCase("bitwise_left_shift", lambda m, a: 3 << a, inputs_of(ints(5, low=-2, high=70)), None, variant="operator-out-of-range", **no_grad),
    OpCase("bitwise_right_shift", lambda m, a, b: m.bitwise_right_shift(a, b), inputs_of(ints(3, 4), ints(4, low=0, high=8)), np.right_shift, **no_grad),
    OpCase("bitwise_right_shift", lambda m, a, b: a >> b, inputs_of(ints(6), ints(6, low=-3, high=70)), None, variant="operator-out-of-range", **no_grad),
    OpCase("copysign", lambda m, a, b: m.copysign(a, b), inputs_of(away_from_zero(3, 4), rand(4)), np.copysign),
    OpCase("copysign", lambda m, a: m.copysign(a, -2.0), inputs_of(away_from_zero(2, 3)), lambda a: np.copysign(a, -2.0), variant="scalar"),
    OpCase("copysign", lambda m, a, b: m.copysign(a, b), inputs_of(ints(5), ints(5)), np.copysign, variant="int", **no_grad),
    OpCase("heaviside", lambda m, a, v: m.heaviside(a, v), inputs_of(lambda rng: np.array([-1.5, 0.0, 2.0, 0.0]), rand(4)), np.heaviside, **no_grad),
    OpCase("nextafter", lambda m, a, b: m.nextafter(a, b), inputs_of(rand(3, 4), rand(4, low=5, high=6)), np.nextafter),
    OpCase("ldexp", lambda m, a, b: m.ldexp(a, b), inputs_of(rand(3, 4), rand(4, low=-2, high=2)), lambda a, b: a * 2.0**b),
    # non-negative: PyTorch's input gradient for a negative integer exponent is 0 (integer 2**b); ours is 2**b
    OpCase("ldexp", lambda m, a, b: m.ldexp(a, b), inputs_of(rand(3, 4), ints(4, low=0, high=3)), lambda a, b: a * 2.0**b, variant="int-exponent"),
    OpCase("frexp", lambda m, a: m.frexp(a), inputs_of(away_from_zero(3, 4)), lambda a: np.frexp(a)),
    OpCase("tril_indices", lambda m: m.tril_indices(4, 3, -1), inputs_of(), lambda: np.array(np.tril_indices(4, -1, 3)), **no_grad),
    OpCase("triu_indices", lambda m: m.triu_indices(3, 5, 1), inputs_of(), lambda: np.array(np.triu_indices(3, 1, 5)), **no_grad),
    # PyTorch 2.13's own vander backward fails ("output 0 of AsStrided ... modified by an inplace operation"),
    # so the gradient cases check against finite differences only and the values against PyTorch
    OpCase("vander", lambda m, x: m.vander(x), inputs_of(rand(4)), np.vander, vs_torch=False),
    OpCase("vander", lambda m, x: m.vander(x, N=3, increasing=True), inputs_of(rand(5)), lambda x: np.vander(x, 3, increasing=True), variant="increasing", vs_torch=False),
    OpCase("vander", lambda m, x: m.vander(x, N=5), inputs_of(rand(4)), lambda x: np.vander(x, 5), variant="values", **no_grad),
    OpCase("vander", lambda m, x: m.vander(x, 3), inputs_of(ints(4)), lambda x: np.vander(x, 3), variant="int", **no_grad),
    OpCase("pdist", lambda m, x: m.pdist(x), inputs_of(rand(5, 3)), _pdist),
    OpCase("pdist", lambda m, x: m.pdist(x, 1.0), inputs_of(rand(4, 2)), lambda x: _pdist(x, 1), variant="p1"),
    OpCase("pdist", lambda m, x: m.pdist(x, 3.5), inputs_of(rand(4, 3)), lambda x: _pdist(x, 3.5), variant="p3.5"),
    OpCase("histogram", lambda m, x: m.histogram(x, 5), inputs_of(rand(20)), lambda x: np.histogram(x, 5), **no_grad),
    OpCase("histogram", lambda m, x, w: m.histogram(x, 4, range=(-0.5, 0.5), weight=w, density=True), inputs_of(rand(3, 7), rand(3, 7, low=0, high=1)), lambda x, w: np.histogram(x, 4, range=(-0.5, 0.5), weights=w, density=True), variant="weights-density", **no_grad),
    OpCase("histogram", lambda m, x, e: m.histogram(x, e), inputs_of(rand(30), lambda rng: np.array([-1.0, -0.2, 0.1, 0.7])), lambda x, e: np.histogram(x, e), variant="edges", **no_grad),
    OpCase("histogramdd", lambda m, x: m.histogramdd(x, [3, 2]), inputs_of(rand(20, 2)), lambda x: np.histogramdd(x, [3, 2]), **no_grad),
    OpCase("histogramdd", lambda m, x, w: m.histogramdd(x, 2, range=[-1.0, 1.0, -0.5, 0.5, 0.0, 1.0], weight=w, density=True), inputs_of(rand(4, 5, 3), rand(4, 5, low=0, high=1)), lambda x, w: np.histogramdd(x.reshape(-1, 3), 2, range=[(-1.0, 1.0), (-0.5, 0.5), (0.0, 1.0)], weights=w.ravel(), density=True), variant="weights-density", **no_grad),
    OpCase("histogramdd", lambda m, x, e0, e1: m.histogramdd(x, [e0, e1]), inputs_of(rand(25, 2), lambda rng: np.array([-1.0, 0.0, 0.5]), lambda rng: np.array([-0.8, -0.1, 0.2, 0.9])), lambda x, e0, e1: np.histogramdd(x, [e0, e1]), variant="edges", **no_grad),
    OpCase("slice_scatter", lambda m, a, s: m.slice_scatter(a, s, 1, 1, 4, 2), inputs_of(rand(3, 5), rand(3, 2)), _slice_scatter),
    OpCase("select_scatter", lambda m, a, s: m.select_scatter(a, s, 0, -1), inputs_of(rand(3, 5), rand(5)), _select_scatter),
    OpCase("diagonal_scatter", lambda m, a, s: m.diagonal_scatter(a, s, -1), inputs_of(rand(4, 3), rand(3)), _diagonal_scatter),
    OpCase("index_reduce", lambda m, a, i, s: m.index_reduce(a, 0, i, s, "amax"), inputs_of(rand(3, 2), _INDEX, rand(3, 2)), lambda a, i, s: _index_amax(a, s)),
    OpCase("index_reduce", lambda m, a, i, s: m.index_reduce(a, 0, i, s, "mean", include_self=False), inputs_of(rand(3, 2), _INDEX, rand(3, 2)), lambda a, i, s: _index_mean_without_self(a, s), variant="mean-without-self"),
    OpCase("index_reduce", lambda m, a, i, s: m.index_reduce(a, 0, i, s, "prod"), inputs_of(rand(3, 2), _INDEX, rand(3, 2)), None, variant="prod"),
    # the gradient is a straight-through estimator (1 inside the range), not the derivative finite differences
    # see: tests/test_fake_quantize.py compares it with PyTorch
    OpCase("fake_quantize_per_tensor_affine", lambda m, a: m.fake_quantize_per_tensor_affine(a, 0.1, 3, -8, 7), inputs_of(rand(3, 4)), lambda a: _fake_quantize(a, np.float32(0.1), 3, -8, 7), **no_grad),
    OpCase("fake_quantize_per_channel_affine", lambda m, a: m.fake_quantize_per_channel_affine(a, m.tensor(_SCALES), m.tensor([0, 1, -2], dtype=m.int32), 0, -8, 7), inputs_of(rand(3, 4, low=-3, high=3)), lambda a: _fake_quantize(a, _SCALES[:, None], np.array([[0], [1], [-2]]), -8, 7), **no_grad),
    OpCase("norm_except_dim", lambda m, v: m.norm_except_dim(v, 2, 1), inputs_of(rand(3, 4)), lambda v: np.sqrt((v * v).sum(0, keepdims=True))),
    OpCase("norm_except_dim", lambda m, v: m.norm_except_dim(v, 2, -1), inputs_of(rand(3, 4)), lambda v: np.sqrt((v * v).sum()), variant="all"),
    OpCase("_weight_norm", lambda m, v, g: m._weight_norm(v, g, 0), inputs_of(rand(3, 4), rand(3, 1)), lambda v, g: v * g / np.sqrt((v * v).sum(1, keepdims=True))),
    OpCase("_weight_norm", lambda m, v, g: m._weight_norm(v, g, 2), inputs_of(rand(2, 3, 4), rand(1, 1, 4)), lambda v, g: v * g / np.sqrt((v * v).sum((0, 1), keepdims=True)), variant="last-dim"),
    OpCase("_weight_norm", lambda m, v, g: m._weight_norm(v, g, -1), inputs_of(rand(3, 4), rand()), lambda v, g: v * g / np.sqrt((v * v).sum()), variant="all"),
]  # fmt: skip

EXEMPT = {
    name: "in-place twin of a tabled op: compared with PyTorch in tests/test_ops13.py"
    for name in ("gcd_", "lcm_", "ldexp_")
}
