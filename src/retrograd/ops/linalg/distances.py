"""pdist: the p-norm distances between all pairs of rows of one matrix; the derivative it shares with cdist.

    d‖x_i - x_j‖_p / dx_i = -d‖x_i - x_j‖_p / dx_j = ∂‖d‖_p/∂d at d = x_i - x_j

At a tie of the ∞-norm PyTorch's distance kernels give every tied entry the whole gradient
(sign(d) where |d| = ‖d‖_∞), where `vector_norm` shares it out; for p = 0 the gradient is 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import float_arg, tensor_arg
from ..reduction.norms import _norm_grad, _vector_norm_array

__all__ = ["pdist"]


def distance_grad(g: Tensor, diff: Tensor, out: Tensor, p: float) -> Tensor:
    """g · d‖diff‖_p/d diff along the last dim, as PyTorch's cdist/pdist kernels (shape of diff)."""
    if math.isinf(p):
        return g.unsqueeze(-1) * diff.sgn() * (diff.abs() == out.unsqueeze(-1))
    grad = _norm_grad(g, diff, out, p, (diff.ndim - 1,), False)
    return grad if grad is not None else diff.new_zeros(diff.shape)  # p = 0: piecewise constant


def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows (i, j) of every pair i < j, in row-major order."""
    i, j = np.triu_indices(n, 1)
    return i.astype(np.int64), j.astype(np.int64)


def _pdist_forward(xp: Any, a: Any, p: float) -> Any:
    i, j = _pairs(a.shape[0])
    return _vector_norm_array(xp, a[xp.asarray(i)] - a[xp.asarray(j)], p, (-1,), False)


def _pdist_rule(g: Tensor, a: Tensor, out: Tensor, p: float) -> Tensor:
    """Each pair's gradient added to its first row and subtracted from its second."""
    i, j = (Tensor._make(k) for k in _pairs(a.shape[0]))
    grad = distance_grad(g, a[i] - a[j], out, p)
    return a.new_zeros(a.shape).index_add(0, i, grad).index_add(0, j, -grad)


_pdist = Primitive("pdist", _pdist_forward, [_pdist_rule], quiet=True)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """‖x_i - x_j‖_p for all rows i < j of input (N, M), in row-major order: shape (N(N-1)/2,).

    Args:
        input (Tensor): N points of M coordinates, shape (N, M).
        p (float): the norm's order, 0 or more (default 2).

    Returns:
        Tensor: the distances of the pairs (0, 1), (0, 2), ..., (1, 2), ...

    Examples:
        >>> retrograd.pdist(retrograd.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]))
        tensor([ 5., 10.,  5.])
    """
    tensor_arg("pdist", "input", 1, input)
    p = float_arg("pdist", "p", 2, p)
    if input._data.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input._data.ndim}D")
    if input._data.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return _pdist(input, p=p)
