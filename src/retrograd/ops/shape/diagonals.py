"""Diagonals and triangles: diagonal, diag, diag_embed, tril, triu, trace.

`diagonal` is a strided view (writable, unlike NumPy's read-only diagonal, so
in-place ops on it reach the input). Taking a diagonal and placing values on a
diagonal of zeros are adjoint to each other, so each is the other's derivative.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.arg_types import int_arg
from ..kernels.operands import wrap_dim
from ..kernels.out_arg import DIAG, SAME, write_out

__all__ = ["diagonal", "diag", "diag_embed", "tril", "triu", "trace"]


def _diag_view(xp: Any, a: Any, offset: int, d1: int, d2: int) -> Any:
    """The view a[..., i, ..., i + offset, ...] over i, moved to the last dim."""
    s, st = a.shape, a.strides
    if offset >= 0:
        n, start_dim, start = max(min(s[d1], s[d2] - offset), 0), d2, offset
    else:
        n, start_dim, start = max(min(s[d1] + offset, s[d2]), 0), d1, -offset
    key = [slice(None)] * a.ndim
    key[start_dim] = slice(min(start, s[start_dim]), None)
    first = a[tuple(key)]  # the same strides, starting at the first diagonal element
    rest = [i for i in range(a.ndim) if i not in (d1, d2)]
    shape = tuple(s[i] for i in rest) + (n,)
    strides = tuple(st[i] for i in rest) + (st[d1] + st[d2],)
    return xp.lib.stride_tricks.as_strided(first, shape, strides)


def _diag_place(xp: Any, g: Any, shape: tuple, offset: int, d1: int, d2: int) -> Any:
    out = xp.zeros(shape, dtype=g.dtype)
    _diag_view(xp, out, offset, d1, d2)[...] = g
    return out


def _take_rule(g: Tensor, a_shape: tuple, offset: int, d1: int, d2: int) -> Tensor:
    # d/da of a diagonal: g placed on that diagonal of zeros
    return _diagonal_backward(g, shape=a_shape, offset=offset, d1=d1, d2=d2)


def _place_rule(g: Tensor, offset: int, d1: int, d2: int) -> Tensor:
    # d/dv of placing v on a diagonal: the same diagonal of g
    return _diagonal(g, offset=offset, d1=d1, d2=d2)


_diagonal: Primitive = Primitive("diagonal", _diag_view, [_take_rule], view=True)
_diag_copy = Primitive(
    "diag", lambda xp, a, offset, d1, d2: _diag_view(xp, a, offset, d1, d2).copy(), [_take_rule],
    node_name="DiagonalBackward0_copy",
)
_diagonal_backward: Primitive = Primitive(
    "diagonal_backward", _diag_place, [_place_rule], node_name="DiagonalBackwardBackward0"
)
_diag_embed = Primitive("diag_embed", _diag_place, [_place_rule])
# a triangle keeps some entries as they are and zeroes the rest: its derivative is the same mask
def _row_major(xp: Any, a: Any) -> Any:
    """PyTorch's triangles are written row-major whatever the input's strides (NumPy's follow them)."""
    return a if xp is not np or a.flags.c_contiguous else np.ascontiguousarray(a)


_tril: Primitive = Primitive("tril", lambda xp, a, k: _row_major(xp, xp.tril(a, k)), [lambda g, k: _tril(g, k=k)])
_triu: Primitive = Primitive("triu", lambda xp, a, k: _row_major(xp, xp.triu(a, k)), [lambda g, k: _triu(g, k=k)])
_trace = Primitive(
    "trace", lambda xp, a, dt: xp.trace(a, dtype=dt),
    # d tr(A) / dA = I (rectangular: ones on the main diagonal)
    [lambda g, a_shape: _diagonal_backward(g.expand(min(a_shape)), shape=a_shape, offset=0, d1=0, d2=1)],
)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The view of the diagonal in the plane (dim1, dim2), appended as the last dim.

    `offset` > 0 is above the main diagonal, < 0 below. Shape (N, M) -> (min(N, M - offset),).

    Args:
        input (Tensor): a tensor with at least 2 dims.
        offset (int): which diagonal (default 0, the main one).
        dim1 (int): the first dim of the plane (default 0).
        dim2 (int): the second dim of the plane (default 1).

    Returns:
        Tensor: a view with `dim1` and `dim2` removed and the diagonal as the last dim.

    Examples:
        >>> x = retrograd.arange(9).reshape(3, 3)
        >>> retrograd.diagonal(x)
        tensor([0, 4, 8])
        >>> retrograd.diagonal(x, offset=1)
        tensor([1, 5])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("diagonal", input)
    n = input._data.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if type(offset) is not int:
        offset = int_arg("diagonal", "offset", 2, offset)
    return _diagonal(input, offset=offset, d1=d1, d2=d2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Place the last dim of `input` on the diagonal of new (dim1, dim2) planes of zeros.

    Shape (..., N) -> (..., N + |offset|, N + |offset|) for the default dims.

    Args:
        input (Tensor): the diagonals, shape (..., N).
        offset (int): which diagonal to fill (default 0, the main one).
        dim1 (int): the first dim of the new planes in the output (default -2).
        dim2 (int): the second dim of the new planes in the output (default -1).

    Returns:
        Tensor: a new tensor with one more dim than `input`, zero off the diagonal.

    Examples:
        >>> retrograd.diag_embed(retrograd.tensor([[1, 2], [3, 4]]))
        tensor([[[1, 0],
                 [0, 2]],
        <BLANKLINE>
                [[3, 0],
                 [0, 4]]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("diag_embed", input)
    if type(offset) is not int:
        offset = int_arg("diag_embed", "offset", 2, offset)
    n = input._data.ndim + 1
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape = input._data.shape
    side = shape[-1] + abs(offset)
    rest = iter(shape[:-1])
    out_shape = tuple(side if i in (d1, d2) else next(rest) for i in range(n))
    return _diag_embed(input, shape=out_shape, offset=offset, d1=d1, d2=d2)


def diag(input: Tensor, diagonal: int = 0, *, out: Any = None) -> Tensor:
    """1-D (N,) -> the (N + |k|, N + |k|) matrix with it on diagonal k; 2-D -> a copy of diagonal k.

    Args:
        input (Tensor): a vector (to build a matrix from) or a matrix (to read a diagonal of).
        diagonal (int): k, which diagonal: 0 the main one, > 0 above, < 0 below (default 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a matrix for a vector input, a vector for a matrix input.

    Examples:
        >>> retrograd.diag(retrograd.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
        >>> retrograd.diag(retrograd.tensor([[1, 2], [3, 4]]), 1)
        tensor([2])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("diag", input)
    if type(diagonal) is not int:
        diagonal = int_arg("diag", "diagonal", 2, diagonal)
    if out is not None:
        return write_out(out, diag, locals(), DIAG, grad="none")
    n = input._data.ndim
    if n == 1:
        return diag_embed(input, diagonal, 0, 1)
    if n == 2:
        return _diag_copy(input, offset=diagonal, d1=0, d2=1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


def _check_matrix(name: str, input: Tensor) -> None:
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def tril(input: Tensor, diagonal: int = 0, *, out: Any = None) -> Tensor:
    """Zero the entries above diagonal k of the last two dims: (..., N, M).

    Args:
        input (Tensor): a matrix or a batch of matrices, shape (..., N, M).
        diagonal (int): k: 0 keeps the main diagonal, > 0 keeps more above it, < 0 fewer (default 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the lower triangle, same shape and dtype.

    Examples:
        >>> x = retrograd.ones(3, 3, dtype=retrograd.int64)
        >>> retrograd.tril(x)
        tensor([[1, 0, 0],
                [1, 1, 0],
                [1, 1, 1]])
        >>> retrograd.tril(x, diagonal=-1)
        tensor([[0, 0, 0],
                [1, 0, 0],
                [1, 1, 0]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("tril", input)
    if out is not None:
        return write_out(out, tril, locals(), SAME)
    _check_matrix("tril", input)
    if type(diagonal) is not int:
        diagonal = int_arg("tril", "diagonal", 2, diagonal)
    return _tril(input, k=diagonal)


def triu(input: Tensor, diagonal: int = 0, *, out: Any = None) -> Tensor:
    """Zero the entries below diagonal k of the last two dims: (..., N, M).

    Args:
        input (Tensor): a matrix or a batch of matrices, shape (..., N, M).
        diagonal (int): k: 0 keeps the main diagonal, > 0 keeps fewer, < 0 keeps more below it (default 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the upper triangle, same shape and dtype.

    Examples:
        >>> x = retrograd.arange(1, 10).reshape(3, 3)
        >>> retrograd.triu(x)
        tensor([[1, 2, 3],
                [0, 5, 6],
                [0, 0, 9]])
        >>> retrograd.triu(x, 1)
        tensor([[0, 2, 3],
                [0, 0, 6],
                [0, 0, 0]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("triu", input)
    if out is not None:
        return write_out(out, triu, locals(), SAME)
    _check_matrix("triu", input)
    if type(diagonal) is not int:
        diagonal = int_arg("triu", "diagonal", 2, diagonal)
    return _triu(input, k=diagonal)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a matrix (N, M) -> (); integers sum as int64.

    Args:
        input (Tensor): a 2-D tensor.

    Returns:
        Tensor: a 0-d tensor (int64 for integer and bool inputs, else `input`'s dtype).

    Examples:
        >>> retrograd.trace(retrograd.tensor([[1, 2], [3, 4]]))
        tensor(5)
        >>> retrograd.trace(retrograd.eye(3))
        tensor(3.)
    """
    if _autocasting[0]:
        input = _float32(input)
    if not isinstance(input, Tensor):
        raise not_a_tensor("trace", input)
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    kind = input._data.dtype.kind
    if kind == "b":
        raise NotImplementedError(f"\"trace\" not implemented for '{input.dtype.kind_name}'")
    dt = np.dtype(np.int64) if kind in "iu" else input._data.dtype
    return _trace(input, dt=dt)
