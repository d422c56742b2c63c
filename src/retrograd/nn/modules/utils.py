"""`torch.nn.modules.utils`: the n-tuple helpers layers use for their size arguments.

Third-party layers import them (`from torch.nn.modules.utils import _pair`) to accept an int or
a tuple for a kernel size the way PyTorch's own layers do.
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable
from itertools import repeat
from typing import Any

__all__: list[str] = []


def _ntuple(n: int, name: str = "parse") -> Callable[[Any], tuple]:
    """A function turning one value into an n-tuple of it (an iterable is kept as a tuple)."""

    def parse(x: Any) -> tuple:
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t: tuple, n: int) -> tuple:
    """Each element of `t` repeated `n` times, in reverse order (padding arguments for F.pad)."""
    return tuple(x for x in reversed(t) for _ in range(n))


def _list_with_default(out_size: list, defaults: list) -> list:
    """`out_size` with its None entries taken from the end of `defaults` (adaptive pooling sizes)."""
    if isinstance(out_size, (int, float)):
        return out_size  # type: ignore[return-value]
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    return [v if v is not None else d for v, d in zip(out_size, defaults[-len(out_size):])]
