"""Flatten and Unflatten: reshape a range of dims, as torch.nn.Flatten / Unflatten."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Flatten dims `start_dim..end_dim` into one.

    Args:
        start_dim (int): the first dim to flatten (default 1, keeping the batch dim).
        end_dim (int): the last dim to flatten (default -1).

    Returns:
        (Flatten): a module mapping (*, S_start, ..., S_end, *) to (*, S_start·...·S_end, *).

    Examples:
        >>> nn.Flatten()
        Flatten(start_dim=1, end_dim=-1)
        >>> nn.Flatten()(retrograd.ones(2, 3, 4, 5)).shape
        retrograd.Size([2, 60])
        >>> nn.Flatten(0, 1)(retrograd.ones(2, 3, 4)).shape
        retrograd.Size([6, 4])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim `dim` into `unflattened_size`.

    Args:
        dim (int): the dim to split.
        unflattened_size (tuple or Size): the sizes it splits into; their product is its size (one may be -1).

    Returns:
        (Unflatten): a module mapping (*, S, *) to (*, *unflattened_size, *).

    Examples:
        >>> m = nn.Unflatten(1, (2, 5))
        >>> m
        Unflatten(dim=1, unflattened_size=(2, 5))
        >>> m(retrograd.ones(3, 10)).shape
        retrograd.Size([3, 2, 5])
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if isinstance(unflattened_size, (tuple, list)):
            for idx, elem in enumerate(unflattened_size):
                if not isinstance(elem, int):
                    raise TypeError(
                        f"unflattened_size must be tuple of ints, but found element of type {type(elem).__name__} "
                        f"at pos {idx}"
                    )
        else:
            kind = type(unflattened_size).__name__
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type {kind}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


