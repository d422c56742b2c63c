"""The numbers `.item()` hands to Python while a function is recorded: watched floats and ints.

Generated code may return an `.item()` of a result it computes (`return loss.item()`, an
accuracy's `correct.item()`), reading the value from the same array at each call. It cannot
replay Python that decides on the value: comparing it or testing its truth (`min(v, 10.0)`,
`v if v < 1 else 0.0`, `v != v`), or an int used as an index or a size. So the recording hands
Python these subclasses, which tell it (`decided`, set by the recorder) when that happens; the
function then runs eagerly. Arithmetic on them gives plain numbers (the recorder sees that the
result is not the value it handed out). bools cannot be subclassed, so a bool `.item()` is not
watched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

decided: Callable[[str], None] = lambda reason: None  # noqa: E731  (the recorder's, see _trace)

_COMPARED = "Python compares a Tensor.item() value (data-dependent Python)"


class _Watched:
    """What both kinds do: note a decision, then answer as the plain number would."""

    __slots__ = ()
    plain: Any = object  # (the subclass's number type)

    def __lt__(self, other: Any) -> Any:
        decided(_COMPARED)
        return self.plain.__lt__(self, other)

    def __le__(self, other: Any) -> Any:
        decided(_COMPARED)
        return self.plain.__le__(self, other)

    def __gt__(self, other: Any) -> Any:
        decided(_COMPARED)
        return self.plain.__gt__(self, other)

    def __ge__(self, other: Any) -> Any:
        decided(_COMPARED)
        return self.plain.__ge__(self, other)

    def __eq__(self, other: Any) -> Any:
        decided(_COMPARED)
        return self.plain.__eq__(self, other)

    def __ne__(self, other: Any) -> Any:
        decided(_COMPARED)
        return self.plain.__ne__(self, other)

    def __bool__(self) -> bool:
        decided(_COMPARED)
        return self.plain.__bool__(self)

    def __hash__(self) -> int:
        return self.plain.__hash__(self)

    def __repr__(self) -> str:
        return self.plain.__repr__(self)

    def __reduce__(self) -> Any:
        return (self.plain, (self.plain(self),))  # pickled or copied: a plain number


class WatchedFloat(_Watched, float):
    """A float `.item()` of a recorded result."""

    __slots__ = ()
    plain = float

    def is_integer(self) -> bool:
        decided(_COMPARED)
        return float.is_integer(self)


class WatchedInt(_Watched, int):
    """An int `.item()` of a recorded result (a count of correct predictions)."""

    __slots__ = ()
    plain = int

    def __index__(self) -> int:
        decided("a Tensor.item() value is used as an index or a size (data-dependent Python)")
        return int.__index__(self)


KINDS: dict[type, type] = {float: WatchedFloat, int: WatchedInt}


def plain(value: Any) -> Any:
    """`value` as the plain number it watches (other values as they are)."""
    return value.plain(value) if isinstance(value, _Watched) else value
