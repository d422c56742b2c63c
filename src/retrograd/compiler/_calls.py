"""A compiled call's arguments and results: the cache key, the tensors in order, the outputs' shape.

The key holds what the generated code is specialised on (each tensor's shape, dtype and
requires_grad; Python values by value; other objects by identity; grad mode and autocast); the
output plan says how to rebuild the function's result (tuples, dicts, inputs passed through)
around the arrays the code returns.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..engine.grad_mode import state
from ..ops.autocast_policy import guard_key as _autocast_key
from ..tensor import Tensor
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
    if items and id(value) in items:  # (a watched number: see _watched)
        t = items[id(value)][1]
        return ("item", arrays.setdefault(id(t._data), (len(arrays), t))[0])
    return ("value", value)


def leaf_ids(value: Any) -> set:
    """The ids of the values in a result's tuples, lists and dicts (and of the result itself)."""
    if type(value) in (tuple, list) or (isinstance(value, tuple) and hasattr(value, "_fields")):
        return set().union({id(value)}, *[leaf_ids(v) for v in value])
    if type(value) is dict:
        return set().union({id(value)}, *[leaf_ids(v) for v in value.values()])
    return {id(value)}


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
    return _watched.plain(value) if id(value) in items else value


def planned(plan: Any, kind: str) -> set:
    """The indices k of the plan's (kind, k) leaves."""
    if plan[0] == kind:
        return {plan[1]}
    parts = plan[2] if plan[0] == "seq" else plan[1].values() if plan[0] == "dict" else ()
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
    if kind == "item":
        return new[plan[1]].item()
    return plan[1]
