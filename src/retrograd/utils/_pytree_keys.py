"""The key entries of `torch.utils._pytree`: how a child is reached from its parent node.

`MappingKey` (a dict key), `SequenceKey` (an index), `GetAttrKey` (an attribute); a node type's
`flatten_with_keys_fn` returns `[(key, child), ...]` and its context, as `_dict_flatten_with_keys`
does for dicts (libraries register their dict-like output classes with it). The plain
`_dict_flatten`/`_dict_unflatten` (and the list and tuple pairs) are the built-in nodes' functions,
which libraries pass to `register_pytree_node` for their own dict-like classes (diffusers'
`BaseOutput`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


def _dict_flatten(d: dict[Any, Any]) -> tuple[list[Any], list[Any]]:
    """A dict's values, and its keys as the context."""
    return list(d.values()), list(d)


def _dict_unflatten(values: Iterable[Any], context: list[Any]) -> dict[Any, Any]:
    """The dict of `context`'s keys to `values`."""
    return dict(zip(context, values, strict=True))


def _list_flatten(seq: list[Any]) -> tuple[list[Any], None]:
    """A list's items; no context."""
    return list(seq), None


def _list_unflatten(values: Iterable[Any], context: None) -> list[Any]:
    """The list of `values`."""
    return list(values)


def _tuple_flatten(seq: tuple[Any, ...]) -> tuple[list[Any], None]:
    """A tuple's items; no context."""
    return list(seq), None


def _tuple_unflatten(values: Iterable[Any], context: None) -> tuple[Any, ...]:
    """The tuple of `values`."""
    return tuple(values)
