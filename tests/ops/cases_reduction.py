"""Op table: reductions (prod, var/std, norms, logsumexp, extrema, cumulative ops) and sorting.

Random inputs have no ties, so finite differences check the gradients. Where a
gradient is a choice made at a tie (max with dim, sort, median, cummax, mode ...),
finite differences cannot judge it: those cases return the gradient itself as an
output (`grad_of`), with grad=False, and are compared with PyTorch's choice.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .harness import OpCase, away_from_zero, inputs_of, rand

A = (3, 4)
C = (2, 3, 4)
no_grad = dict(grad=False, gradgrad=False)
nan, inf = np.nan, np.inf

TIES = [[1.0, 3.0, 3.0, -2.0], [2.0, 0.0, 2.0, 0.0], [5.0, 5.0, 5.0, 5.0]]
REPEATS = [[3.0, 1.0, 3.0, 2.0, 1.0], [0.5, 0.5, -1.0, 0.5, 2.0], [4.0, -4.0, 7.0, 7.0, -4.0]]
WITH_NAN = [[1.0, nan, 3.0, -1.0], [0.5, 2.0, -3.0, 1.5], [nan, nan, 0.0, 2.0]]


def fixed(values):
    """An input maker that always gives the same float64 array."""
    return lambda rng: np.array(values, dtype=np.float64)


def ints(*shape, low=-5, high=6):
    return lambda rng: rng.integers(low, high, shape)


def zeros_at(maker, *where):
    """`maker`'s values with exact zeros at the given positions."""

    def make(rng):
        a = maker(rng)
        for idx in where:
            a[idx] = 0.0
        return a

    return make


def grad_of(op):
    """fn(m, a) -> (op's outputs, d(weighted sum of op's float outputs)/da): compares the gradient itself."""

    def fn(m, a):
        x = a.detach().requires_grad_(True)
        result = op(m, x)
        outs = result if isinstance(result, tuple) else (result,)
        loss = 0
        for o in outs:
            if o.is_floating_point():
                w = m.linspace(1.0, 2.0, o.numel()).reshape(o.shape).to(o.dtype)
                loss = loss + (o * w).sum()
        (g,) = m.autograd.grad(loss, (x,))
        return (*outs, g)

    return fn


def case(name, fn, *makers, ref=None, **kw):
    return OpCase(name, fn, inputs_of(*makers), ref, **kw)


