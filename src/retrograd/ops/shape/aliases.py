"""Small shape ops PyTorch spells at top level: adjoint, diagflat, split_with_sizes, positive.

Each is an existing view or op under another name, so its gradient is that op's.
"""

from __future__ import annotations

from typing import Any

from ..._user_frames import warn_once
from ...engine.primitive import not_a_tensor
from ...tensor import Tensor
from ..kernels.arg_types import int_arg, ints_arg
from .diagonals import diag
from .splitting import split

__all__ = ["adjoint", "diagflat", "positive", "split_with_sizes"]


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims, as a view (`input.mH`).

    Args:
        input (Tensor): a matrix or a batch of matrices, shape (..., N, M).

    Returns:
        Tensor: a view of shape (..., M, N), conjugated for complex dtypes.

    Examples:
        >>> retrograd.adjoint(retrograd.tensor([[1 + 1j, 2], [3, 4 - 2j]]))
        tensor([[1.-1.j, 3.-0.j],
                [2.-0.j, 4.+2.j]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("adjoint", input)
    if input.dim() == 0:  # deprecated, the conjugate, as in PyTorch
        warn_once("adjoint: 0-d", "adjoint() is deprecated on 0-D tensors. Consider using x.conj().")
        return input.conj()
    if input.dim() < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return input.mH


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A 2-D matrix with the flattened `input` on its `offset`-th diagonal.

    Args:
        input (Tensor): any shape; it is flattened to N elements first.
        offset (int): the diagonal: 0 the main one, > 0 above, < 0 below (default 0).

    Returns:
        Tensor: a (N + |offset|, N + |offset|) matrix, zero off that diagonal.

    Examples:
        >>> retrograd.diagflat(retrograd.tensor([[1, 2], [3, 4]]))
        tensor([[1, 0, 0, 0],
                [0, 2, 0, 0],
                [0, 0, 3, 0],
                [0, 0, 0, 4]])
        >>> retrograd.diagflat(retrograd.tensor([1, 2]), 1)
        tensor([[0, 1, 0],
                [0, 0, 2],
                [0, 0, 0]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("diagflat", input)
    if type(offset) is not int:
        offset = int_arg("diagflat", "offset", 2, offset)
    return diag(input.reshape(-1), offset)


def positive(input: Tensor) -> Tensor:
    """`input` itself (unary plus); refused for bool tensors, as in PyTorch.

    Args:
        input (Tensor): a tensor of any non-bool dtype.

    Returns:
        Tensor: `input` (the same object, no copy).

    Examples:
        >>> retrograd.positive(retrograd.tensor([-1.5, 2.0]))
        tensor([-1.5000,  2.0000])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("positive", input)
    if input.dtype.name == "bool":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views of `input` along `dim` of the given sizes, which must add up to that dim's size.

    Args:
        input (Tensor): the tensor to split.
        split_sizes (sequence of int): the length of each piece.
        dim (int): the dim to split along (default 0).

    Returns:
        tuple of Tensor: one view per entry of `split_sizes`.

    Examples:
        >>> retrograd.split_with_sizes(retrograd.arange(5), [2, 3])
        (tensor([0, 1]), tensor([2, 3, 4]))
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("split_with_sizes", input)
    sizes = list(ints_arg("split_with_sizes", "split_sizes", 2, split_sizes))
    length = input.shape[dim]
    if sum(sizes) != length:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size at dimension "
            f"{dim}), but got split_sizes={sizes}"
        )
    return tuple(split(input, sizes, dim))
