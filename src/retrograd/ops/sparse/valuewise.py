"""Elementwise functions with f(0) = 0 on sparse COO tensors: `s.abs()`, `s.sqrt()`, `s.pow(2)`,
`F.relu(s)`, `s.tanh()`, ... keep the sparse pattern, as PyTorch's do.

The dense primitive itself runs on the coalesced values (duplicates summed first, since f(a + b)
is not f(a) + f(b)), and the result is the sparse tensor of those values at the coalesced
indices, flagged coalesced. It is built from differentiable steps (coalesce, values, the op, the
sparse constructor), so gradients of any order flow to the input's values; the nodes are those
steps', not one `AbsBackward0`. Functions with f(0) ≠ 0 (exp, cos, sigmoid) make no sparse tensor:
they keep PyTorch's error for a missing SparseCPU kernel.
"""

from __future__ import annotations

from ...engine.primitive import SPARSE_VALUEWISE, Primitive
from ...tensor import Tensor
from .dispatch import missing
from .layout import _from_values, coalesce, values

__all__: list[str] = []

# the primitives (named as PyTorch's operators) whose SparseCPU kernel maps the values alone
_ZERO_PRESERVING = (
    "abs", "sqrt", "sign", "sgn", "tanh", "sin", "tan", "relu", "log1p", "expm1", "trunc", "floor", "ceil",
    "round", "frac", "asin", "atan", "sinh", "asinh", "atanh", "erf", "erfinv", "nan_to_num", "deg2rad", "rad2deg",
    "pow",  # (with a number exponent: `c ** s` and a zero exponent are refused below)
)


def _on_values(prim: Primitive, tensors: tuple, attrs: dict) -> Tensor:
    if len(tensors) != 1 or (prim.name == "pow" and "exponent" not in attrs):  # pow(s, t), c ** s: none
        raise missing(prim.name)
    if prim.name == "pow" and attrs["exponent"] == 0:
        raise RuntimeError("pow: cannot raise to zeroth power on sparse tensor; it would make the result tensor dense")
    merged = coalesce(tensors[0])
    data = merged._data
    out = prim(values(merged), **attrs)
    return _from_values(out, indices=data.indices, shape=data.shape, coalesced=True)


SPARSE_VALUEWISE.update(dict.fromkeys(_ZERO_PRESERVING, _on_values))
