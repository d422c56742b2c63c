"""ChannelShuffle: interleave the channels of `groups` groups (ShuffleNet's channel shuffle)."""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """(N, C, *) -> (N, C, *) with the channels regrouped: (groups, C/groups) read as (C/groups, groups).

    Args:
        groups (int): the number of channel groups; C must divide by it.

    Returns:
        (ChannelShuffle): a module mapping (N, C, *) to the same shape with the channels reordered.

    Examples:
        >>> cs = nn.ChannelShuffle(2)
        >>> cs
        ChannelShuffle(groups=2)
        >>> cs(retrograd.arange(6.0).reshape(1, 6, 1)).flatten()
        tensor([0., 3., 1., 4., 2., 5.])
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
