"""`tensor` of nested lists that are both ragged and hold text or odd objects: PyTorch infers the
dtype from every item before it checks the lengths, so the inference error wins (a tokeniser's
output with a stray string or None in it)."""

from __future__ import annotations

import re

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

CASES = [
    ([[1, 2], "a"], TypeError, "new(): invalid data type 'str'"),
    ([[1, 2], [1.5, "x"]], TypeError, "new(): invalid data type 'str'"),
    ([[1, 2], 3, "a"], TypeError, "new(): invalid data type 'str'"),
    ([[1, 2], b"a"], TypeError, "new(): invalid data type 'bytes'"),
    ([[1, 2], range(3), "a"], TypeError, "new(): invalid data type 'str'"),
    ([[1, 2], None], RuntimeError, "Could not infer dtype of NoneType"),
    ([[1, 2], [3], None], RuntimeError, "Could not infer dtype of NoneType"),
    ([[1], [2, 3], {}], RuntimeError, "Could not infer dtype of dict"),
    # no odd item: the lengths' errors, as before
    ([[1, 2], 3], TypeError, "not a sequence"),
    ([[1, 2], [3]], ValueError, "expected sequence of length 2 at dim 1 (got 1)"),
]


@pytest.mark.parametrize(("data", "kind", "message"), CASES)
def test_inference_error_before_ragged_error(data, kind, message):
    with pytest.raises(kind, match=f"^{re.escape(message)}$"):
        rg.tensor(data)


@needs_torch
@pytest.mark.parametrize(("data", "kind", "message"), CASES)
def test_inference_error_before_ragged_error_vs_torch(data, kind, message):
    with pytest.raises(kind, match=f"^{re.escape(message)}$"):
        torch.tensor(data)
