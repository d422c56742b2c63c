"""`torch.nn.modules.utils`: the n-tuple helpers layers use for their size arguments, and
`consume_prefix_in_state_dict_if_present` for checkpoints saved from a wrapped model.

Third-party layers import them (`from torch.nn.modules.utils import _pair`) to accept an int or
a tuple for a kernel size the way PyTorch's own layers do.
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable
from itertools import repeat
from typing import Any

__all__ = ["consume_prefix_in_state_dict_if_present"]


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


def consume_prefix_in_state_dict_if_present(state_dict: dict[str, Any], prefix: str) -> None:
    """Strip `prefix` from the keys of `state_dict` that start with it, in place.

    A checkpoint saved from a DataParallel/DDP wrapper has every key under `"module."`; stripping
    it lets the unwrapped model load it. The keys of the `_metadata` that `state_dict()` attaches
    are renamed too: the wrapped model's own entry (`"module"`) becomes the root entry `""`,
    replacing the wrapper's.

    Args:
        state_dict (dict): the state dict to change (its `_metadata`, if any, too).
        prefix (str): the leading text to remove, e.g. `"module."`.

    Examples:
        >>> sd = nn.Sequential(nn.Linear(1, 1)).state_dict(prefix="module.")
        >>> nn.modules.utils.consume_prefix_in_state_dict_if_present(sd, "module.")
        >>> list(sd), list(sd._metadata)
        (['0.weight', '0.bias'], ['', '0'])
    """
    for key in list(state_dict):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is None:
        return
    for key in list(metadata):
        # "" is the wrapper's own entry; "module" (the prefix without its dot) the wrapped model's
        if key and (key == prefix.replace(".", "") or key.startswith(prefix)):
            metadata[key[len(prefix):]] = metadata.pop(key)
