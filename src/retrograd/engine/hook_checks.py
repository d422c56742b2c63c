"""What a backward hook may return, checked as PyTorch checks it.

A hook returns None (keep the gradient) or a replacement of the same size and dtype;
a node hook returns a sequence as long as the one it was given. Anything else fails here
with PyTorch's error, not later inside the engine with an AttributeError.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import tensor_type as _tt

_LEGACY = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def _name(hook: Callable[..., Any]) -> str:
    return getattr(hook, "__name__", type(hook).__name__)


def checked_value(hook: Callable[..., Any], new: Any, old: Any) -> Any:
    """`new`, the hook's replacement for gradient `old`, if it is a tensor like `old` (None passes)."""
    if new is None:
        return None
    if not isinstance(new, _tt.Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if old is not None:
        if new._data.dtype != old._data.dtype:
            was, got = (_LEGACY.get(str(t._data.dtype), str(t._data.dtype)) for t in (old, new))
            raise RuntimeError(f"hook '{_name(hook)}' has changed the type of value (was torch.{was} got torch.{got})")
        if new._data.shape != old._data.shape:
            raise RuntimeError(f"hook '{_name(hook)}' has changed the size of value")
    return new


def checked_values(hook: Callable[..., Any], new: Any, old: Sequence[Any], count: bool = True) -> Any:
    """A node hook's replacement sequence: each entry a tensor or None, as many as `old`, and each
    one shaped and typed as the gradient of `old` it replaces.

    Post-hooks are not held to the count (`count=False`): a node's inputs can be counted
    differently from PyTorch's (`x * 2` has one here, two there); when the counts agree, the
    values are still checked one by one.
    """
    if new is None:
        return None
    if not isinstance(new, (tuple, list)):
        raise TypeError(f"expected tuple, but hook returned '{type(new).__name__}'")
    if len(new) != len(old):
        if count:
            raise RuntimeError(f"hook '{_name(hook)}' has returned an incorrect number of values "
                               f"(got {len(new)}, but expected {len(old)})")
        old = [None] * len(new)
    for n, o in zip(new, old):
        checked_value(hook, n, o)
    return new
