"""pdist: the p-norm distances between all pairs of rows of one matrix."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ..kernels.arg_types import float_arg, tensor_arg
from ..reduction.norms import vector_norm

__all__ = ["pdist"]


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """‖x_i - x_j‖_p for all rows i < j of input (N, M), in row-major order: shape (N(N-1)/2,).

    Built from indexing and `vector_norm`, so its gradient is theirs (at a tie of the ∞-norm
    the gradient is shared between the tied entries, where PyTorch gives each the whole of it).

    Args:
        input (Tensor): a floating (N, M) tensor.
        p (float): the norm degree, >= 0 (default 2).

    Returns:
        Tensor: (N·(N - 1)/2,), the upper triangle of the distance matrix, row by row.

    Examples:
        >>> F.pdist(retrograd.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]))
        tensor([ 5., 10.,  5.])
        >>> F.pdist(retrograd.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]), p=1)
        tensor([ 7., 14.,  7.])
    """
    tensor_arg("pdist", "input", 1, input)
    p = float_arg("pdist", "p", 2, p)
    if input._data.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input._data.ndim}D")
    if input._data.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input._data.shape[0]
    i, j = np.triu_indices(n, 1)
    diff = input[Tensor._make(i.astype(np.int64))] - input[Tensor._make(j.astype(np.int64))]
    return vector_norm(diff, p, dim=1)
