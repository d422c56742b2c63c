"""Op table: arithmetic, pointwise math, comparisons, views, sum/mean, creation."""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .harness import OpCase, away_from_zero, inputs_of, positive, rand

A = (3, 4)
B = (4,)  # broadcasts against A
S = (2, 3)


def unary(name, ref, maker=rand(*S), **kw):
    return OpCase(name, lambda m, a: getattr(m, name)(a), inputs_of(maker), ref, **kw)


def method(name, ref, maker=rand(*S), **kw):
    return OpCase(name, lambda m, a: getattr(a, name)(), inputs_of(maker), ref, variant="method", **kw)


def binary(name, ref, ma=rand(*A), mb=rand(*B), **kw):
    return OpCase(name, lambda m, a, b: getattr(m, name)(a, b), inputs_of(ma, mb), ref, **kw)


no_grad = dict(grad=False, gradgrad=False)

CASES = [
    # arithmetic, tensor-tensor with broadcasting
    binary("add", np.add),
    binary("sub", np.subtract),
    binary("subtract", np.subtract),
    binary("mul", np.multiply),
    binary("multiply", np.multiply),
    binary("div", np.divide, mb=away_from_zero(*B)),
    binary("divide", np.divide, mb=away_from_zero(*B)),
    binary("true_divide", np.divide, mb=away_from_zero(*B)),
    OpCase("add", lambda m, a, b: m.add(a, b, alpha=2.5), inputs_of(rand(*A), rand(*B)), lambda a, b: a + 2.5 * b, variant="alpha"),
    OpCase("sub", lambda m, a, b: m.sub(a, b, alpha=-2), inputs_of(rand(*A), rand(*B)), lambda a, b: a + 2 * b, variant="alpha"),
    OpCase("add", lambda m, a: a + 2, inputs_of(rand(*S)), lambda a: a + 2, variant="scalar"),
    OpCase("rsub", lambda m, a: 2 - a, inputs_of(rand(*S)), lambda a: 2 - a, variant="operator"),
    OpCase("mul", lambda m, a: 3 * a, inputs_of(rand(*S)), lambda a: 3 * a, variant="scalar"),
    OpCase("rdiv", lambda m, a: 2 / a, inputs_of(away_from_zero(*S)), lambda a: 2 / a, variant="operator"),
    OpCase("div", lambda m, a, b: m.div(a, b, rounding_mode="floor"), inputs_of(rand(*A, low=-5, high=5), away_from_zero(*B)), lambda a, b: np.floor(a / b), variant="floor", gradgrad=False),
    OpCase("div", lambda m, a, b: m.div(a, b, rounding_mode="trunc"), inputs_of(rand(*A, low=-5, high=5), away_from_zero(*B)), lambda a, b: np.trunc(a / b), variant="trunc", gradgrad=False),
    OpCase("floor_divide", lambda m, a, b: m.floor_divide(a, b), inputs_of(rand(*A, low=-5, high=5), away_from_zero(*B)), lambda a, b: np.floor(a / b), **no_grad),
    OpCase("remainder", lambda m, a, b: m.remainder(a, b), inputs_of(rand(*A, low=0.1, high=0.9), rand(*B, low=1.1, high=2.0)), np.mod),
    OpCase("fmod", lambda m, a, b: m.fmod(a, b), inputs_of(rand(*A, low=0.1, high=0.9), rand(*B, low=1.1, high=2.0)), np.fmod),
    unary("neg", np.negative),
    unary("negative", np.negative),
    OpCase("pow", lambda m, a: a ** 3, inputs_of(rand(*S)), lambda a: a ** 3, variant="scalar"),
    OpCase("pow", lambda m, a: m.pow(a, 0.5), inputs_of(positive(*S)), np.sqrt, variant="sqrt"),
    OpCase("pow", lambda m, a: m.pow(a, 0), inputs_of(rand(*S)), lambda a: a ** 0, variant="zero"),
    OpCase("pow", lambda m, a, b: m.pow(a, b), inputs_of(positive(*A), rand(*B)), np.power, variant="tensor"),
    OpCase("pow", lambda m, b: 2.0 ** b, inputs_of(rand(*S)), lambda b: 2.0 ** b, variant="rpow"),
    OpCase("float_power", lambda m, a: m.float_power(a, 2), inputs_of(rand(*S)), lambda a: a ** 2),
    unary("square", np.square),
    unary("reciprocal", np.reciprocal, away_from_zero(*S)),
    OpCase("addcmul", lambda m, a, b, c: m.addcmul(a, b, c, value=0.5), inputs_of(rand(*A), rand(*B), rand(*A)), lambda a, b, c: a + 0.5 * b * c),
    OpCase("addcdiv", lambda m, a, b, c: m.addcdiv(a, b, c, value=2), inputs_of(rand(*A), rand(*B), away_from_zero(*A)), lambda a, b, c: a + 2 * b / c),
    OpCase("lerp", lambda m, a, b: m.lerp(a, b, 0.3), inputs_of(rand(*A), rand(*B)), lambda a, b: a + 0.3 * (b - a)),
    OpCase("lerp", lambda m, a, b, w: m.lerp(a, b, w), inputs_of(rand(*A), rand(*B), rand(*A)), lambda a, b, w: a + w * (b - a), variant="tensor_weight"),
    # pointwise math
    unary("exp", np.exp),
    unary("exp2", np.exp2),
    unary("expm1", np.expm1),
    unary("log", np.log, positive(*S)),
    unary("log2", np.log2, positive(*S)),
    unary("log10", np.log10, positive(*S)),
    unary("log1p", np.log1p, positive(*S)),
    unary("sqrt", np.sqrt, positive(*S)),
    unary("rsqrt", lambda a: 1 / np.sqrt(a), positive(*S)),
    unary("sin", np.sin),
    unary("cos", np.cos),
    unary("tan", np.tan),
    unary("asin", np.arcsin, rand(*S, low=-0.9, high=0.9)),
    unary("acos", np.arccos, rand(*S, low=-0.9, high=0.9)),
    unary("atan", np.arctan),
    unary("arcsin", np.arcsin, rand(*S, low=-0.9, high=0.9)),
    unary("arccos", np.arccos, rand(*S, low=-0.9, high=0.9)),
    unary("arctan", np.arctan),
    unary("sinh", np.sinh),
    unary("cosh", np.cosh),
    unary("tanh", np.tanh),
    unary("asinh", np.arcsinh),
    unary("acosh", np.arccosh, rand(*S, low=1.5, high=3)),
    unary("atanh", np.arctanh, rand(*S, low=-0.9, high=0.9)),
    unary("arcsinh", np.arcsinh),
    unary("arccosh", np.arccosh, rand(*S, low=1.5, high=3)),
    unary("arctanh", np.arctanh, rand(*S, low=-0.9, high=0.9)),
    unary("sigmoid", special.expit),
    unary("logit", special.logit, rand(*S, low=0.1, high=0.9)),
    OpCase("logit", lambda m, a: m.logit(a, eps=0.2), inputs_of(rand(*S, low=0.25, high=0.75)), special.logit, variant="eps"),
    unary("erf", special.erf),
    unary("erfc", special.erfc),
    unary("erfinv", special.erfinv, rand(*S, low=-0.9, high=0.9)),
    unary("sinc", np.sinc, away_from_zero(*S)),
    unary("deg2rad", np.deg2rad),
    unary("rad2deg", np.rad2deg),
    unary("floor", np.floor, rand(*S, low=-3, high=3), gradgrad=False),
    unary("ceil", np.ceil, rand(*S, low=-3, high=3), gradgrad=False),
    unary("trunc", np.trunc, rand(*S, low=-3, high=3), gradgrad=False),
    unary("fix", np.trunc, rand(*S, low=-3, high=3), gradgrad=False),
    unary("frac", lambda a: a - np.trunc(a), rand(*S, low=-3, high=3).__call__ and away_from_zero(*S)),
    unary("round", np.round, rand(*S, low=-3, high=3), gradgrad=False),
    OpCase("round", lambda m, a: m.round(a, decimals=1), inputs_of(rand(*S, low=-3, high=3)), lambda a: np.round(a, 1), variant="decimals", gradgrad=False),
    unary("sign", np.sign, away_from_zero(*S), gradgrad=False),
    unary("sgn", np.sign, away_from_zero(*S), gradgrad=False),
    unary("abs", np.abs, away_from_zero(*S)),
    unary("absolute", np.abs, away_from_zero(*S)),
    OpCase("clamp", lambda m, a: m.clamp(a, -0.5, 0.5), inputs_of(rand(*A)), lambda a: np.clip(a, -0.5, 0.5)),
    OpCase("clamp", lambda m, a: m.clamp(a, min=0.0), inputs_of(rand(*A)), lambda a: np.maximum(a, 0), variant="min"),
    OpCase("clamp", lambda m, a, lo, hi: m.clamp(a, lo, hi), inputs_of(rand(*A), rand(*B, low=-1, high=-0.2), rand(*B, low=0.2, high=1)), lambda a, lo, hi: np.clip(a, lo, hi), variant="tensor"),
    OpCase("clip", lambda m, a: m.clip(a, -0.5, 0.5), inputs_of(rand(*A)), lambda a: np.clip(a, -0.5, 0.5)),
    OpCase("clamp_min", lambda m, a: m.clamp_min(a, 0.1), inputs_of(rand(*A)), lambda a: np.maximum(a, 0.1)),
    OpCase("clamp_max", lambda m, a: m.clamp_max(a, 0.1), inputs_of(rand(*A)), lambda a: np.minimum(a, 0.1)),
    OpCase("where", lambda m, c, a, b: m.where(c, a, b), lambda rng: [rng.random(A) > 0.5, rng.uniform(-1, 1, A), rng.uniform(-1, 1, B)], np.where),
    OpCase("where", lambda m, a: m.where(a > 0, a, 0.0), inputs_of(away_from_zero(*A)), lambda a: np.where(a > 0, a, 0.0), variant="scalar"),
    binary("maximum", np.maximum),
    binary("minimum", np.minimum),
    binary("fmax", np.fmax),
    binary("fmin", np.fmin),
    OpCase("maximum", lambda m, a: m.maximum(a, a * 1), inputs_of(rand(*S)), lambda a: a, variant="ties", vs_torch=True, gradgrad=False),
    binary("hypot", np.hypot, away_from_zero(*A), away_from_zero(*B)),
    binary("logaddexp", np.logaddexp),
    binary("logaddexp2", np.logaddexp2),
    binary("xlogy", special.xlogy, rand(*A), positive(*B)),
    binary("atan2", np.arctan2, away_from_zero(*A), away_from_zero(*B)),
    binary("arctan2", np.arctan2, away_from_zero(*A), away_from_zero(*B)),
    OpCase("nan_to_num", lambda m, a: m.nan_to_num(a / (a > 0)), inputs_of(away_from_zero(*S)), lambda a: np.nan_to_num(a / (a > 0)), grad=False, gradgrad=False),
    OpCase("nan_to_num", lambda m, a: m.nan_to_num(a, nan=1.0), inputs_of(rand(*S)), lambda a: a, variant="finite"),
    # comparisons and logic: no gradient
    *[binary(n, f, **no_grad) for n, f in [
        ("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
        ("gt", np.greater), ("ge", np.greater_equal), ("greater", np.greater), ("less", np.less),
        ("greater_equal", np.greater_equal), ("less_equal", np.less_equal), ("not_equal", np.not_equal),
        ("logical_and", np.logical_and), ("logical_or", np.logical_or), ("logical_xor", np.logical_xor),
    ]],
    *[unary(n, f, **no_grad) for n, f in [
        ("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite), ("isposinf", np.isposinf),
        ("isneginf", np.isneginf), ("signbit", np.signbit), ("logical_not", np.logical_not),
        ("isreal", lambda a: np.ones(a.shape, bool)),
    ]],
    OpCase("isclose", lambda m, a, b: m.isclose(a, b, atol=0.5), inputs_of(rand(*A), rand(*B)), lambda a, b: np.isclose(a, b, atol=0.5), **no_grad),
    OpCase("allclose", lambda m, a: m.tensor(m.allclose(a, a + 1e-9)), inputs_of(rand(*A)), lambda a: np.array(True), vs_torch=False, **no_grad),
    OpCase("equal", lambda m, a: m.tensor(m.equal(a, a)), inputs_of(rand(*A)), lambda a: np.array(True), vs_torch=False, **no_grad),
    OpCase("is_nonzero", lambda m, a: m.tensor(m.is_nonzero(a[0, 0] + 2)), inputs_of(rand(*A)), lambda a: np.array(True), vs_torch=False, **no_grad),
    OpCase("any", lambda m, a: m.any(a > 0.5), inputs_of(rand(*A)), lambda a: np.any(a > 0.5), **no_grad),
    OpCase("any", lambda m, a: m.any(a > 0.5, dim=1), inputs_of(rand(*A)), lambda a: np.any(a > 0.5, axis=1), variant="dim", **no_grad),
    OpCase("all", lambda m, a: m.all(a > -0.5, dim=0, keepdim=True), inputs_of(rand(*A)), lambda a: np.all(a > -0.5, axis=0, keepdims=True), **no_grad),
    *[OpCase(n, lambda m, a, n=n: getattr(m, n)((a * 10).long(), 6), inputs_of(rand(*A)), lambda a, f=f: f((a * 10).astype(np.int64), 6), **no_grad)
      for n, f in [("bitwise_and", np.bitwise_and), ("bitwise_or", np.bitwise_or), ("bitwise_xor", np.bitwise_xor)]],
    OpCase("bitwise_not", lambda m, a: m.bitwise_not(a > 0), inputs_of(rand(*A)), lambda a: ~(a > 0), **no_grad),
    # views
    OpCase("reshape", lambda m, a: m.reshape(a, (4, 3)), inputs_of(rand(*A)), lambda a: a.reshape(4, 3)),
    OpCase("reshape", lambda m, a: a.t().reshape(-1), inputs_of(rand(*A)), lambda a: a.T.reshape(-1), variant="noncontiguous"),
    OpCase("view", lambda m, a: a.view(2, -1), inputs_of(rand(*A)), lambda a: a.reshape(2, 6)),
    OpCase("view_as", lambda m, a, b: a.view_as(b), inputs_of(rand(*A), rand(6, 2)), lambda a, b: a.reshape(6, 2)),
    OpCase("ravel", lambda m, a: m.ravel(a), inputs_of(rand(*A)), lambda a: a.ravel()),
    OpCase("flatten", lambda m, a: m.flatten(a, 1), inputs_of(rand(2, 3, 2)), lambda a: a.reshape(2, 6)),
    OpCase("unflatten", lambda m, a: m.unflatten(a, 1, (2, 2)), inputs_of(rand(*A)), lambda a: a.reshape(3, 2, 2)),
    OpCase("squeeze", lambda m, a: m.squeeze(a), inputs_of(rand(3, 1, 2, 1)), lambda a: a.squeeze()),
    OpCase("squeeze", lambda m, a: m.squeeze(a, 1), inputs_of(rand(3, 1, 2, 1)), lambda a: a.squeeze(1), variant="dim"),
    OpCase("unsqueeze", lambda m, a: m.unsqueeze(a, -1), inputs_of(rand(*A)), lambda a: a[..., None]),
    OpCase("permute", lambda m, a: m.permute(a, (2, 0, 1)), inputs_of(rand(2, 3, 4)), lambda a: a.transpose(2, 0, 1)),
    OpCase("transpose", lambda m, a: m.transpose(a, 0, 2), inputs_of(rand(2, 3, 4)), lambda a: a.swapaxes(0, 2)),
    OpCase("swapaxes", lambda m, a: m.swapaxes(a, 0, 1), inputs_of(rand(*A)), lambda a: a.T),
    OpCase("swapdims", lambda m, a: m.swapdims(a, 0, 1), inputs_of(rand(*A)), lambda a: a.T),
    OpCase("t", lambda m, a: m.t(a), inputs_of(rand(*A)), lambda a: a.T),
    OpCase("t", lambda m, a: a.T, inputs_of(rand(2, 3, 4)), lambda a: a.transpose(2, 1, 0), variant="T"),
    OpCase("t", lambda m, a: a.mT, inputs_of(rand(2, 3, 4)), lambda a: a.swapaxes(-1, -2), variant="mT"),
    OpCase("movedim", lambda m, a: m.movedim(a, 0, -1), inputs_of(rand(2, 3, 4)), lambda a: np.moveaxis(a, 0, -1)),
    OpCase("moveaxis", lambda m, a: m.moveaxis(a, (0, 1), (2, 0)), inputs_of(rand(2, 3, 4)), lambda a: np.moveaxis(a, (0, 1), (2, 0))),
    OpCase("expand", lambda m, a: a.expand(2, 3, 4), inputs_of(rand(3, 1)), lambda a: np.broadcast_to(a, (2, 3, 4))),
    OpCase("expand_as", lambda m, a, b: a.expand_as(b), inputs_of(rand(3, 1), rand(3, 4)), lambda a, b: np.broadcast_to(a, (3, 4))),
    OpCase("broadcast_to", lambda m, a: m.broadcast_to(a, (2, 3, 4)), inputs_of(rand(4)), lambda a: np.broadcast_to(a, (2, 3, 4))),
    OpCase("broadcast_tensors", lambda m, a, b: m.broadcast_tensors(a, b), inputs_of(rand(3, 1), rand(4)), lambda a, b: np.broadcast_arrays(a, b)),
    OpCase("sum_to_shape", lambda m, a: m.sum_to_shape(a, (1, 4)), inputs_of(rand(2, 3, 4)), lambda a: a.sum(axis=(0, 1)).reshape(1, 4), vs_torch=False),
    # sum and mean
    OpCase("sum", lambda m, a: m.sum(a), inputs_of(rand(*A)), np.sum),
    OpCase("sum", lambda m, a: m.sum(a, dim=1), inputs_of(rand(*A)), lambda a: a.sum(1), variant="dim"),
    OpCase("sum", lambda m, a: a.sum((0, 2), keepdim=True), inputs_of(rand(2, 3, 4)), lambda a: a.sum((0, 2), keepdims=True), variant="dims_keepdim"),
    OpCase("mean", lambda m, a: m.mean(a), inputs_of(rand(*A)), np.mean),
    OpCase("mean", lambda m, a: a.mean(-1, keepdim=True), inputs_of(rand(*A)), lambda a: a.mean(-1, keepdims=True), variant="dim"),
    # copies and casts
    OpCase("clone", lambda m, a: m.clone(a), inputs_of(rand(*A)), lambda a: a),
    OpCase("to_dtype", lambda m, a: a.to(m.float32).to(m.float64) * 1, inputs_of(rand(*A)), lambda a: a.astype(np.float32).astype(np.float64), atol=1e-6, grad=False, gradgrad=False, vs_torch=False),
    OpCase("copy", lambda m, a, b: a.clone().copy_(b), inputs_of(rand(*A), rand(*B)), lambda a, b: np.broadcast_to(b, a.shape)),
    OpCase("fill", lambda m, a: (a * 1).fill_(2.0), inputs_of(rand(*A)), lambda a: np.full(a.shape, 2.0)),
]

EXEMPT = {
    name: "creation: tested in tests/test_creation.py"
    for name in [
        "tensor", "as_tensor", "asarray", "from_numpy", "from_dlpack", "zeros", "ones", "full",
        "empty", "empty_strided", "arange", "range", "linspace", "logspace", "eye", "zeros_like", "ones_like",
        "full_like", "empty_like", "scalar_like", "new_like", "scalar_tensor",
    ]
}
EXEMPT["empty_permuted"] = "creation (uninitialised values): strides tested in tests/test_api_additions.py"
EXEMPT["frombuffer"] = "creation from bytes: tested in tests/test_edge_values_pytorch.py"
EXEMPT["to_dlpack"] = "a DLPack capsule of the same memory, no tensor output: tests/test_creation.py"
EXEMPT["broadcast_shapes"] = "shape arithmetic, no tensor output: tests/test_views.py"
EXEMPT["expand_reduced"] = "internal helper of reductions, exercised by every reduction's gradient"

del math
