"""pixel_shuffle, pixel_unshuffle and channel_shuffle as one node each (PyTorch's
PixelShuffleBackward0, PixelUnshuffleBackward0, ChannelShuffleBackward0).

Each is a reshape, a permutation and a reshape; the gradient is the inverse rearrangement,
itself recorded, so derivatives of any order follow. The arrays may carry extra leading dims
(a vmap batch goes in front).
"""

from __future__ import annotations

from typing import Any

from ...engine.primitive import Primitive

__all__: list[str] = []  # reached through retrograd.nn.functional


def _pixel_shuffle_array(xp: Any, a: Any, r: int) -> Any:
    """(*, C·r², H, W) -> (*, C, H·r, W·r): channel c·r² + i·r + j goes to row h·r + i, column w·r + j."""
    *lead, c, h, w = a.shape
    n = len(lead)
    x = a.reshape(*lead, c // (r * r), r, r, h, w).transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return xp.ascontiguousarray(x).reshape(*lead, c // (r * r), h * r, w * r)


def _pixel_unshuffle_array(xp: Any, a: Any, r: int) -> Any:
    """The inverse: (*, C, H·r, W·r) -> (*, C·r², H, W)."""
    *lead, c, h, w = a.shape
    n = len(lead)
    x = a.reshape(*lead, c, h // r, r, w // r, r).transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return xp.ascontiguousarray(x).reshape(*lead, c * r * r, h // r, w // r)


def _channel_shuffle_array(xp: Any, a: Any, groups: int, dim: int) -> Any:
    """Channels along `dim` taken as (groups, C/groups) and read out as (C/groups, groups)."""
    shape = a.shape
    c = shape[dim]
    x = a.reshape(*shape[:dim], groups, c // groups, *shape[dim + 1 :]).swapaxes(dim, dim + 1)
    return xp.ascontiguousarray(x).reshape(shape)


pixel_shuffle = Primitive(
    "pixel_shuffle",
    lambda xp, a, r: _pixel_shuffle_array(xp, a, r),
    [lambda g, r: pixel_unshuffle(g, r=r)],
)
pixel_unshuffle = Primitive(
    "pixel_unshuffle",
    lambda xp, a, r: _pixel_unshuffle_array(xp, a, r),
    [lambda g, r: pixel_shuffle(g, r=r)],
)
# the inverse of shuffling C channels in g groups is shuffling them in C/g groups
channel_shuffle = Primitive(
    "channel_shuffle",
    lambda xp, a, groups, dim: _channel_shuffle_array(xp, a, groups, dim),
    [lambda g, groups, dim: channel_shuffle(g, groups=g.shape[dim] // groups, dim=dim)],
)
