"""Nested tuples, lists and dicts of tensors ("pytrees"), flattened to a list and rebuilt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

# a spec is None for a leaf, else (kind, keys or None, child specs)
Spec = Any


def flatten(tree: Any) -> tuple[list, Spec]:
    """The leaves of `tree` in order, and a spec that `unflatten` rebuilds it from."""
    leaves: list = []
    spec = _walk(tree, leaves)
    return leaves, spec


def unflatten(leaves: list, spec: Spec) -> Any:
    """The tree `spec` describes, its leaves taken from `leaves` in order."""
    return _build(spec, iter(leaves))


# Module-level helpers, not closures: a closure that calls itself is a reference cycle that
# keeps the leaves it saw (vmap's and grad's results) alive until the cyclic GC runs.


def _walk(node: Any, leaves: list) -> Spec:
    if isinstance(node, dict):
        keys = list(node)
        return (dict, keys, [_walk(node[k], leaves) for k in keys])
    if isinstance(node, tuple) and hasattr(node, "_fields"):  # a named tuple keeps its type
        return (type(node), None, [_walk(c, leaves) for c in node])
    if isinstance(node, (tuple, list)):
        return (type(node), None, [_walk(c, leaves) for c in node])
    leaves.append(node)
    return None


def _build(s: Spec, it: Iterator) -> Any:
    if s is None:
        return next(it)
    kind, keys, children = s
    if kind is dict:
        return {k: _build(c, it) for k, c in zip(keys, children)}
    values = [_build(c, it) for c in children]
    if kind in (tuple, list):
        return kind(values)
    return kind(*values)  # a named tuple


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
