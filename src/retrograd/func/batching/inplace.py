"""In-place ops under vmap: the write goes to the batched value, batch dim and all.

A write of a batched value into a tensor batched at fewer levels cannot hold every example, and
PyTorch refuses it before computing anything. Its wording depends on how the op is batched there:
a batching rule names itself, the boxed fallback names the aten op and the level, and a few
TensorIterator ops fail their output-shape check first. `check_write` words it the same way.
"""

from __future__ import annotations

from typing import Any

import numpy

from ...engine import inplace as _inplace
from ...engine.vmap_hook import NOT_BATCHED
from ...tensor import Tensor
from .._batched import BatchedTensor, level_of, peel, size_of

# out-of-place op name -> how PyTorch names the in-place op in its refusal
_RULE_NAMES = {
    "index_add": "index_add_",
    "index_fill": "index_fill_",
    "index_put": "index_put_",
    "_put_at": "index_put_",  # t[mask] = v
    "in_place_fill": "fill_",
    "scatter_add": "scatter_add_",
    "scatter_reduce": "scatter_reduce_",
}
# ops PyTorch batches with its boxed fallback: the message names `aten::op_` and the level
_FALLBACK = frozenset(
    """
    addcdiv addcmul clamp eq float_power floor_divide fmod ge gt heaviside hypot index_copy ldexp le lerp lt
    masked_scatter ne pow remainder scatter xlogy
    """.split()
)
# ops whose output-shape check fails before vmap looks at them
_SHAPE_CHECKED = frozenset("add atan2 bitwise_and bitwise_or bitwise_xor copysign".split())


def _refusal(name: str, where: str) -> RuntimeError:
    return RuntimeError(
        f"vmap: {name}(self, *extra_args) is not possible because there exists a Tensor `other` in extra_args "
        f"that has more elements than `self`. This happened due to `other` being vmapped over but `self` not "
        f"being vmapped over {where}. Please try to use out-of-place operators instead of {name}. If said "
        "operator is being called inside the PyTorch framework, please file a bug report instead."
    )


def _tensors(args: Any) -> list:
    """The tensors among `args`, looking inside tuples and lists (index tuples)."""
    found, stack = [], [args]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            found.append(item)
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
    return found


def _levels(t: Any) -> list:
    """The vmap levels `t` is batched at, outermost first."""
    levels = []
    while type(t) is BatchedTensor:
        levels.append(t._level)
        t = t._value
    return sorted(levels)


def check_write(target: Any, op_name: str, args: tuple, kwargs: dict) -> None:
    """Raise PyTorch's error when an operand of `target.op_(...)` is batched at a level `target` is not."""
    own = _levels(target)
    for other in _tensors((args, tuple(kwargs.values()))):
        extra = [lv for lv in _levels(other) if lv not in own]
        if not extra:
            continue
        if op_name in _SHAPE_CHECKED:
            raise _shape_error(target, other)
        # masked_fill: a batched tensor value goes to the fallback, a batched mask has a rule
        if op_name in _FALLBACK or (op_name == "masked_fill" and other is kwargs.get("value", args[-1])):
            raise _refusal(f"aten::{op_name}_", f"at level {extra[-1]}")
        raise _refusal(_RULE_NAMES.get(op_name, "inplace arithmetic"), "in a vmap")


def _shape_error(target: Tensor, other: Tensor) -> RuntimeError:
    levels = sorted(set(_levels(target)) | set(_levels(other)))
    try:
        logical = list(numpy.broadcast_shapes(tuple(target.shape), tuple(other.shape)))
    except ValueError:
        logical = list(other.shape)
    own = [size_of(lv) for lv in _levels(target)]
    return RuntimeError(
        f"output with shape {own + list(target.shape)} doesn't match the broadcast shape "
        f"{[size_of(lv) for lv in levels] + logical}"
    )


def commit(target: Any, result: Any) -> Any:
    """`target.op_(...)` for a batched target: write the (expanded) result into its value."""
    lt, lr = level_of(target), level_of(result)
    if not lt and not lr:
        return NOT_BATCHED
    if lr > lt:  # an operand check_write did not see (a tensor the op closes over)
        raise _refusal("inplace arithmetic", "in a vmap")
    assert type(target) is BatchedTensor
    value = target._value
    if tuple(result.shape) != tuple(target.shape):
        result = result.expand(*target.shape)
    _inplace.commit(value, peel(result, lt, size_of(lt)))
    target._requires_grad = value._requires_grad
    return target
