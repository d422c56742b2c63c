"""Full docstrings for the factory-made pointwise math ops (exp2 ... xlogy, lgamma, digamma, i0).

Data only: `_op_docs.install` puts these on the ops, with its own table, when their module is imported.
"""

from __future__ import annotations

DOCS: dict[str, str] = {
    "exp2": """Elementwise 2 raised to the power `input` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `2 ** input`, same shape.

Examples:
    >>> retrograd.exp2(retrograd.tensor([0.0, 1.0, 3.0, -1.0]))
    tensor([1.0000, 2.0000, 8.0000, 0.5000])""",
    "expm1": """Elementwise `exp(x) - 1`, accurate for small `x` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `e ** input - 1`, same shape.

Examples:
    >>> retrograd.expm1(retrograd.tensor([0.0, 1e-10, 1.0]))
    tensor([0.0000e+00, 1.0000e-10, 1.7183e+00])""",
    "log2": """Elementwise base-2 logarithm (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `log2(input)`, same shape (`nan` below 0, `-inf` at 0).

Examples:
    >>> retrograd.log2(retrograd.tensor([1.0, 8.0, 0.5]))
    tensor([ 0.,  3., -1.])""",
    "log10": """Elementwise base-10 logarithm (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `log10(input)`, same shape (`nan` below 0, `-inf` at 0).

Examples:
    >>> retrograd.log10(retrograd.tensor([1.0, 10.0, 2.0, 0.0]))
    tensor([0.0000, 1.0000, 0.3010,   -inf])""",
    "log1p": """Elementwise `log(1 + x)`, accurate for small `x` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `ln(1 + input)`, same shape (`nan` below -1, `-inf` at -1).

Examples:
    >>> retrograd.log1p(retrograd.tensor([0.0, 1e-10, 1.0]))
    tensor([0.0000e+00, 1.0000e-10, 6.9315e-01])""",
    "rsqrt": """Elementwise reciprocal square root `1 / sqrt(x)` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input ** -0.5`, same shape (`inf` at 0, `nan` below 0).

Examples:
    >>> retrograd.rsqrt(retrograd.tensor([4.0, 0.25, 0.0]))
    tensor([0.5000, 2.0000,    inf])""",
    "tan": """Elementwise tangent (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape (radians); integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the tangent, same shape.

Examples:
    >>> retrograd.tan(retrograd.tensor([0.0, 0.7854, -1.0]))
    tensor([ 0.0000,  1.0000, -1.5574])""",
    "asin": """Elementwise inverse sine, also named `arcsin` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the angle in radians, in [-π/2, π/2] (`nan` outside [-1, 1]); same shape.

Examples:
    >>> retrograd.asin(retrograd.tensor([0.0, 0.5, 1.0, 2.0]))
    tensor([0.0000, 0.5236, 1.5708,    nan])""",
    "acos": """Elementwise inverse cosine, also named `arccos` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the angle in radians, in [0, π] (`nan` outside [-1, 1]); same shape.

Examples:
    >>> retrograd.acos(retrograd.tensor([1.0, 0.0, -1.0]))
    tensor([0.0000, 1.5708, 3.1416])""",
    "atan": """Elementwise inverse tangent, also named `arctan` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the angle in radians, in (-π/2, π/2); same shape.

Examples:
    >>> retrograd.atan(retrograd.tensor([0.0, 1.0, -10.0]))
    tensor([ 0.0000,  0.7854, -1.4711])""",
    "sinh": """Elementwise hyperbolic sine (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `(e**x - e**-x) / 2`, same shape.

Examples:
    >>> retrograd.sinh(retrograd.tensor([0.0, 1.0, -2.0]))
    tensor([ 0.0000,  1.1752, -3.6269])""",
    "cosh": """Elementwise hyperbolic cosine (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `(e**x + e**-x) / 2`, same shape.

Examples:
    >>> retrograd.cosh(retrograd.tensor([0.0, 1.0, -2.0]))
    tensor([1.0000, 1.5431, 3.7622])""",
    "asinh": """Elementwise inverse hyperbolic sine, also named `arcsinh`.

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `asinh(input)`, same shape.

Examples:
    >>> retrograd.asinh(retrograd.tensor([0.0, 1.0, -2.0]))
    tensor([ 0.0000,  0.8814, -1.4436])""",
    "acosh": """Elementwise inverse hyperbolic cosine, also named `arccosh`.

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `acosh(input)`, same shape (`nan` below 1).

Examples:
    >>> retrograd.acosh(retrograd.tensor([1.0, 2.0, 0.5]))
    tensor([0.0000, 1.3170,    nan])""",
    "atanh": """Elementwise inverse hyperbolic tangent, also named `arctanh`.

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `atanh(input)`, same shape (`±inf` at ±1, `nan` outside [-1, 1]).

Examples:
    >>> retrograd.atanh(retrograd.tensor([0.0, 0.5, 1.0]))
    tensor([0.0000, 0.5493,    inf])""",
    "erf": """Elementwise Gauss error function `erf(x) = 2/√π ∫₀ˣ e^(-t²) dt`.

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `erf(input)`, same shape, in [-1, 1].

Examples:
    >>> retrograd.erf(retrograd.tensor([0.0, 0.5, -1.0, 3.0]))
    tensor([ 0.0000,  0.5205, -0.8427,  1.0000])""",
    "erfc": """Elementwise complementary error function `1 - erf(x)` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `erfc(input)`, same shape, in [0, 2].

Examples:
    >>> retrograd.erfc(retrograd.tensor([0.0, 0.5, -1.0, 3.0]))
    tensor([1.0000e+00, 4.7950e-01, 1.8427e+00, 2.2090e-05])""",
    "erfinv": """Elementwise inverse error function (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `y` with `erf(y) = input`, same shape (`±inf` at ±1, `nan` outside [-1, 1]).

Examples:
    >>> retrograd.erfinv(retrograd.tensor([0.0, 0.5, -1.0]))
    tensor([0.0000, 0.4769,   -inf])""",
    "sinc": """Elementwise normalized sinc, `sin(πx) / (πx)` and 1 at 0 (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `sinc(input)`, same shape.

Examples:
    >>> retrograd.sinc(retrograd.tensor([0.0, 0.5, -0.5, 1.5]))
    tensor([ 1.0000,  0.6366,  0.6366, -0.2122])""",
    "deg2rad": """Elementwise conversion from degrees to radians (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape (degrees); integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input * π / 180`, same shape.

Examples:
    >>> retrograd.deg2rad(retrograd.tensor([0.0, 90.0, 180.0, -45.0]))
    tensor([ 0.0000,  1.5708,  3.1416, -0.7854])""",
    "rad2deg": """Elementwise conversion from radians to degrees (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape (radians); integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input * 180 / π`, same shape.

Examples:
    >>> retrograd.rad2deg(retrograd.tensor([0.0, 3.1416, -1.5708]))
    tensor([  0.0000, 180.0004, -90.0002])""",
    "floor": """Elementwise floor, the largest integer not above `x`, keeping the input's dtype.

Args:
    input (Tensor): any shape and dtype (integers pass through unchanged).
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `⌊input⌋`, same shape and dtype.

Examples:
    >>> retrograd.floor(retrograd.tensor([1.5, -1.5, 2.0]))
    tensor([ 1., -2.,  2.])""",
    "ceil": """Elementwise ceiling, the smallest integer not below `x`, keeping the input's dtype.

Args:
    input (Tensor): any shape and dtype (integers pass through unchanged).
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `⌈input⌉`, same shape and dtype.

Examples:
    >>> retrograd.ceil(retrograd.tensor([1.5, -1.5, 2.0]))
    tensor([ 2., -1.,  2.])""",
    "trunc": """Elementwise rounding toward zero (dropping the fraction), also named `fix`; keeps the input's dtype.

Args:
    input (Tensor): any shape and dtype (integers pass through unchanged).
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the integer part of `input`, same shape and dtype.

Examples:
    >>> retrograd.trunc(retrograd.tensor([1.7, -1.7, 2.0]))
    tensor([ 1., -1.,  2.])""",
    "frac": """Elementwise fractional part `x - trunc(x)`, keeping the input's dtype (and the sign of `x`).

Args:
    input (Tensor): any shape, a floating dtype.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input - trunc(input)`, same shape and dtype.

Examples:
    >>> retrograd.frac(retrograd.tensor([1.25, -2.75, 3.0]))
    tensor([ 0.2500, -0.7500,  0.0000])""",
    "sign": """Elementwise sign: -1, 0 or 1, keeping the input's dtype.

Args:
    input (Tensor): any shape; real dtypes (complex inputs use `sgn`).
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `sign(input)`, same shape and dtype (0 at 0 and at `nan`).

Examples:
    >>> retrograd.sign(retrograd.tensor([-2.5, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
    >>> retrograd.sign(retrograd.tensor([-3, 0, 7]))
    tensor([-1,  0,  1])""",
    "atan2": """Elementwise four-quadrant arctangent of `input / other`, also named `arctan2` (broadcasting).

Args:
    input (Tensor or number): the y coordinates.
    other (Tensor or number): the x coordinates; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the angle in radians of the point (`other`, `input`), in [-π, π]; the broadcast shape.

Examples:
    >>> retrograd.atan2(retrograd.tensor([1.0, 1.0, -1.0]), retrograd.tensor([1.0, -1.0, -1.0]))
    tensor([ 0.7854,  2.3562, -2.3562])""",
    "hypot": """Elementwise hypotenuse `sqrt(input² + other²)` (broadcasting; integers give floats).

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `√(input² + other²)`, the broadcast shape.

Examples:
    >>> retrograd.hypot(retrograd.tensor([3.0, 5.0]), retrograd.tensor([4.0, 12.0]))
    tensor([ 5., 13.])""",
    "logaddexp": """Elementwise `log(exp(input) + exp(other))` without overflow (broadcasting).

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `ln(e^input + e^other)`, the broadcast shape.

Examples:
    >>> retrograd.logaddexp(retrograd.tensor([0.0, 1000.0]), retrograd.tensor([0.0, 1000.0]))
    tensor([6.9315e-01, 1.0007e+03])""",
    "logaddexp2": """Elementwise `log2(2**input + 2**other)` without overflow (broadcasting).

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `log2(2^input + 2^other)`, the broadcast shape.

Examples:
    >>> retrograd.logaddexp2(retrograd.tensor([1.0, 3.0]), retrograd.tensor([1.0, 0.0]))
    tensor([2.0000, 3.1699])""",
    "xlogy": """Elementwise `input * log(other)`, taken as 0 where `input` is 0 (unless `other` is NaN).

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input * ln(other)`, the broadcast shape; integer operands give the default float.

Examples:
    >>> retrograd.xlogy(retrograd.tensor([0.0, 2.0, 1.0]), retrograd.tensor([0.0, 3.0, float('nan')]))
    tensor([0.0000, 2.1972,    nan])""",
    "lgamma": """Elementwise ln |Γ(x)|, the log of the gamma function's magnitude (`special.gammaln`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: ln |Γ(input)|, same shape (`inf` at 0, -1, -2, ...); its derivative is `digamma`.

Examples:
    >>> retrograd.lgamma(retrograd.tensor([1.0, 3.0, 0.5, -0.5]))
    tensor([0.0000, 0.6931, 0.5724, 1.2655])""",
    "digamma": """Elementwise ψ(x) = d/dx ln Γ(x), the digamma function (`special.digamma`, `special.psi`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: ψ(input), same shape (`-inf` at 0, `nan` at -1, -2, ...).

Examples:
    >>> retrograd.digamma(retrograd.tensor([1.0, 2.0, 0.5, 0.0]))
    tensor([-0.5772,  0.4228, -1.9635,    -inf])""",
    "i0": """Elementwise I₀(x), the modified Bessel function of the first kind of order 0 (`special.i0`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: I₀(input), same shape; its derivative is I₁.

Examples:
    >>> retrograd.i0(retrograd.tensor([0.0, 1.0, -2.0]))
    tensor([1.0000, 1.2661, 2.2796])""",
}
