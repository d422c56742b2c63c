"""Elementwise products of sparse COO tensors: `s * c`, `s * dense`, `s * t` and `s / c`.

A product keeps the sparse pattern, as PyTorch's: `s * dense` scales each stored entry by the
dense value at its position (the dense operand broadcast to `s`'s shape), entries and coalesced
flag kept; `s * t` of two sparse tensors reads one operand's stored entries (the "probe") and
multiplies each by the other's coalesced value there. PyTorch's CPU kernel probes the
uncoalesced operand when only one is coalesced, else the one with fewer entries (the second on a
tie); two coalesced operands give their coalesced intersection, otherwise every probe entry is
kept, 0 where the other holds nothing. Division is by a number or a 0-d tensor only.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy

from ...backend import sparse as _sp
from ...backend.sparse import SparseCOO
from ...engine.primitive import SPARSE_KERNELS as KERNELS
from ...engine.primitive import Primitive
from ...tensor import Tensor
from .dispatch import is_sparse, missing

__all__: list[str] = []


def _scaled(a: SparseCOO, c: Any) -> SparseCOO:
    return SparseCOO(a.indices, a.values * c, a.shape, a.coalesced)


def _divided(a: SparseCOO, c: Any) -> SparseCOO:
    return SparseCOO(a.indices, a.values / c, a.shape, a.coalesced)


def _times_dense(a: SparseCOO, d: Any) -> SparseCOO:
    """Each entry of `a` times the dense value(s) at its position (d broadcast to a's shape)."""
    d = numpy.broadcast_to(d, a.shape)
    return SparseCOO(a.indices, a.values * d[tuple(a.indices)], a.shape, a.coalesced)


def _times_sparse(a: SparseCOO, b: SparseCOO) -> SparseCOO:
    """a * b with PyTorch's choice of probe (see the module docstring)."""
    if a.coalesced and b.coalesced:
        out = _times_dense_at(b, a)
        found = _sp.linear_index(b.indices, b.shape[: b.sparse_dim])
        held = numpy.isin(found, _sp.linear_index(a.indices, a.shape[: a.sparse_dim]))
        return SparseCOO(out.indices[:, held], out.values[held], a.shape, True)
    if a.coalesced != b.coalesced:
        probe, source = (b, a) if a.coalesced else (a, b)
    else:
        probe, source = (b, a) if b.nnz <= a.nnz else (a, b)
    return _times_dense_at(probe, source)


def _times_dense_at(probe: SparseCOO, source: SparseCOO) -> SparseCOO:
    """probe's entries, each times source's (coalesced) value at its position, flagged uncoalesced
    unless both operands are coalesced."""
    values = probe.values * _sp.values_at(source, probe.indices)
    return SparseCOO(probe.indices, values, probe.shape, probe.coalesced and source.coalesced)


_mul_number = Primitive("sparse_mul", lambda xp, a, c: _scaled(a, c), [lambda g, c: g * c], node_name="MulBackward0")
_div_number = Primitive("sparse_div", lambda xp, a, c: _divided(a, c), [lambda g, c: g / c], node_name="DivBackward0")
_mul_dense = Primitive(  # sparse a, dense d: d(ad)/da = g d, d(ad)/dd = g a (both sparse, as PyTorch's)
    "sparse_mul_dense",
    lambda xp, a, d: _times_dense(a, d),
    [lambda g, d: g * d, lambda g, a: g * a],
    inputs=("a", "d"),
    node_name="MulBackward0",
)
_mul_sparse = Primitive(  # d(ab)/da = g b, d(ab)/db = g a
    "sparse_mul_sparse",
    lambda xp, a, b: _times_sparse(a, b),
    [lambda g, b: g * b, lambda g, a: g * a],
    inputs=("a", "b"),
    node_name="MulBackward0",
)
_div_dense = Primitive(  # a 0-d divisor: d(a/c)/da = g / c, d(a/c)/dc = -Σ g a / c²
    "sparse_div_dense",
    lambda xp, a, c: _divided(a, c[()]),
    [lambda g, c: g / c, lambda g, a, c: -_entries_total(g * a) / (c * c)],  # (a total that differentiates)
    inputs=("a", "c"),
    node_name="DivBackward0",
)


def _entries_total(s: Tensor) -> Tensor:
    """The sum of a sparse or dense tensor's elements, differentiable to any order (through the
    whole dense gradient of `to_dense`)."""
    return (s.to_dense(masked_grad=False) if is_sparse(s) else s).sum()


def _multiply(tensors: tuple, attrs: dict) -> Tensor:
    if len(tensors) == 1:
        c = attrs.get("c")
        if not isinstance(c, numbers.Number):
            raise missing("mul")
        return _mul_number(tensors[0], c=c)
    a, b = tensors
    if is_sparse(a) and is_sparse(b):
        if a.shape != b.shape:
            raise RuntimeError(
                "sparse_binary_op_intersection_cpu(): expects sparse inputs with equal dimensionality, number of "
                "sparse dimensions, and shape of sparse dimensions"
            )
        return _mul_sparse(a, b)
    sparse, dense = (a, b) if is_sparse(a) else (b, a)
    return _mul_dense(sparse, dense)


def _divide(tensors: tuple, attrs: dict) -> Tensor:
    if len(tensors) == 1:
        c = attrs.get("c")
        if not isinstance(c, numbers.Number):
            raise missing("div")
        return _div_number(tensors[0], c=c)
    a, c = tensors
    if not is_sparse(a) or is_sparse(c):
        raise missing("div")
    if c.ndim:
        raise RuntimeError(
            f"Sparse division requires a scalar or zero-dim dense tensor divisor (got shape {list(c.shape)} for "
            "divisor)"
        )
    return _div_dense(a, c)


KERNELS.update({"mul": _multiply, "div": _divide})
