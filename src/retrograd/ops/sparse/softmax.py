"""Softmax and log-softmax of a sparse COO tensor along one sparse dim, over its stored entries.

Entries that are not stored count as -inf, so the result keeps the input's (coalesced) entries.
Forward: per group of entries that share every index but `dim`, the maximum is subtracted, then
exp, sum and divide (or, for log_softmax, the log of the sum is subtracted). Backward, with y the
output and g the gradient at y's entries, summed per group:
softmax: dx = y (g - Σ g y); log_softmax: dx = g - e^y Σ g.
"""

from __future__ import annotations

from typing import Any

import numpy

from ...backend import sparse as _sp
from ...backend.sparse import SparseCOO
from ...engine.primitive import Primitive
from ...tensor import Tensor
from .dispatch import is_sparse, missing


def _groups(a: SparseCOO, dim: int) -> tuple[Any, int]:
    """Each entry's group (the entries sharing every sparse index but `dim`) and the group count."""
    others = [d for d in range(a.sparse_dim) if d != dim]
    key = _sp.linear_index(a.indices[others], tuple(a.shape[d] for d in others))
    _, inverse = numpy.unique(key, return_inverse=True)
    return inverse.reshape(-1), int(inverse.max()) + 1 if inverse.size else 0


def _forward(a: SparseCOO, dim: int, log: bool) -> SparseCOO:
    a = _sp.coalesce(a)
    group, n = _groups(a, dim)
    top = numpy.full(n, -numpy.inf, a.values.dtype)
    numpy.maximum.at(top, group, a.values)
    shifted = a.values - top[group]
    e = numpy.exp(shifted)
    total = numpy.zeros(n, a.values.dtype)
    numpy.add.at(total, group, e)
    values = shifted - numpy.log(total)[group] if log else e / total[group]
    return SparseCOO(a.indices, values, a.shape, True)


def _backward(g: Tensor, a: Tensor, out: Tensor, dim: int, log: bool) -> Tensor:
    y = out._data
    grads = _sp.values_at(g._data, y.indices) if is_sparse(g) else g._data[tuple(y.indices)]
    group, n = _groups(y, dim)
    summed = numpy.zeros(n, y.values.dtype)
    numpy.add.at(summed, group, grads if log else grads * y.values)
    values = grads - numpy.exp(y.values) * summed[group] if log else y.values * (grads - summed[group])
    return Tensor._make(SparseCOO(y.indices, values, y.shape, a._data.coalesced))  # PyTorch's flag


_softmax = Primitive(
    "_sparse_softmax",
    lambda xp, a, dim: _forward(a, dim, False),
    [lambda g, a, out, dim: _backward(g, a, out, dim, False)],
    node_name="SparseSoftmaxBackward0",
)
_log_softmax = Primitive(
    "_sparse_log_softmax",
    lambda xp, a, dim: _forward(a, dim, True),
    [lambda g, a, out, dim: _backward(g, a, out, dim, True)],
    node_name="SparseLogSoftmaxBackward0",
)


def _checked_dim(input: Tensor, dim: int, name: str) -> int:
    if not is_sparse(input) or input._data.values.ndim != 1:
        raise missing(name, input)  # dense dims in the entries (or a CSR/CSC input) have no kernel here
    return dim % input.ndim


def sparse_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """`torch.sparse.softmax`: softmax along `dim` over the stored entries (the others count as -inf)."""
    x = input if dtype is None else input.to(dtype)
    return _softmax(x, dim=_checked_dim(x, dim, "_sparse_softmax"))


def sparse_log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """`torch.sparse.log_softmax`: log of `sparse_softmax`, computed without the division."""
    x = input if dtype is None else input.to(dtype)
    return _log_softmax(x, dim=_checked_dim(x, dim, "_sparse_log_softmax"))
