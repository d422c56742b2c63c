"""A compiled call's arguments and results: the cache key, the tensors in order, the outputs' shape.

The key holds what the generated code is specialised on (each tensor's shape, dtype and
requires_grad; Python values by value; other objects by identity; grad mode and autocast); the
output plan says how to rebuild the function's result (tuples, dicts, inputs passed through)
around the arrays the code returns.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any, NamedTuple

from ..engine.grad_mode import state
from ..ops.autocast_policy import guard_key as _autocast_key
from ..tensor import Tensor
from ..utils import _pytree
from . import _watched

# --- the arguments: a cache key plus the tensors in order ---------------------------------


class Uncacheable(Exception):
    pass


class _TensorKind(NamedTuple):
    """A tensor argument's guard: the code is specialised on all three."""

    shape: tuple
    dtype: Any
    requires_grad: bool


def generic_kind(key: tuple) -> tuple:
    """`key` as PyTorch's automatic dynamic shapes generalise it after a recompile: each tensor's
    shape reduced to its rank, and int and float arguments to their type (bools stay values)."""
    return tuple([_generic(k) for k in key])


def _generic(k: Any) -> Any:
    if type(k) is _TensorKind:
        return (len(k.shape), k.dtype, k.requires_grad)
    if type(k) is tuple and len(k) == 2 and (k[0] is int or k[0] is float):
        return (k[0],)
    return k


def _flatten(value: Any, key: list, tensors: list) -> None:
    """Append `value`'s guard to `key` and its tensors to `tensors` (containers one level at a time)."""
    if isinstance(value, Tensor):
        data = value._data
        key.append(_TensorKind(data.shape, data.dtype, value._requires_grad))
        tensors.append(value)
    elif type(value) in (int, float, bool, str, type(None)):
        key.append((type(value), value))
    elif type(value) in (tuple, list):
        key.append((type(value), len(value)))
        for v in value:
            _flatten(v, key, tensors)
    elif type(value) is dict:
        key.append((dict, tuple(value)))
        for v in value.values():
            _flatten(v, key, tensors)
    else:
        try:
            hash(value)
        except TypeError:
            raise Uncacheable from None
        key.append((type(value), value))  # holds the object: modules and the like are compared by identity


def arguments(args: tuple, kwargs: dict) -> tuple[tuple, list]:
    key: list = [state.enabled, _autocast_key()]  # grad mode and CPU autocast change what runs
    tensors: list = []
    for a in args:
        _flatten(a, key, tensors)
    if kwargs:
        key.append(tuple(kwargs))
        for v in kwargs.values():
            _flatten(v, key, tensors)
    if len(tensors) > 1:
        ids = [id(t._data) for t in tensors]
        if len(set(ids)) != len(ids):  # the same array passed twice: the code depends on it
            key.append(tuple(ids.index(i) for i in ids))
    return tuple(key), tensors


# --- outputs: a tree of tensors, rebuilt around new arrays ----------------------------------


def output_plan(value: Any, arrays: dict, inputs: dict, kept: frozenset = frozenset(), items: Any = None) -> Any:
    """What to rebuild: ("new", k) for a made tensor, ("input", i) for an argument, ("item", k)
    for the `.item()` of made tensor k (`items`: id(float) -> (float, tensor), the recording's
    reads), else the value itself: a Python value, or one of the `kept` tensors (ids of the
    parameters and buffers the function reads, which it returns as they are: `return loss, self.weight`)."""
    if isinstance(value, Tensor):
        i = inputs.get(id(value))
        if i is not None:
            return ("input", i)
        if id(value) in kept:
            return ("value", value)
        return ("new", arrays.setdefault(id(value._data), (len(arrays), value))[0])
    if type(value) in (tuple, list) or (isinstance(value, tuple) and hasattr(value, "_fields")):
        return ("seq", type(value), [output_plan(v, arrays, inputs, kept, items) for v in value])
    if type(value) is dict:
        return ("dict", {k: output_plan(v, arrays, inputs, kept, items) for k, v in value.items()})
    node = _node_type(value)
    if node is not None:  # a pytree node: an OrderedDict, a Hugging Face ModelOutput
        children, context = _pytree.SUPPORTED_NODES[node].flatten_fn(value)
        return ("node", node, context, [output_plan(v, arrays, inputs, kept, items) for v in children])
    if items and id(value) in items:  # (a watched number: see _watched)
        t = items[id(value)][1]
        return ("item", arrays.setdefault(id(t._data), (len(arrays), t))[0])
    return ("value", value)


def _node_type(value: Any) -> Any:
    """`value`'s key in the pytree registry when it is a node other than a tuple, list or dict
    (whose plans are their own), else None."""
    node = _pytree._get_node_type(value)
    if node in (tuple, list, dict, namedtuple) or node not in _pytree.SUPPORTED_NODES:
        return None
    return node


def _children(value: Any) -> list:
    node = _node_type(value)
    return [] if node is None else _pytree.SUPPORTED_NODES[node].flatten_fn(value)[0]


