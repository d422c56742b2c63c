"""vander: the Vandermonde matrix of a vector, built from a cumulative product (so it has gradients)."""

from __future__ import annotations

from ... import dtypes as _dt
from ...tensor import Tensor
from ..kernels.arg_types import int_arg, tensor_arg
from ..reduction.cumulative import cumprod
from ..shape.repeat_reorder import flip
from ..shape.slicing import cat

__all__ = ["vander"]


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The matrix whose columns are powers of x (n,): x^(N-1), ..., x, 1 (reversed if increasing): (n, N).

    N defaults to n. Bool inputs give int64; other dtypes are kept.

    Args:
        x (Tensor): a 1-D tensor of n points.
        N (int, optional): the number of columns (default n).
        increasing (bool): powers from 0 upward instead of downward (default False).

    Returns:
        Tensor: shape (n, N).

    Examples:
        >>> x = retrograd.tensor([1, 2, 3])
        >>> retrograd.vander(x)
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
        >>> retrograd.vander(x, N=2, increasing=True)
        tensor([[1, 1],
                [1, 2],
                [1, 3]])
    """
    tensor_arg("vander", "x", 1, x)
    N = None if N is None else int_arg("vander", "N", 2, N)
    if not isinstance(increasing, bool):
        raise TypeError(f"vander(): argument 'increasing' (position 3) must be bool, not {type(increasing).__name__}")
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype is _dt.bool_:
        x = x.to(_dt.int64)
    column = x.unsqueeze(1)
    if n == 0:
        return column[:, :0] * 1
    ones = column.new_ones(x._data.shape[0], 1)
    result = cumprod(cat([ones, column.expand(-1, n - 1)], 1), 1)
    return result if increasing else flip(result, [1])
