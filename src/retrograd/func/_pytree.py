"""Nested tuples, lists and dicts of tensors ("pytrees"), flattened to a list and rebuilt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# a spec is None for a leaf, else (kind, keys or None, child specs)
Spec = Any


def flatten(tree: Any) -> tuple[list, Spec]:
    """The leaves of `tree` in order, and a spec that `unflatten` rebuilds it from."""
    leaves: list = []

    def walk(node: Any) -> Spec:
        if isinstance(node, dict):
            keys = list(node)
            return (dict, keys, [walk(node[k]) for k in keys])
        if isinstance(node, tuple) and hasattr(node, "_fields"):  # a named tuple keeps its type
            return (type(node), None, [walk(c) for c in node])
        if isinstance(node, (tuple, list)):
            return (type(node), None, [walk(c) for c in node])
        leaves.append(node)
        return None

    spec = walk(tree)
    return leaves, spec


def unflatten(leaves: list, spec: Spec) -> Any:
    it = iter(leaves)

    def build(s: Spec) -> Any:
        if s is None:
            return next(it)
        kind, keys, children = s
        if kind is dict:
            return {k: build(c) for k, c in zip(keys, children)}
        values = [build(c) for c in children]
        if kind in (tuple, list):
            return kind(values)
        return kind(*values)  # a named tuple

    return build(spec)


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    leaves, spec = flatten(tree)
    return unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix: Any, tree: Any, what: str) -> list:
    """`prefix` (a value or a tree matching the top of `tree`) repeated for each leaf of `tree`."""
    if prefix is None or isinstance(prefix, int):
        return [prefix] * len(flatten(tree)[0])
    if isinstance(prefix, dict) and isinstance(tree, dict):
        if set(prefix) != set(tree):
            raise ValueError(f"{what}: the keys of {prefix} do not match those of the input")
        return [x for k in tree for x in broadcast_prefix(prefix[k], tree[k], what)]
    if isinstance(prefix, (tuple, list)) and isinstance(tree, (tuple, list)):
        if len(prefix) != len(tree):
            raise ValueError(
                f"{what} is not compatible with the structure of the inputs: expected {len(tree)} entries "
                f"but got {len(prefix)}"
            )
        return [x for p, t in zip(prefix, tree) for x in broadcast_prefix(p, t, what)]
    raise ValueError(f"{what} is not compatible with the structure of the inputs: got {prefix!r}")
