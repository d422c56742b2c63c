"""`torch._C._functorch`: whether a tensor is batched by vmap, which kornia asks in a custom
Function's backward before it writes the gradient in place (a batched gradient cannot be)."""

from __future__ import annotations

from typing import Any

from ..func._batched import level_of

__all__ = ["is_batchedtensor", "is_legacy_batchedtensor"]


def is_batchedtensor(tensor: Any) -> bool:
    """Whether `tensor` is batched at a `retrograd.func.vmap` level (the per-example view inside vmap).

    Examples:
        >>> retrograd._C._functorch.is_batchedtensor(retrograd.ones(2))
        False
    """
    return level_of(tensor) > 0


def is_legacy_batchedtensor(tensor: Any) -> bool:
    """Whether `tensor` is batched by PyTorch's legacy vmap: never here, where
    `autograd.grad(..., is_grads_batched=True)` batches with `retrograd.func.vmap` instead."""
    return False
