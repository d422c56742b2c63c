"""Small shape ops PyTorch spells at top level: adjoint, diagflat, split_with_sizes, positive.

Each is an existing view or op under another name, so its gradient is that op's.
"""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .diagonals import diag
from .splitting import split

__all__ = ["adjoint", "diagflat", "positive", "split_with_sizes"]


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims, as a view (`input.mH`)."""
    if input.dim() < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return input.mH


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A 2-D matrix with the flattened `input` on its `offset`-th diagonal."""
    return diag(input.reshape(-1), offset)


def positive(input: Tensor) -> Tensor:
    """`input` itself (unary plus); refused for bool tensors, as in PyTorch."""
    if input.dtype.name == "bool":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views of `input` along `dim` of the given sizes, which must add up to that dim's size."""
    sizes = [int(s) for s in split_sizes]
    length = input.shape[dim]
    if sum(sizes) != length:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size at dimension "
            f"{dim}), but got split_sizes={sizes}"
        )
    return tuple(split(input, sizes, dim))
