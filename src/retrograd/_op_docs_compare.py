"""Full docstrings for the factory-made comparisons, logical and bitwise ops and predicates.

Data only: `_op_docs.install` puts these on the ops, with its own table, when their module is imported.
"""

from __future__ import annotations

DOCS: dict[str, str] = {
    "ne": """Elementwise `!=` comparison, also named `not_equal` (broadcasting); a bool tensor, no gradient.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where the elements differ (same as `input != other`).

Examples:
    >>> retrograd.ne(retrograd.tensor([1, 2, 3]), 2)
    tensor([ True, False,  True])""",
    "lt": """Elementwise `<` comparison, also named `less` (broadcasting); a bool tensor, no gradient.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where `input < other`.

Examples:
    >>> retrograd.lt(retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([2.0, 2.0, 2.0]))
    tensor([ True, False, False])""",
    "le": """Elementwise `<=` comparison, also named `less_equal` (broadcasting); a bool tensor, no gradient.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where `input <= other`.

Examples:
    >>> retrograd.le(retrograd.tensor([1, 2, 3]), 2)
    tensor([ True,  True, False])""",
    "ge": """Elementwise `>=` comparison, also named `greater_equal` (broadcasting); a bool tensor, no gradient.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where `input >= other`.

Examples:
    >>> retrograd.ge(retrograd.tensor([1, 2, 3]), retrograd.tensor([[2], [3]]))
    tensor([[False,  True,  True],
            [False, False,  True]])""",
    "logical_and": """Elementwise logical AND, treating nonzero as True (broadcasting); a bool tensor.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where both operands are nonzero.

Examples:
    >>> retrograd.logical_and(retrograd.tensor([True, False, True]), retrograd.tensor([1, 1, 0]))
    tensor([ True, False, False])""",
    "logical_or": """Elementwise logical OR, treating nonzero as True (broadcasting); a bool tensor.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where either operand is nonzero.

Examples:
    >>> retrograd.logical_or(retrograd.tensor([True, False, False]), retrograd.tensor([0.0, 2.0, 0.0]))
    tensor([ True,  True, False])""",
    "logical_xor": """Elementwise logical XOR, treating nonzero as True (broadcasting); a bool tensor.

Args:
    input (Tensor or number): the first operand.
    other (Tensor or number): the second operand; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: a bool tensor, True where exactly one operand is nonzero.

Examples:
    >>> retrograd.logical_xor(retrograd.tensor([True, False, True]), retrograd.tensor([True, True, False]))
    tensor([False,  True,  True])""",
    "logical_not": """Elementwise logical NOT, treating nonzero as True; a bool tensor.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where `input` is zero.

Examples:
    >>> retrograd.logical_not(retrograd.tensor([0, 1, -2]))
    tensor([ True, False, False])""",
    "isnan": """Elementwise test for NaN; a bool tensor, no gradient.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where `input` is NaN.

Examples:
    >>> retrograd.isnan(retrograd.tensor([1.0, float('nan'), float('inf')]))
    tensor([False,  True, False])""",
    "isinf": """Elementwise test for +inf or -inf; a bool tensor, no gradient.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where `input` is infinite.

Examples:
    >>> retrograd.isinf(retrograd.tensor([1.0, float('inf'), -float('inf'), float('nan')]))
    tensor([False,  True,  True, False])""",
    "isfinite": """Elementwise test for finite values (not inf, not NaN); a bool tensor, no gradient.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where `input` is finite (always True for integers).

Examples:
    >>> retrograd.isfinite(retrograd.tensor([1.0, float('inf'), float('nan')]))
    tensor([ True, False, False])""",
    "isposinf": """Elementwise test for +inf; a bool tensor, no gradient.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where `input` is +inf.

Examples:
    >>> retrograd.isposinf(retrograd.tensor([1.0, float('inf'), -float('inf')]))
    tensor([False,  True, False])""",
    "isneginf": """Elementwise test for -inf; a bool tensor, no gradient.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where `input` is -inf.

Examples:
    >>> retrograd.isneginf(retrograd.tensor([1.0, float('inf'), -float('inf')]))
    tensor([False, False,  True])""",
    "signbit": """Elementwise test of the sign bit (True for negative numbers and -0.0); a bool tensor.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where the sign bit is set.

Examples:
    >>> retrograd.signbit(retrograd.tensor([-1.0, 0.0, -0.0, 2.0]))
    tensor([ True, False,  True, False])""",
    "isreal": """Elementwise test for a zero imaginary part (True everywhere for real dtypes); a bool tensor.

Args:
    input (Tensor): any shape and dtype.

Returns:
    Tensor: a bool tensor, True where `input` is real-valued.

Examples:
    >>> retrograd.isreal(retrograd.tensor([1.0, 2.0]))
    tensor([True, True])""",
    "bitwise_and": """Elementwise bitwise AND of integer or bool tensors (broadcasting).

Args:
    input (Tensor or int): an integer or bool tensor.
    other (Tensor or int): an integer or bool tensor or number; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input & other`, the broadcast shape and promoted dtype.

Examples:
    >>> retrograd.bitwise_and(retrograd.tensor([12, 10]), retrograd.tensor([10, 6]))
    tensor([8, 2])""",
    "bitwise_or": """Elementwise bitwise OR of integer or bool tensors (broadcasting).

Args:
    input (Tensor or int): an integer or bool tensor.
    other (Tensor or int): an integer or bool tensor or number; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input | other`, the broadcast shape and promoted dtype.

Examples:
    >>> retrograd.bitwise_or(retrograd.tensor([12, 10]), retrograd.tensor([10, 6]))
    tensor([14, 14])""",
    "bitwise_xor": """Elementwise bitwise XOR of integer or bool tensors (broadcasting).

Args:
    input (Tensor or int): an integer or bool tensor.
    other (Tensor or int): an integer or bool tensor or number; broadcasts against `input`.
    out (Tensor, optional): a tensor to write the result into.

Returns:
    Tensor: `input ^ other`, the broadcast shape and promoted dtype.

Examples:
    >>> retrograd.bitwise_xor(retrograd.tensor([12, 10]), retrograd.tensor([10, 6]))
    tensor([ 6, 12])
    >>> retrograd.bitwise_xor(retrograd.tensor([True, False]), True)
    tensor([False,  True])""",
}
