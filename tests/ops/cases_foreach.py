"""Op table: `_foreach_*`, one op over each tensor of a list, on a list of two tensors.

Each out-of-place form is checked like a single op (values against NumPy and PyTorch, first and
second derivatives); its in-place twin writes the same results back (tests/test_foreach.py
compares every overload with PyTorch).
"""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, positive, rand

UNARY = {  # name: (NumPy reference, input maker: the op's domain)
    "abs": (np.abs, rand), "acos": (np.arccos, lambda *s: rand(*s, low=-0.9, high=0.9)),
    "asin": (np.arcsin, lambda *s: rand(*s, low=-0.9, high=0.9)), "atan": (np.arctan, rand),
    "ceil": (np.ceil, rand), "cos": (np.cos, rand), "cosh": (np.cosh, rand), "erf": (None, rand),
    "erfc": (None, rand), "exp": (np.exp, rand), "expm1": (np.expm1, rand), "floor": (np.floor, rand),
    "frac": (lambda x: x - np.trunc(x), rand), "lgamma": (None, positive), "log": (np.log, positive),
    "log10": (np.log10, positive), "log1p": (np.log1p, positive), "log2": (np.log2, positive),
    "neg": (np.negative, rand), "reciprocal": (np.reciprocal, positive), "round": (np.round, rand),
    "rsqrt": (lambda x: 1 / np.sqrt(x), positive), "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), rand),
    "sign": (np.sign, rand), "sin": (np.sin, rand), "sinh": (np.sinh, rand), "sqrt": (np.sqrt, positive),
    "tan": (np.tan, rand), "tanh": (np.tanh, rand), "trunc": (np.trunc, rand), "clone": (lambda x: x, rand),
}  # fmt: skip


def _unary(name, ref, maker):
    fn = lambda m, a, b: getattr(m, "_foreach_" + name)([a, b])  # noqa: E731
    both = None if ref is None else (lambda a, b: (ref(a), ref(b)))
    return OpCase("_foreach_" + name, fn, inputs_of(maker(3), maker(2, 2)), both)


def _listed(name, call, *makers, ref=None, variant="", **kw):
    return OpCase("_foreach_" + name, call, inputs_of(*makers), ref, variant=variant, **kw)


CASES = [_unary(name, ref, maker) for name, (ref, maker) in UNARY.items()] + [
    _listed("add", lambda m, a, b, c, d: m._foreach_add([a, b], [c, d], alpha=2), rand(3), rand(2, 2), rand(3),
            rand(2, 2), ref=lambda a, b, c, d: (a + 2 * c, b + 2 * d)),
    _listed("add", lambda m, a, b: m._foreach_add([a, b], 1.5), rand(3), rand(2, 2), variant="number",
            ref=lambda a, b: (a + 1.5, b + 1.5)),
    _listed("sub", lambda m, a, b, c, d: m._foreach_sub([a, b], [c, d]), rand(3), rand(2, 2), rand(3), rand(2, 2),
            ref=lambda a, b, c, d: (a - c, b - d)),
    _listed("mul", lambda m, a, b, c, d: m._foreach_mul([a, b], [c, d]), rand(3), rand(2, 2), rand(3), rand(2, 2),
            ref=lambda a, b, c, d: (a * c, b * d)),
    _listed("mul", lambda m, a, b: m._foreach_mul([a, b], [0.5, 3.0]), rand(3), rand(2, 2), variant="numbers",
            ref=lambda a, b: (a * 0.5, b * 3.0)),
    _listed("div", lambda m, a, b, c, d: m._foreach_div([a, b], [c, d]), rand(3), rand(2, 2), positive(3),
            positive(2, 2), ref=lambda a, b, c, d: (a / c, b / d)),
    _listed("pow", lambda m, a, b: m._foreach_pow([a, b], 2.5), positive(3), positive(2, 2),
            ref=lambda a, b: (a**2.5, b**2.5)),
    _listed("pow", lambda m, a, b: m._foreach_pow(2.0, [a, b]), rand(3), rand(2, 2), variant="base",
            ref=lambda a, b: (2.0**a, 2.0**b)),
    _listed("maximum", lambda m, a, b, c, d: m._foreach_maximum([a, b], [c, d]), rand(3), rand(2, 2), rand(3),
            rand(2, 2), ref=lambda a, b, c, d: (np.maximum(a, c), np.maximum(b, d))),
    _listed("minimum", lambda m, a, b: m._foreach_minimum([a, b], 0.1), rand(3), rand(2, 2),
            ref=lambda a, b: (np.minimum(a, 0.1), np.minimum(b, 0.1))),
    _listed("clamp_min", lambda m, a, b: m._foreach_clamp_min([a, b], [0.1, -0.2]), rand(3), rand(2, 2),
            ref=lambda a, b: (np.maximum(a, 0.1), np.maximum(b, -0.2))),
    _listed("clamp_max", lambda m, a, b: m._foreach_clamp_max([a, b], 0.3), rand(3), rand(2, 2),
            ref=lambda a, b: (np.minimum(a, 0.3), np.minimum(b, 0.3))),
    _listed("lerp", lambda m, a, b, c, d: m._foreach_lerp([a, b], [c, d], 0.25), rand(3), rand(2, 2), rand(3),
            rand(2, 2), ref=lambda a, b, c, d: (a + 0.25 * (c - a), b + 0.25 * (d - b))),
    _listed("addcmul", lambda m, a, b, c: m._foreach_addcmul([a], [b], [c], 0.5), rand(3), rand(3), rand(3),
            ref=lambda a, b, c: (a + 0.5 * b * c,)),
    _listed("addcdiv", lambda m, a, b, c: m._foreach_addcdiv([a], [b], [c], 2.0), rand(3), rand(3), positive(3),
            ref=lambda a, b, c: (a + 2.0 * b / c,)),
    _listed("norm", lambda m, a, b: m._foreach_norm([a, b], 3), rand(3), rand(2, 2),
            ref=lambda a, b: tuple((np.abs(x) ** 3).sum() ** (1 / 3) for x in (a, b))),
    _listed("powsum", lambda m, a, b: m._foreach_powsum([a, b], 2), rand(3), rand(2, 2),
            ref=lambda a, b: ((a**2).sum(), (b**2).sum()), vs_torch=False),  # PyTorch's has no derivative
    _listed("max", lambda m, a, b: m._foreach_max([a, b]), rand(3), rand(2, 2), ref=lambda a, b: (a.max(), b.max())),
    _listed("mm", lambda m, a, b, c, d: m._foreach_mm([a, b], [c, d]), rand(2, 3), rand(2, 2), rand(3, 4),
            rand(2, 1), ref=lambda a, b, c, d: (a @ c, b @ d)),
]  # fmt: skip

_IN_PLACE = "the in-place twin of {}: the same per-tensor op written back (tests/test_foreach.py)"
EXEMPT = {
    name + "_": _IN_PLACE.format(name)
    for name in [c.name for c in CASES] + ["_foreach_zero"]
}
EXEMPT["_foreach_copy_"] = "copies each tensor into its place (tests/test_foreach.py); no value to differentiate"
EXEMPT["_foreach_zero_"] = "zeroes each tensor in place (tests/test_foreach.py); no value to differentiate"