def leaf_ids(value: Any) -> set:
    """The ids of the values in a result's tuples, lists, dicts and other pytree nodes (and of
    the result itself)."""
    if type(value) in (tuple, list) or (isinstance(value, tuple) and hasattr(value, "_fields")):
        return set().union({id(value)}, *[leaf_ids(v) for v in value])
    if type(value) is dict:
        return set().union({id(value)}, *[leaf_ids(v) for v in value.values()])
    return set().union({id(value)}, *[leaf_ids(v) for v in _children(value)])


def opaque_tensors(plan: Any, made: dict, limit: int = 100_000) -> Any:
    """The type of the first ("value", x) leaf of `plan` that holds a tensor whose array is in
    `made` (the recording's own results) in its items or attributes, where rebuilding cannot
    replace it: returned as it is, it would hold the first call's tensors at every call. None
    when there is none; a leaf too large to search counts as holding one."""
    leaves = [plan]
    while leaves:
        p = leaves.pop()
        if p[0] in ("seq", "node"):
            leaves.extend(p[-1])
        elif p[0] == "dict":
            leaves.extend(p[1].values())
        elif p[0] == "value" and not isinstance(p[1], Tensor) and _holds_made(p[1], made, limit):
            return type(p[1])
    return None


def _holds_made(value: Any, made: dict, limit: int) -> bool:
    stack, seen = [value], set()
    while stack:
        v = stack.pop()
        if id(v) in seen or type(v) in (int, float, bool, str, bytes, type(None)) or isinstance(v, type):
            continue
        seen.add(id(v))
        if len(seen) > limit:
            return True
        if isinstance(v, Tensor):
            if id(v._data) in made:
                return True
            continue
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, (tuple, list, set, frozenset)):
            stack.extend(v)
        attrs = getattr(v, "__dict__", None)
        if type(attrs) is dict:
            stack.extend(attrs.values())
    return False


def plain_items(value: Any, items: dict) -> Any:
    """`value` with the watched `.item()` numbers of `items` (id -> (number, tensor, ...)) in its
    tuples, lists and dicts made plain again (lists and dicts in place: they are the function's)."""
    if type(value) in (tuple, list) or (isinstance(value, tuple) and hasattr(value, "_fields")):
        values = [plain_items(v, items) for v in value]
        if type(value) is list:
            value[:] = values
            return value
        return type(value)(*values) if hasattr(value, "_fields") else tuple(values)
    if type(value) is dict:
        for k, v in value.items():
            value[k] = plain_items(v, items)
        return value
    node = _node_type(value)
    if node is not None:
        children, context = _pytree.SUPPORTED_NODES[node].flatten_fn(value)
        return _pytree.SUPPORTED_NODES[node].unflatten_fn([plain_items(v, items) for v in children], context)
    return _watched.plain(value) if id(value) in items else value


def planned(plan: Any, kind: str) -> set:
    """The indices k of the plan's (kind, k) leaves."""
    if plan[0] == kind:
        return {plan[1]}
    parts = plan[-1] if plan[0] in ("seq", "node") else plan[1].values() if plan[0] == "dict" else ()
    return set().union(*[planned(p, kind) for p in parts])


def items_returned(plan: Any, value: Any, found: dict) -> bool:
    """Collect into `found` (k -> value) what `value`, a result shaped as `plan`, holds at each
    ("item", k) leaf; False where its shape differs from the plan's."""
    kind = plan[0]
    if kind == "item":
        found[plan[1]] = value
        return True
    if kind == "seq":
        return (type(value) is plan[1] and len(value) == len(plan[2])
                and all(items_returned(p, v, found) for p, v in zip(plan[2], value)))
    if kind == "dict":
        return (type(value) is dict and value.keys() == plan[1].keys()
                and all(items_returned(p, value[k], found) for k, p in plan[1].items()))
    if kind == "node":
        if _node_type(value) is not plan[1]:
            return False
        children, context = _pytree.SUPPORTED_NODES[plan[1]].flatten_fn(value)
        return (context == plan[2] and len(children) == len(plan[3])
                and all(items_returned(p, v, found) for p, v in zip(plan[3], children)))
    return True


def rebuild(plan: Any, new: list, inputs: list) -> Any:
    kind = plan[0]
    if kind == "new":
        return new[plan[1]]
    if kind == "input":
        return inputs[plan[1]]
    if kind == "seq":
        items = [rebuild(p, new, inputs) for p in plan[2]]
        cls = plan[1]
        return cls(*items) if hasattr(cls, "_fields") else cls(items)
    if kind == "dict":
        return {k: rebuild(p, new, inputs) for k, p in plan[1].items()}
    if kind == "node":
        return _pytree.SUPPORTED_NODES[plan[1]].unflatten_fn([rebuild(p, new, inputs) for p in plan[3]], plan[2])
    if kind == "item":
        return new[plan[1]].item()
    return plan[1]
