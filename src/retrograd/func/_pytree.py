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


def broadcast_prefix(prefix: Any, tree: Any) -> list | None:
    """`prefix` (a leaf, or a tree matching the top of `tree`) repeated for each leaf of `tree`.

    None where the structures differ: a container against a leaf, another container type (a
    tuple is not a list), another length, or a dict with other keys (in another order), as
    PyTorch's pytrees decide it.
    """
    if not _is_container(prefix):
        return [prefix] * len(flatten(tree)[0])
    if not _is_container(tree) or type(prefix) is not type(tree) or len(prefix) != len(tree):
        return None
    if isinstance(prefix, dict):
        if list(prefix) != list(tree):
            return None
        pairs = [(prefix[k], tree[k]) for k in tree]
    else:
        pairs = list(zip(prefix, tree))
    out: list = []
    for p, t in pairs:
        part = broadcast_prefix(p, t)
        if part is None:
            return None
        out.extend(part)
    return out


def _is_container(node: Any) -> bool:
    return isinstance(node, (dict, tuple, list))


def structure(tree: Any, indent: int = 0) -> str:
    """PyTorch's repr of `tree`'s TreeSpec, for error messages: `*` for a leaf, else
    `TreeSpec(tuple, None, [*,\n  *])`, children after the first on lines of their own."""
    if not _is_container(tree):
        return "*"
    if isinstance(tree, dict):
        kind, context, children = type(tree).__name__, str(list(tree)), list(tree.values())
    elif isinstance(tree, tuple) and hasattr(tree, "_fields"):
        kind, context, children = "namedtuple", str(type(tree)), list(tree)
    else:
        kind, context, children = type(tree).__name__, "None", list(tree)
    inner = indent + 2
    parts = [structure(c, inner) for c in children]
    body = (",\n" + " " * inner).join(parts)
    return f"TreeSpec({kind}, {context}, [{body}])"


def pprint(tree: Any) -> str:
    """PyTorch's short form of `tree`'s structure: `*` per leaf, containers as Python writes them
    (`(*, *)`, `[*]`, `{'k': *}`, `Pair(a=*, b=*)`), for error messages."""
    if not _is_container(tree):
        return "*"
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {pprint(v)}" for k, v in tree.items()) + "}"
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        fields = ", ".join(f"{f}={pprint(v)}" for f, v in zip(tree._fields, tree))
        return f"{type(tree).__name__}({fields})"
    inner = ", ".join(pprint(c) for c in tree)
    if isinstance(tree, list):
        return f"[{inner}]"
    return f"({inner},)" if len(tree) == 1 else f"({inner})"
