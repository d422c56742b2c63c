"""Docstrings of the in-place functions `retrograd.exp_(x)` & co, built from one table.

Every such function runs the method of the same name on its first argument, so their docstrings
differ only in the op's meaning, its extra arguments and an example. The table below holds
those; `docstring(name)` assembles the house format (summary, Args, Returns, Examples). The
example outputs are written out (not computed), so the doctests check the ops.
"""

from __future__ import annotations

from typing import NamedTuple


class _Entry(NamedTuple):
    meaning: str  # the summary's clause: what happens to `input`
    kind: str  # the dtypes `input` may have: "float", "int" or "any"
    start: str  # the expression the example's `x` starts as
    call: str  # the extra arguments of the example call ("" for none)
    shows: str  # how `x` prints afterwards


_T = "retrograd.tensor"

# name -> entry; the inputs are picked inside each op's domain and print exactly
_TABLE: dict[str, _Entry] = {
    "abs_": _Entry("`input` becomes the absolute value of each element", "any",
        f"{_T}([-1.5, 0.0, 2.0])", "", "tensor([1.5000, 0.0000, 2.0000])"),
    "acos_": _Entry("`input` becomes the arccosine of each element (in radians)", "float",
        f"{_T}([0.0, 0.5, 1.0])", "", "tensor([1.5708, 1.0472, 0.0000])"),
    "acosh_": _Entry("`input` becomes the inverse hyperbolic cosine of each element", "float",
        f"{_T}([1.0, 2.0, 3.0])", "", "tensor([0.0000, 1.3170, 1.7627])"),
    "addmv_": _Entry("`input` becomes `beta * input + alpha * (mat @ vec)`", "float",
        f"{_T}([1.0, 1.0])", f"{_T}([[1.0, 2.0], [3.0, 4.0]]), {_T}([1.0, -1.0]), alpha=2", "tensor([-1., -1.])"),
    "asin_": _Entry("`input` becomes the arcsine of each element (in radians)", "float",
        f"{_T}([0.0, 0.5, 1.0])", "", "tensor([0.0000, 0.5236, 1.5708])"),
    "asinh_": _Entry("`input` becomes the inverse hyperbolic sine of each element", "float",
        f"{_T}([-1.0, 0.0, 2.0])", "", "tensor([-0.8814,  0.0000,  1.4436])"),
    "atan_": _Entry("`input` becomes the arctangent of each element (in radians)", "float",
        f"{_T}([-1.0, 0.0, 2.0])", "", "tensor([-0.7854,  0.0000,  1.1071])"),
    "atanh_": _Entry("`input` becomes the inverse hyperbolic tangent of each element", "float",
        f"{_T}([-0.5, 0.0, 0.9])", "", "tensor([-0.5493,  0.0000,  1.4722])"),
    "ceil_": _Entry("`input` becomes each element rounded up to an integer", "any",
        f"{_T}([-1.5, 0.2, 1.0])", "", "tensor([-1.,  1.,  1.])"),
    "clamp_": _Entry("`input` becomes each element limited to `[min, max]`", "any",
        f"{_T}([-2.0, 0.5, 3.0])", "min=-1.0, max=1.0", "tensor([-1.0000,  0.5000,  1.0000])"),
    "clamp_max_": _Entry("`input` becomes each element limited to at most `max`", "any",
        f"{_T}([-2.0, 0.5, 3.0])", "1.0", "tensor([-2.0000,  0.5000,  1.0000])"),
    "clamp_min_": _Entry("`input` becomes each element limited to at least `min`", "any",
        f"{_T}([-2.0, 0.5, 3.0])", "0.0", "tensor([0.0000, 0.5000, 3.0000])"),
    "cos_": _Entry("`input` becomes the cosine of each element (in radians)", "float",
        f"{_T}([0.0, 1.0, 2.0])", "", "tensor([ 1.0000,  0.5403, -0.4161])"),
    "cosh_": _Entry("`input` becomes the hyperbolic cosine of each element", "float",
        f"{_T}([-1.0, 0.0, 2.0])", "", "tensor([1.5431, 1.0000, 3.7622])"),
    "deg2rad_": _Entry("`input` becomes each angle converted from degrees to radians", "float",
        f"{_T}([0.0, 90.0, 180.0])", "", "tensor([0.0000, 1.5708, 3.1416])"),
    "detach_": _Entry("`input` is cut from the autograd graph (no `grad_fn`, `requires_grad` False)", "any",
        f"{_T}([1.0, 2.0], requires_grad=True) * 2", "", "tensor([2., 4.])"),
    "erf_": _Entry("`input` becomes the error function of each element", "float",
        f"{_T}([-1.0, 0.0, 0.5])", "", "tensor([-0.8427,  0.0000,  0.5205])"),
    "erfc_": _Entry("`input` becomes the complementary error function `1 - erf` of each element", "float",
        f"{_T}([-1.0, 0.0, 0.5])", "", "tensor([1.8427, 1.0000, 0.4795])"),
    "exp2_": _Entry("`input` becomes `2 ** x` for each element `x`", "float",
        f"{_T}([-1.0, 0.0, 3.0])", "", "tensor([0.5000, 1.0000, 8.0000])"),
    "exp_": _Entry("`input` becomes `e ** x` for each element `x`", "float",
        f"{_T}([-1.0, 0.0, 2.0])", "", "tensor([0.3679, 1.0000, 7.3891])"),
    "expm1_": _Entry("`input` becomes `exp(x) - 1` for each element `x`, exact for small `x`", "float",
        f"{_T}([-1.0, 0.0, 1e-5])", "", "tensor([-6.3212e-01,  0.0000e+00,  1.0000e-05])"),
    "fill_": _Entry("every element of `input` becomes `value`", "any",
        f"{_T}([1.0, 2.0, 3.0])", "7", "tensor([7., 7., 7.])"),
    "floor_": _Entry("`input` becomes each element rounded down to an integer", "any",
        f"{_T}([-1.5, 0.2, 1.0])", "", "tensor([-2.,  0.,  1.])"),
    "frac_": _Entry("`input` becomes the fractional part of each element (its sign kept)", "float",
        f"{_T}([-1.5, 0.25, 2.0])", "", "tensor([-0.5000,  0.2500,  0.0000])"),
    "gcd_": _Entry("`input` becomes the greatest common divisor of each pair of elements", "int",
        f"{_T}([4, 6, 9])", f"{_T}([6, 4, 3])", "tensor([2, 2, 3])"),
    "index_put_": _Entry("`values` are written into `input` at the positions `indices` select", "any",
        "retrograd.zeros(4)", f"({_T}([0, 2]),), {_T}([5.0, 7.0])", "tensor([5., 0., 7., 0.])"),
    "lcm_": _Entry("`input` becomes the least common multiple of each pair of elements", "int",
        f"{_T}([4, 6, 9])", f"{_T}([6, 4, 3])", "tensor([12, 12,  9])"),
    "ldexp_": _Entry("`input` becomes `input * 2 ** other`", "float",
        f"{_T}([1.0, 1.5, -3.0])", f"{_T}([2, 3, -1])", "tensor([ 4.0000, 12.0000, -1.5000])"),
    "log10_": _Entry("`input` becomes the base-10 logarithm of each element", "float",
        f"{_T}([1.0, 10.0, 500.0])", "", "tensor([0.0000, 1.0000, 2.6990])"),
    "log1p_": _Entry("`input` becomes `log(1 + x)` for each element `x`, exact for small `x`", "float",
        f"{_T}([0.0, 1.0, 1e-5])", "", "tensor([0.0000e+00, 6.9315e-01, 9.9999e-06])"),
    "log2_": _Entry("`input` becomes the base-2 logarithm of each element", "float",
        f"{_T}([1.0, 8.0, 10.0])", "", "tensor([0.0000, 3.0000, 3.3219])"),
    "log_": _Entry("`input` becomes the natural logarithm of each element", "float",
        f"{_T}([1.0, 2.0, 10.0])", "", "tensor([0.0000, 0.6931, 2.3026])"),
    "logit_": _Entry("`input` becomes `log(p / (1 - p))` for each element `p`", "float",
        f"{_T}([0.25, 0.5, 1.0])", "eps=0.1", "tensor([-1.0986,  0.0000,  2.1972])"),
    "nan_to_num_": _Entry("NaN and the infinities in `input` are replaced by finite numbers", "float",
        f"{_T}([float('nan'), float('inf'), -1.0])", "nan=0.0, posinf=100.0", "tensor([  0., 100.,  -1.])"),
    "neg_": _Entry("`input` becomes its negation", "any",
        f"{_T}([-1.0, 0.0, 2.5])", "", "tensor([ 1.0000, -0.0000, -2.5000])"),
    "rad2deg_": _Entry("`input` becomes each angle converted from radians to degrees", "float",
        f"{_T}([0.0, 0.5, -1.0])", "", "tensor([  0.0000,  28.6479, -57.2958])"),
    "conj_physical_": _Entry("`input` becomes the complex conjugate of each element (real tensors stay as they are)",
        "any", f"{_T}([1 + 2j, -1j])", "", "tensor([1.-2.j, -0.+1.j])"),
    "resize_as_": _Entry("`input` takes the shape of `the_template` (its values are not to be relied on)", "any",
        f"{_T}([1.0, 2.0, 3.0, 4.0])", "retrograd.zeros(2, 2)", "tensor([[1., 2.],\n            [3., 4.]])"),
    "reciprocal_": _Entry("`input` becomes `1 / x` for each element `x`", "float",
        f"{_T}([0.5, 2.0, -4.0])", "", "tensor([ 2.0000,  0.5000, -0.2500])"),
    "round_": _Entry("`input` becomes each element rounded to `decimals` places, halves to even", "any",
        f"{_T}([0.5, 1.5, 2.567])", "", "tensor([0., 2., 3.])"),
    "rsqrt_": _Entry("`input` becomes `1 / sqrt(x)` for each element `x`", "float",
        f"{_T}([0.25, 1.0, 4.0])", "", "tensor([2.0000, 1.0000, 0.5000])"),
    "sigmoid_": _Entry("`input` becomes the logistic sigmoid `1 / (1 + exp(-x))` of each element", "float",
        f"{_T}([-1.0, 0.0, 2.0])", "", "tensor([0.2689, 0.5000, 0.8808])"),
    "sin_": _Entry("`input` becomes the sine of each element (in radians)", "float",
        f"{_T}([0.0, 0.5, 2.0])", "", "tensor([0.0000, 0.4794, 0.9093])"),
    "sinc_": _Entry("`input` becomes the normalized sinc `sin(pi * x) / (pi * x)` of each element (1 at 0)", "float",
        f"{_T}([0.0, 0.5, 1.5])", "", "tensor([ 1.0000,  0.6366, -0.2122])"),
    "sinh_": _Entry("`input` becomes the hyperbolic sine of each element", "float",
        f"{_T}([-1.0, 0.0, 2.0])", "", "tensor([-1.1752,  0.0000,  3.6269])"),
    "sqrt_": _Entry("`input` becomes the square root of each element", "float",
        f"{_T}([0.0, 2.0, 9.0])", "", "tensor([0.0000, 1.4142, 3.0000])"),
    "square_": _Entry("`input` becomes the square of each element", "any",
        f"{_T}([-2.0, 0.5, 3.0])", "", "tensor([4.0000, 0.2500, 9.0000])"),
    "tan_": _Entry("`input` becomes the tangent of each element (in radians)", "float",
        f"{_T}([-1.0, 0.0, 0.5])", "", "tensor([-1.5574,  0.0000,  0.5463])"),
    "tanh_": _Entry("`input` becomes the hyperbolic tangent of each element", "float",
        f"{_T}([-1.0, 0.0, 2.0])", "", "tensor([-0.7616,  0.0000,  0.9640])"),
    "trunc_": _Entry("`input` becomes each element rounded toward zero to an integer", "any",
        f"{_T}([-1.7, 0.2, 2.7])", "", "tensor([-1.,  0.,  2.])"),
    "xlogy_": _Entry("`input` becomes `input * log(other)`, 0 where `input` is 0", "float",
        f"{_T}([0.0, 1.0, 2.0])", f"{_T}([0.0, 2.0, 4.0])", "tensor([0.0000, 0.6931, 2.7726])"),
    "zero_": _Entry("every element of `input` becomes 0", "any",
        f"{_T}([1.5, -2.0])", "", "tensor([0., 0.])"),
}  # fmt: skip