def _lower_median(a, axis=None):
    s = np.sort(a.reshape(-1) if axis is None else a, axis=0 if axis is None else axis)
    n = s.shape[0 if axis is None else axis]
    return np.take(s, (n - 1) // 2, axis=0 if axis is None else axis)


def _vnorm(a, p, axis=None, keepdims=False):
    x = np.abs(a)
    if p == inf:
        return x.max(axis=axis, keepdims=keepdims)
    if p == -inf:
        return x.min(axis=axis, keepdims=keepdims)
    if p == 0:
        return (x != 0).sum(axis=axis, keepdims=keepdims).astype(float)
    return (x**p).sum(axis=axis, keepdims=keepdims) ** (1 / p)


PROD = [
    case("prod", lambda m, a: m.prod(a), rand(*A), ref=np.prod),
    case("prod", lambda m, a: m.prod(a, 1), rand(*A), ref=lambda a: a.prod(1), variant="dim"),
    case("prod", lambda m, a: a.prod(-3, keepdim=True), rand(*C), ref=lambda a: a.prod(0, keepdims=True), variant="keepdim"),
    case("prod", lambda m, a: m.prod(a), zeros_at(rand(*A), (1, 2)), ref=np.prod, variant="one_zero"),
    case("prod", lambda m, a: m.prod(a), zeros_at(rand(*A), (0, 0), (2, 3)), ref=np.prod, variant="two_zeros"),
    case("prod", lambda m, a: m.prod(a, dim=1), zeros_at(rand(4, 4), (1, 0), (2, 1), (2, 3), (3, 0), (3, 1), (3, 2)),
         ref=lambda a: a.prod(1), variant="dim_zeros"),
    case("prod", lambda m, a: m.prod(a, 0, dtype=m.float64), rand(*A), ref=lambda a: a.prod(0), variant="dtype"),
    case("prod", lambda m, a: m.prod(a), ints(*A, low=-3, high=4), ref=np.prod, variant="int", **no_grad),
    case("prod", lambda m, a: m.prod(a, 0), fixed(-1.5), ref=lambda a: a, variant="0d"),
    case("prod", lambda m, a: m.prod(a, 0), rand(0, 3), ref=lambda a: a.prod(0), variant="empty"),
]

NAN_SUMS = [
    case("nansum", lambda m, a: m.nansum(a), fixed(WITH_NAN), ref=np.nansum),
    case("nansum", lambda m, a: a.nansum((0, 1), keepdim=True), rand(*C), ref=lambda a: a.sum((0, 1), keepdims=True), variant="dims"),
    case("nansum", lambda m, a: m.nansum(a, 1), fixed(WITH_NAN), ref=lambda a: np.nansum(a, 1), variant="dim_nan"),
    case("nansum", lambda m, a: m.nansum(a), ints(*A), ref=np.sum, variant="int", **no_grad),
    case("nanmean", lambda m, a: m.nanmean(a), fixed(WITH_NAN), ref=np.nanmean),
    case("nanmean", lambda m, a: m.nanmean(a, -1, keepdim=True), fixed(WITH_NAN), ref=lambda a: np.nanmean(a, -1, keepdims=True), variant="dim"),
    case("count_nonzero", lambda m, a: m.count_nonzero(a), zeros_at(rand(*A), (0, 1), (2, 2)), ref=np.count_nonzero, **no_grad),
    case("count_nonzero", lambda m, a: m.count_nonzero(a, dim=(0, 2)), zeros_at(rand(*C), (0, 1, 1)),
         ref=lambda a: np.count_nonzero(a, axis=(0, 2)), variant="dims", **no_grad),
    case("count_nonzero", lambda m, a: a.count_nonzero(-1), ints(*A, low=-1, high=2), ref=lambda a: np.count_nonzero(a, -1),
         variant="int", **no_grad),
]

LOGSUMEXP = [
    case("logsumexp", lambda m, a: m.logsumexp(a, 1), rand(*A), ref=lambda a: special.logsumexp(a, 1)),
    case("logsumexp", lambda m, a: a.logsumexp((0, 2), keepdim=True), rand(*C), ref=lambda a: special.logsumexp(a, (0, 2), keepdims=True),
         variant="dims_keepdim"),
    case("logsumexp", lambda m, a: m.logsumexp(a * 1000, 0), rand(*A), ref=lambda a: special.logsumexp(a * 1000, 0), variant="large"),
    case("logsumexp", lambda m, a: m.logsumexp(a, 1), fixed([[-inf, -inf, -inf], [-inf, 0.0, 1.0], [inf, 1.0, 2.0]]),
         ref=lambda a: special.logsumexp(a, 1), variant="inf", **no_grad),
    case("logsumexp", lambda m, a: m.logsumexp(a, 0), ints(*A), ref=lambda a: special.logsumexp(a, 0), variant="int", **no_grad),
    case("logsumexp", lambda m, a: m.logsumexp(a, 0), rand(0, 3), ref=lambda a: special.logsumexp(a, 0), variant="empty"),
]

NORMS = [
    case("norm", lambda m, a: m.norm(a), rand(*A), ref=np.linalg.norm),
    case("norm", lambda m, a: a.norm(1), away_from_zero(*A), ref=lambda a: _vnorm(a, 1), variant="p1"),
    case("norm", lambda m, a: a.norm(3), away_from_zero(*A), ref=lambda a: _vnorm(a, 3), variant="p3"),
    case("norm", lambda m, a: a.norm(1.5, dim=0), away_from_zero(*A), ref=lambda a: _vnorm(a, 1.5, 0), variant="p1_5"),
    case("norm", lambda m, a: a.norm(0.5, dim=1), away_from_zero(*A), ref=lambda a: _vnorm(a, 0.5, 1), variant="p0_5"),
    case("norm", lambda m, a: a.norm(-1.0, dim=1), away_from_zero(*A), ref=lambda a: _vnorm(a, -1, 1), variant="p_neg1"),
    case("norm", lambda m, a: a.norm(float("inf")), rand(*A), ref=lambda a: _vnorm(a, inf), variant="inf"),
    case("norm", lambda m, a: a.norm(float("-inf"), dim=1, keepdim=True), rand(*A), ref=lambda a: _vnorm(a, -inf, 1, True), variant="neg_inf"),
    case("norm", lambda m, a: a.norm(0), zeros_at(rand(*A), (0, 0)), ref=lambda a: _vnorm(a, 0), variant="p0"),
    case("norm", lambda m, a: m.norm(a, "fro", dim=(0, 2), keepdim=True), rand(*C), ref=lambda a: _vnorm(a, 2, (0, 2), True), variant="fro_dims"),
    case("norm", lambda m, a: m.norm(a, dim=-1, dtype=m.float64), rand(*A), ref=lambda a: _vnorm(a, 2, -1), variant="dtype"),
    case("norm", grad_of(lambda m, a: m.norm(a, dim=1)), fixed([[0.0, 0.0, 0.0], [3.0, -4.0, 0.0]]), variant="at_zero", **no_grad),
    case("norm", grad_of(lambda m, a: m.norm(a, 3, dim=1)), fixed([[0.0, 0.0, 0.0], [3.0, -4.0, 0.0]]), variant="p3_at_zero", **no_grad),
    case("norm", grad_of(lambda m, a: m.norm(a, 0.5, dim=1)), fixed([[0.0, 0.0, 0.0], [3.0, -4.0, 0.0]]), variant="p0_5_zero", **no_grad),
    case("norm", grad_of(lambda m, a: m.norm(a, float("inf"), dim=1)), fixed(TIES), variant="inf_ties", **no_grad),
    case("norm", lambda m, a: m.norm(a, 2.0), rand(0, 3), ref=lambda a: _vnorm(a, 2), variant="empty"),
]


def _var(a, axis=None, ddof=1, keepdims=False):
    return np.var(a, axis=axis, ddof=ddof, keepdims=keepdims)


MOMENTS = [
    case("var", lambda m, a: m.var(a), rand(*A), ref=lambda a: _var(a)),
    case("var", lambda m, a: a.var(1), rand(*A), ref=lambda a: _var(a, 1), variant="dim"),
    case("var", lambda m, a: m.var(a, (0, 2), correction=0, keepdim=True), rand(*C), ref=lambda a: _var(a, (0, 2), 0, True), variant="correction0"),
    case("var", lambda m, a: m.var(a, -1, False), rand(*A), ref=lambda a: _var(a, -1, 0), variant="unbiased_false"),
    case("var", lambda m, a: m.var(a, False), rand(*A), ref=lambda a: _var(a, None, 0), variant="unbiased_only"),
    case("var", lambda m, a: a.var(dim=0, correction=2.5), rand(5, 3), ref=lambda a: _var(a, 0, 2.5), variant="correction_float"),
    case("var", lambda m, a: m.var(a, correction=0), fixed(-1.5), ref=lambda a: np.float64(0.0), variant="0d"),
    case("std", lambda m, a: m.std(a), rand(*A), ref=lambda a: np.std(a, ddof=1)),
    case("std", lambda m, a: a.std(0, keepdim=True), rand(*A), ref=lambda a: np.std(a, 0, ddof=1, keepdims=True), variant="dim"),
    case("std", lambda m, a: m.std(a, (1, 2), correction=0), rand(*C), ref=lambda a: np.std(a, (1, 2)), variant="correction0"),
    case("std", grad_of(lambda m, a: m.std(a, 1)), fixed([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]), variant="zero_std", **no_grad),
    case("var_mean", lambda m, a: m.var_mean(a), rand(*A), ref=lambda a: (_var(a), a.mean())),
    case("var_mean", lambda m, a: m.var_mean(a, 1, keepdim=True, correction=0), rand(*A),
         ref=lambda a: (_var(a, 1, 0, True), a.mean(1, keepdims=True)), variant="dim"),
    case("std_mean", lambda m, a: m.std_mean(a), rand(*A), ref=lambda a: (np.std(a, ddof=1), a.mean())),
    case("std_mean", lambda m, a: m.std_mean(a, (0, 1), False), rand(*C), ref=lambda a: (np.std(a, (0, 1)), a.mean((0, 1))), variant="dims"),
]

EXTREMA = [
    case("max", lambda m, a: m.max(a), rand(*A), ref=np.max),
    case("max", lambda m, a: m.max(a, 1), rand(*A), ref=lambda a: (a.max(1), a.argmax(1)), variant="dim"),
    case("max", lambda m, a: a.max(dim=-1, keepdim=True), rand(*C), ref=lambda a: (a.max(-1, keepdims=True), a.argmax(-1, keepdims=True)),
         variant="keepdim"),
    case("max", lambda m, a, b: m.max(a, b), rand(*A), rand(4), ref=np.maximum, variant="binary"),
    case("max", lambda m, a: m.max(a, 0), ints(*A), ref=lambda a: (a.max(0), a.argmax(0)), variant="int", **no_grad),
    case("max", grad_of(lambda m, a: m.max(a)), fixed(TIES), variant="ties_full", **no_grad),
    case("max", grad_of(lambda m, a: m.max(a, 1)), fixed(TIES), variant="ties_dim", **no_grad),
    case("max", grad_of(lambda m, a: m.max(a, 1)), fixed(WITH_NAN), variant="nan_dim", **no_grad),
    case("max", grad_of(lambda m, a: m.max(a)), fixed(WITH_NAN), variant="nan_full", **no_grad),
    case("max", lambda m, a: m.max(a, 0), fixed(-1.5), ref=lambda a: (a, np.int64(0)), variant="0d"),
    case("min", lambda m, a: m.min(a), rand(*A), ref=np.min),
    case("min", lambda m, a: a.min(0), rand(*A), ref=lambda a: (a.min(0), a.argmin(0)), variant="dim"),
    case("min", lambda m, a, b: m.min(a, b), rand(*A), rand(4), ref=np.minimum, variant="binary"),
    case("min", grad_of(lambda m, a: m.min(a, 1)), fixed(TIES), variant="ties_dim", **no_grad),
    case("min", grad_of(lambda m, a: m.min(a)), fixed(TIES), variant="ties_full", **no_grad),
    case("amax", lambda m, a: m.amax(a), rand(*A), ref=np.max),
    case("amax", lambda m, a: a.amax((0, 2), keepdim=True), rand(*C), ref=lambda a: a.max((0, 2), keepdims=True), variant="dims"),
    case("amax", grad_of(lambda m, a: m.amax(a, 1)), fixed(TIES), variant="ties", **no_grad),
    case("amax", lambda m, a: m.amax(a, 1), rand(0, 3), ref=lambda a: a.max(1), variant="empty"),
    case("amin", lambda m, a: m.amin(a, -1), rand(*A), ref=lambda a: a.min(-1)),
    case("amin", grad_of(lambda m, a: m.amin(a)), fixed(TIES), variant="ties", **no_grad),
    case("argmax", lambda m, a: m.argmax(a), rand(*A), ref=np.argmax, **no_grad),
    case("argmax", lambda m, a: a.argmax(1, keepdim=True), rand(*A), ref=lambda a: a.argmax(1, keepdims=True), variant="dim", **no_grad),
    case("argmax", lambda m, a: m.argmax(a, keepdim=True), rand(*A), ref=lambda a: a.argmax(keepdims=True), variant="keepdim", **no_grad),
    case("argmax", lambda m, a: m.argmax(a, 1), fixed(TIES), ref=lambda a: a.argmax(1), variant="ties", **no_grad),
    case("argmax", lambda m, a: m.argmax(a, 1), fixed(WITH_NAN), variant="nan", **no_grad),
    case("argmin", lambda m, a: m.argmin(a, 0), rand(*A), ref=lambda a: a.argmin(0), **no_grad),
    case("argmin", lambda m, a: m.argmin(a, -1), fixed(TIES), ref=lambda a: a.argmin(-1), variant="ties", **no_grad),
    case("aminmax", lambda m, a: m.aminmax(a), rand(*A), ref=lambda a: (a.min(), a.max())),
    case("aminmax", lambda m, a: m.aminmax(a, dim=1, keepdim=True), rand(*A), ref=lambda a: (a.min(1, keepdims=True), a.max(1, keepdims=True)),
         variant="dim"),
    case("aminmax", grad_of(lambda m, a: m.aminmax(a, dim=1)), fixed(TIES), variant="ties", **no_grad),
]

CUMULATIVE = [
    case("cumsum", lambda m, a: m.cumsum(a, 1), rand(*A), ref=lambda a: a.cumsum(1)),
    case("cumsum", lambda m, a: a.cumsum(-3), rand(*C), ref=lambda a: a.cumsum(0), variant="neg_dim"),
    case("cumsum", lambda m, a: m.cumsum(a, 0, dtype=m.float64), rand(*A), ref=lambda a: a.cumsum(0), variant="dtype"),
    case("cumsum", lambda m, a: m.cumsum(a, 0), ints(*A), ref=lambda a: a.cumsum(0), variant="int", **no_grad),
    case("cumsum", lambda m, a: m.cumsum(a > 0, 1), rand(*A), ref=lambda a: (a > 0).cumsum(1), variant="bool", **no_grad),
    case("cumsum", lambda m, a: m.cumsum(a, 0), fixed(-1.5), ref=lambda a: a, variant="0d"),
    case("cumprod", lambda m, a: m.cumprod(a, 1), rand(*A), ref=lambda a: a.cumprod(1)),
    case("cumprod", lambda m, a: a.cumprod(-2), rand(*C), ref=lambda a: a.cumprod(1), variant="neg_dim"),
    case("cumprod", lambda m, a: m.cumprod(a, 1), zeros_at(rand(4, 5), (1, 2), (2, 0), (2, 3), (3, 4), (3, 1)),
         ref=lambda a: a.cumprod(1), variant="zeros"),
    case("cumprod", lambda m, a: m.cumprod(a, 0), zeros_at(rand(6, 2), (0, 0), (1, 0), (4, 1)), ref=lambda a: a.cumprod(0),
         variant="leading_zeros"),
    case("cumprod", lambda m, a: m.cumprod(a, 0), ints(*A, low=-2, high=3), ref=lambda a: a.cumprod(0), variant="int", **no_grad),
    case("cumprod", lambda m, a: m.cumprod(a, 0), fixed(-1.5), ref=lambda a: a, variant="0d"),
    case("cummax", lambda m, a: m.cummax(a, 1).values, rand(*A), ref=lambda a: np.maximum.accumulate(a, 1)),
    case("cummax", grad_of(lambda m, a: m.cummax(a, 1)), fixed(REPEATS), variant="ties", **no_grad),
    case("cummax", grad_of(lambda m, a: m.cummax(a, 1)), fixed(WITH_NAN), variant="nan", **no_grad),
    case("cummin", lambda m, a: a.cummin(0).values, rand(*A), ref=lambda a: np.minimum.accumulate(a, 0)),
    case("cummin", grad_of(lambda m, a: m.cummin(a, -1)), fixed(REPEATS), variant="ties", **no_grad),
]

SORTING = [
    case("sort", lambda m, a: m.sort(a), rand(*A), ref=lambda a: (np.sort(a, -1), np.argsort(a, -1))),
    case("sort", lambda m, a: a.sort(0, descending=True), rand(*A), ref=lambda a: (-np.sort(-a, 0), np.argsort(-a, 0)), variant="descending"),
    case("sort", lambda m, a: m.sort(a, stable=True, dim=1), rand(*C), ref=lambda a: (np.sort(a, 1), np.argsort(a, 1)), variant="stable"),
    case("sort", grad_of(lambda m, a: m.sort(a, 1)), fixed(TIES), variant="ties", **no_grad),
    case("sort", grad_of(lambda m, a: m.sort(a, 1, descending=True)), fixed(TIES), variant="ties_descending", **no_grad),
    case("sort", grad_of(lambda m, a: m.sort(a, 1, descending=True)), fixed(WITH_NAN), variant="nan", **no_grad),
    case("sort", lambda m, a: m.sort(a, 0), ints(*A), ref=lambda a: (np.sort(a, 0), np.argsort(a, 0, kind="stable")), variant="int", **no_grad),
    case("sort", lambda m, a: m.sort(a), fixed(-1.5), ref=lambda a: (a, np.int64(0)), variant="0d"),
    case("argsort", lambda m, a: m.argsort(a), rand(*A), ref=lambda a: np.argsort(a, -1), **no_grad),
    case("argsort", lambda m, a: a.argsort(0, descending=True), rand(*A), ref=lambda a: np.argsort(-a, 0), variant="descending", **no_grad),
    case("argsort", lambda m, a: m.argsort(a, stable=True), fixed(TIES), ref=lambda a: np.argsort(a, -1, kind="stable"), variant="ties", **no_grad),
    case("msort", lambda m, a: m.msort(a), rand(*A), ref=lambda a: np.sort(a, 0)),
    case("topk", lambda m, a: m.topk(a, 2), rand(*A), ref=lambda a: (-np.sort(-a, -1)[:, :2], np.argsort(-a, -1)[:, :2])),
    case("topk", lambda m, a: a.topk(3, dim=0, largest=False), rand(*A), ref=lambda a: (np.sort(a, 0)[:3], np.argsort(a, 0)[:3]),
         variant="smallest"),
    case("topk", lambda m, a: m.sort(m.topk(a, 3, sorted=False).values).values, rand(*A), ref=lambda a: np.sort(np.sort(a, -1)[:, 1:], -1),
         variant="unsorted"),
    case("topk", lambda m, a: m.topk(a, 2, 1).values, fixed(TIES), variant="ties_values", **no_grad),
    case("topk", lambda m, a: m.topk(a, 0), rand(*A), variant="k0"),
    case("kthvalue", lambda m, a: m.kthvalue(a, 2), rand(*A), ref=lambda a: (np.sort(a, -1)[:, 1], np.argsort(a, -1)[:, 1])),
    case("kthvalue", lambda m, a: a.kthvalue(3, 0, True), rand(*A), ref=lambda a: (np.sort(a, 0)[2:3], np.argsort(a, 0)[2:3]), variant="keepdim"),
    case("kthvalue", lambda m, a: m.kthvalue(a, 3, 1).values, fixed(TIES), variant="ties_values", **no_grad),
    case("median", lambda m, a: m.median(a), rand(*A), ref=_lower_median),
    case("median", lambda m, a: m.median(a, 1), rand(3, 5), ref=lambda a: (np.median(a, 1), np.argsort(a, 1)[:, 2]), variant="dim"),
    case("median", lambda m, a: a.median(0, keepdim=True), rand(*C), ref=lambda a: (np.sort(a, 0)[:1], np.argsort(a, 0)[:1]), variant="even"),
    case("median", grad_of(lambda m, a: m.median(a)), fixed(TIES), variant="ties_full", **no_grad),
    case("median", grad_of(lambda m, a: m.median(a, 1)), fixed(TIES), variant="ties_dim", **no_grad),
    case("median", grad_of(lambda m, a: m.median(a, 1)), fixed(WITH_NAN), variant="nan", **no_grad),
    case("median", lambda m, a: m.median(a, 0), ints(*A), variant="int", **no_grad),
    case("nanmedian", lambda m, a: m.nanmedian(a), fixed(WITH_NAN), ref=lambda a: _lower_median(a[~np.isnan(a)])),
    case("nanmedian", lambda m, a: m.nanmedian(a, 1), fixed(WITH_NAN), variant="dim"),
    case("nanmedian", lambda m, a: m.nanmedian(a, 0).values, rand(*A), ref=lambda a: _lower_median(a, 0), variant="no_nan"),
    case("nanmedian", grad_of(lambda m, a: m.nanmedian(a)), fixed(TIES), variant="ties", **no_grad),
    case("mode", lambda m, a: m.mode(a), fixed(REPEATS), **no_grad),
    case("mode", grad_of(lambda m, a: m.mode(a, 1)), fixed(REPEATS), variant="grad", **no_grad),
    case("mode", lambda m, a: m.mode(a, 0, keepdim=True), ints(6, 4, low=0, high=3), variant="int", **no_grad),
]



def _segments(a, lengths, kind, initial=None):
    """NumPy's segment_reduce along dim 0: `kind` over consecutive runs of `lengths` elements."""
    starts = np.concatenate([[0], np.cumsum(lengths)])
    out = []
    for s0, s1 in zip(starts[:-1], starts[1:]):
        seg = a[s0:s1] if initial is None else np.concatenate([np.full((1, *a.shape[1:]), initial), a[s0:s1]])
        reduce = {"sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min}
        out.append(seg.sum(0) / (s1 - s0) if kind == "mean" else reduce[kind](seg, 0))
    return np.stack(out)


_LENGTHS = [2, 0, 3, 1]
_no_second = dict(gradgrad=False)  # PyTorch's gradient of segment_reduce is not differentiable in data
SEGMENTS = [
    case("segment_reduce", lambda m, a: m.segment_reduce(a, "sum", lengths=m.tensor(_LENGTHS)), rand(6), ref=lambda a: _segments(a, _LENGTHS, "sum"), **_no_second),
    case("segment_reduce", lambda m, a: m.segment_reduce(a, "mean", lengths=m.tensor([2, 4])), rand(6, 3), ref=lambda a: _segments(a, [2, 4], "mean"), variant="mean", **_no_second),
    case("segment_reduce", lambda m, a: m.segment_reduce(a, "mean", lengths=m.tensor([1, 5]), initial=0.5), rand(6, 2), ref=lambda a: _segments(a, [1, 5], "mean", initial=0.5), variant="mean_initial", **_no_second),
    case("segment_reduce", lambda m, a: m.segment_reduce(a, "prod", offsets=m.tensor([0, 3, 6])), away_from_zero(6, 2), ref=lambda a: _segments(a, [3, 3], "prod"), variant="prod", **_no_second),
    case("segment_reduce", lambda m, a: m.segment_reduce(a, "prod", lengths=m.tensor([3, 3]), initial=2.0), zeros_at(rand(6), (1,), (4,), (5,)), ref=lambda a: _segments(a, [3, 3], "prod", initial=2.0), variant="prod_zeros", **_no_second),
    case("segment_reduce", lambda m, a: m.segment_reduce(a, "max", lengths=m.tensor([[2, 3], [4, 1]]), axis=1), rand(2, 5), ref=lambda a: np.stack([[a[0, :2].max(), a[0, 2:].max()], [a[1, :4].max(), a[1, 4:].max()]]), variant="max_rows", **_no_second),
    case("segment_reduce", lambda m, a: m.segment_reduce(a, "amin", lengths=m.tensor([4, 0, 2]), initial=0.0), rand(6), ref=lambda a: np.array([min(a[:4].min(), 0.0), 0.0, min(a[4:].min(), 0.0)]), variant="min_initial", **_no_second),
    case("segment_reduce", grad_of(lambda m, a: m.segment_reduce(a, "max", lengths=m.tensor([3, 4, 5]))), fixed(sum(TIES, [])), variant="max_ties", **no_grad),
    case("segment_reduce", grad_of(lambda m, a: m.segment_reduce(a, "min", lengths=m.tensor([4, 4, 4]))), fixed(sum(TIES, [])), variant="min_ties", **no_grad),
    # the name PyTorch Geometric calls, with the offsets of its `ptr` and its amax over them
    case("_segment_reduce", lambda m, a: m._segment_reduce(a, "amax", offsets=m.tensor([0, 2, 6])), rand(6, 2), ref=lambda a: np.stack([a[:2].max(0), a[2:].max(0)]), **_no_second),
    case("_segment_reduce", lambda m, a: m._segment_reduce(a, "sum", offsets=m.tensor([0, 2, 2, 6])), rand(6, 2), ref=lambda a: np.stack([a[:2].sum(0), np.zeros(2), a[2:].sum(0)]), variant="empty", **_no_second),
]  # fmt: skip

CASES = PROD + NAN_SUMS + LOGSUMEXP + NORMS + MOMENTS + EXTREMA + CUMULATIVE + SORTING + SEGMENTS
