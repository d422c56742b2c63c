"""Full docstrings for ops built by factories (`_float_unary("exp", ...)` and the like).

The factories give each op a one-line summary; these replace it with the API reference's
text (Args, Returns, an example run as a doctest). The modules that make these ops call
`install(globals())` at their end, so an op has its full docstring from the moment its module is
imported, before any Tensor method (which copies its op's `__doc__`) can be built from it.
"""

from __future__ import annotations

from typing import Any

from ._op_docs_compare import DOCS as COMPARE_DOCS
from ._op_docs_math import DOCS as MATH_DOCS

DOCS: dict[str, str] = {
    "exp": """Elementwise `exp` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `e ** input`, same shape.

Examples:
    >>> retrograd.exp(retrograd.tensor([0.0, 1.0]))
    tensor([1.0000, 2.7183])""",
    "log": """Elementwise `log` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the natural logarithm, same shape (`nan` below 0, `-inf` at 0).

Examples:
    >>> retrograd.log(retrograd.tensor([1.0, 100.0, 0.0]))
    tensor([0.0000, 4.6052,   -inf])""",
    "sqrt": """Elementwise `sqrt` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the square root, same shape (`nan` below 0).

Examples:
    >>> retrograd.sqrt(retrograd.tensor([4, 2]))
    tensor([2.0000, 1.4142])""",
    "abs": """Elementwise `abs`, keeping the input's dtype.

Args:
    input (Tensor): any shape and dtype (complex gives its real magnitude).
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `|input|`, same shape.

Examples:
    >>> retrograd.abs(retrograd.tensor([-1, 2, -3]))
    tensor([1, 2, 3])""",
    "sigmoid": """Elementwise `sigmoid` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `1 / (1 + exp(-input))`, same shape.

Examples:
    >>> retrograd.sigmoid(retrograd.tensor([0.0, 2.0]))
    tensor([0.5000, 0.8808])""",
    "tanh": """Elementwise `tanh` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the hyperbolic tangent, same shape.

Examples:
    >>> retrograd.tanh(retrograd.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])""",
    "sin": """Elementwise `sin` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape (radians); integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the sine, same shape.

Examples:
    >>> retrograd.sin(retrograd.tensor([0.0, 1.5708]))
    tensor([0., 1.])""",
    "cos": """Elementwise `cos` (integer inputs give the default float dtype).

Args:
    input (Tensor): any shape (radians); integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the cosine, same shape.

Examples:
    >>> retrograd.cos(retrograd.tensor([0.0, 3.1416]))
    tensor([ 1., -1.])""",
    "eq": """Elementwise `eq` comparison (broadcasting); a bool tensor, no gradient.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where the elements are equal (same as `input == other`).

Examples:
    >>> retrograd.eq(retrograd.tensor([1, 2, 3]), 2)
    tensor([False,  True, False])""",
    "gt": """Elementwise `gt` comparison (broadcasting); a bool tensor, no gradient.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where `input > other`.

Examples:
    >>> retrograd.gt(retrograd.tensor([1, 2, 3]), retrograd.tensor([2, 2, 2]))
    tensor([False, False,  True])""",
    "erf": """Elementwise erf(x) = 2/√π ∫₀ˣ e^(-t²) dt, the error function (`special.erf`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: erf(input), same shape, in [-1, 1].

Examples:
    >>> retrograd.erf(retrograd.tensor([0.0, 0.5, -2.0]))
    tensor([ 0.0000,  0.5205, -0.9953])""",
    "erfc": """Elementwise erfc(x) = 1 - erf(x), the complementary error function (`special.erfc`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: erfc(input), same shape, in [0, 2] (accurate where erf(x) is near 1).

Examples:
    >>> retrograd.erfc(retrograd.tensor([0.0, 1.0, 3.0]))
    tensor([1.0000e+00, 1.5730e-01, 2.2090e-05])""",
    "erfinv": """Elementwise inverse of `erf` (`special.erfinv`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: y with erf(y) = input, same shape (±inf at ±1, `nan` outside [-1, 1]).

Examples:
    >>> retrograd.erfinv(retrograd.tensor([0.0, 0.5, 1.0]))
    tensor([0.0000, 0.4769,    inf])""",
    "exp2": """Elementwise 2 ** x (`special.exp2`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `2 ** input`, same shape.

Examples:
    >>> retrograd.exp2(retrograd.tensor([0, 3, -1]))
    tensor([1.0000, 8.0000, 0.5000])""",
    "expm1": """Elementwise exp(x) - 1, accurate for small x (`special.expm1`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `exp(input) - 1`, same shape.

Examples:
    >>> retrograd.expm1(retrograd.tensor([1e-10, 1.0]))
    tensor([1.0000e-10, 1.7183e+00])""",
    "log1p": """Elementwise log(1 + x), accurate for small x (`special.log1p`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `log(1 + input)`, same shape (`nan` below -1).

Examples:
    >>> retrograd.log1p(retrograd.tensor([1e-10, 1.0]))
    tensor([1.0000e-10, 6.9315e-01])""",
    "sinc": """Elementwise normalised sinc: sin(πx) / (πx), and 1 at 0 (`special.sinc`).

Args:
    input (Tensor): any shape; integer and bool inputs are promoted to the default float.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: same shape.

Examples:
    >>> retrograd.sinc(retrograd.tensor([0.0, 0.5, 1.0]))
    tensor([ 1.0000e+00,  6.3662e-01, -2.7828e-08])""",
    "xlogy": """Elementwise x·log(y), and 0 where x = 0 (unless y is NaN) (`special.xlogy`).

Args:
    input (Tensor or number): x.
    other (Tensor or number): y; broadcasts with `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: the broadcast shape; integer and bool inputs give the default float.

Examples:
    >>> retrograd.xlogy(retrograd.tensor([0.0, 1.0, 2.0]), retrograd.tensor([0.0, 2.0, 3.0]))
    tensor([0.0000, 0.6931, 2.1972])""",
}


# PyTorch's aliases that are functions of their own (their argument errors name the alias): each
# shares the docstring of the op it stands for
ALIASES = {
    "arctan2": "atan2",
    "not_equal": "ne",
    "less": "lt",
    "less_equal": "le",
    "greater": "gt",
    "greater_equal": "ge",
}


def install(namespace: dict[str, Any]) -> None:
    """Give the ops in `namespace` (a module's `globals()`) that the tables name their full docstrings."""
    docs = {**DOCS, **MATH_DOCS, **COMPARE_DOCS}
    docs.update({alias: docs[name] for alias, name in ALIASES.items() if name in docs})
    for name, doc in docs.items():
        op = namespace.get(name)
        if op is not None:
            op.__doc__ = doc
