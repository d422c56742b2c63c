"""`torch._dynamo._trace_wrapped_higher_order_op`: `TransformGetItemToIndex`, which libraries import.

In PyTorch it is a TorchFunctionMode that turns `A[i]` with an int or 0-d tensor `i` into an
index op, so that vmapped mask functions (flex attention's `score_mod`, transformers' masks) can
index with a batched scalar. retrograd has no torch-function modes; indexing already takes 0-d
integer tensors as indices, so the context manager changes nothing.
"""

from __future__ import annotations

from types import TracebackType

__all__ = ["TransformGetItemToIndex"]


class TransformGetItemToIndex:
    """A context manager for indexing with scalar tensors under vmap; a no-op in retrograd."""

    def __enter__(self) -> TransformGetItemToIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None
