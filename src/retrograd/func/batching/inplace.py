"""In-place ops under vmap: the write goes to the batched value, batch dim and all."""

from __future__ import annotations

from typing import Any

from ...engine import inplace as _inplace
from ...engine.vmap_hook import NOT_BATCHED
from .._batched import BatchedTensor, level_of, peel, size_of


def commit(target: Any, result: Any) -> Any:
    """`target.op_(...)` for a batched target: write the (expanded) result into its value."""
    lt, lr = level_of(target), level_of(result)
    if not lt and not lr:
        return NOT_BATCHED
    if lr > lt:
        raise RuntimeError(
            "vmap: inplace arithmetic(self, *extra_args) is not possible because there exists a Tensor `other` "
            "in extra_args that has more elements than `self`. This happened due to `other` being vmapped over "
            "but `self` not being vmapped over in a vmap. Please try to use out-of-place operators instead of "
            "inplace arithmetic. If said operator is being called inside the PyTorch framework, please file a "
            "bug report instead."
        )
    assert type(target) is BatchedTensor
    value = target._value
    if tuple(result.shape) != tuple(target.shape):
        result = result.expand(*target.shape)
    _inplace.commit(value, peel(result, lt, size_of(lt)))
    target._requires_grad = value._requires_grad
    return target
