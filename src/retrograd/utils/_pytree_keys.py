"""The key entries of `torch.utils._pytree`: how a child is reached from its parent node.

`MappingKey` (a dict key), `SequenceKey` (an index), `GetAttrKey` (an attribute); a node type's
`flatten_with_keys_fn` returns `[(key, child), ...]` and its context, as `_dict_flatten_with_keys`
does for dicts (libraries register their dict-like output classes with it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MappingKey", "SequenceKey", "GetAttrKey", "KeyEntry"]


@dataclass(frozen=True, slots=True)
class MappingKey:
    """The child under `key` of a mapping; prints as `['key']`."""

    key: Any

    def __str__(self) -> str:
        return f"[{self.key!r}]"

    def get(self, mapping: Mapping[Any, Any]) -> Any:
        return mapping[self.key]


@dataclass(frozen=True, slots=True)
class SequenceKey:
    """The child at index `idx` of a sequence; prints as `[0]`."""

    idx: int

    def __str__(self) -> str:
        return f"[{self.idx!r}]"

    def get(self, sequence: Sequence[Any]) -> Any:
        return sequence[self.idx]


@dataclass(frozen=True, slots=True)
class GetAttrKey:
    """The child in attribute `name`; prints as `.name`."""

    name: str

    def __str__(self) -> str:
        return f".{self.name}"

    def get(self, obj: Any) -> Any:
        return getattr(obj, self.name)


KeyEntry = Any  # any hashable key with `get(parent)`, as in PyTorch


def _dict_flatten_with_keys(d: dict[Any, Any]) -> tuple[list[tuple[MappingKey, Any]], list[Any]]:
    """A dict's children with their `MappingKey`s, and its keys as the context."""
    keys = list(d)
    return [(MappingKey(k), d[k]) for k in keys], keys


def _list_flatten_with_keys(seq: list[Any]) -> tuple[list[tuple[SequenceKey, Any]], None]:
    """A list's children with their `SequenceKey`s; no context."""
    return [(SequenceKey(i), v) for i, v in enumerate(seq)], None


def _tuple_flatten_with_keys(seq: tuple[Any, ...]) -> tuple[list[tuple[SequenceKey, Any]], None]:
    """A tuple's children with their `SequenceKey`s; no context."""
    return [(SequenceKey(i), v) for i, v in enumerate(seq)], None