# other spellings of the same op: same meaning, same example
_ALIASES = {
    "arccos_": "acos_", "arccosh_": "acosh_", "arcsin_": "asin_", "arcsinh_": "asinh_", "arctan_": "atan_",
    "arctanh_": "atanh_", "clip_": "clamp_", "fix_": "trunc_", "negative_": "neg_",
}  # fmt: skip

# the arguments after `input`, as Args lines
_EXTRA_ARGS = {
    "addmv_": (
        "mat (Tensor): an (n, m) matrix.",
        "vec (Tensor): an (m,) vector; `input` has shape (n,).",
        "beta (Number): the factor of `input`, keyword only (default 1).",
        "alpha (Number): the factor of `mat @ vec`, keyword only (default 1).",
    ),
    "clamp_": (
        "min (Number or Tensor, optional): the lower bound (default: none).",
        "max (Number or Tensor, optional): the upper bound (default: none); at least one bound is needed.",
    ),
    "clamp_max_": ("max (Number or Tensor): the upper bound.",),
    "clamp_min_": ("min (Number or Tensor): the lower bound.",),
    "fill_": ("value (Number or 0-dim Tensor): the value to write.",),
    "gcd_": ("other (Tensor): an integer tensor that broadcasts to `input`'s shape.",),
    "index_put_": (
        "indices (tuple of Tensor): one integer (or bool mask) index tensor per leading dim of `input`.",
        "values (Tensor): the values written there; broadcasts to the indexed shape.",
        "accumulate (bool): add `values` to what is there instead of overwriting (default False).",
    ),
    "ldexp_": ("other (Tensor): the (integer) powers of two; broadcasts to `input`'s shape.",),
    "logit_": ("eps (float, optional): clamp `input` to `[eps, 1 - eps]` first (default: no clamping).",),
    "nan_to_num_": (
        "nan (float): what replaces NaN (default 0).",
        "posinf (float, optional): what replaces +inf (default: the dtype's largest value).",
        "neginf (float, optional): what replaces -inf (default: the dtype's lowest value).",
    ),
    "resize_as_": (
        "the_template (Tensor): the tensor whose shape `input` takes.",
        "memory_format (memory_format, optional): the layout of the result, keyword only.",
    ),
    "round_": ("decimals (int): the decimal places to round to, keyword only (default 0).",),
    "xlogy_": ("other (Tensor or Number): the argument of the log; broadcasts to `input`'s shape.",),
}
_EXTRA_ARGS["clip_"] = _EXTRA_ARGS["clamp_"]
_EXTRA_ARGS["lcm_"] = _EXTRA_ARGS["gcd_"]

_INPUT = {
    "float": "input (Tensor): a floating-point tensor of any shape (in-place, so the result cannot change dtype).",
    "int": "input (Tensor): an integer tensor of any shape.",
    "any": "input (Tensor): a tensor of any shape and dtype.",
}


def docstring(name: str) -> str:
    """The docstring of `retrograd.<name>`, the in-place function spelling of `Tensor.<name>`."""
    base = name[:-1]
    entry = _TABLE.get(_ALIASES.get(name, name))
    if entry is None:  # a new in-place function gets its summary here until the table has its row
        return f"In-place version of `retrograd.{base}`, the same as `input.{name}(...)`; returns `input`."
    args = "\n".join(f"    {line}" for line in (_INPUT[entry.kind], *_EXTRA_ARGS.get(name, ())))
    call = f"x, {entry.call}" if entry.call else "x"
    return f"""In-place version of `retrograd.{base}`: {entry.meaning}.

Same as `input.{name}(...)`; autograd records it as an in-place op on `input`.

Args:
{args}

Returns:
    Tensor: `input` itself, holding the result.

Examples:
    >>> x = {entry.start}
    >>> retrograd.{name}({call}) is x
    True
    >>> x
    {entry.shows}
"""
