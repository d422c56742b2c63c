"""Full docstrings for ops built by factories (`_float_unary("exp", ...)` and the like).

The factories give each op a one-line summary; these replace it with the API reference's
text (Args, Returns, an example run as a doctest). `apply` runs when the package is imported,
before any Tensor method is first used, so the methods (which copy their op's `__doc__`) get it too.
"""

from __future__ import annotations

import sys

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
}


def apply() -> None:
    """Give the factory-made ops named in `DOCS`, `MATH_DOCS` and `COMPARE_DOCS` their full docstrings."""
    package = sys.modules[__package__]
    for name, doc in {**DOCS, **MATH_DOCS, **COMPARE_DOCS}.items():
        getattr(package, name).__doc__ = doc
