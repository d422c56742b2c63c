"""`torch.distributed._functional_collectives`: collectives that return new tensors.

Only the two that libraries reach for outside of torch.compile: `wait_tensor`, and
`all_to_all_single_autograd`, whose gradient is the all-to-all back with the splits swapped.
retrograd's collectives finish before they return, so there is never anything to wait for.
"""

from __future__ import annotations

from typing import Any

from ..autograd.function import Function
from ..tensor import Tensor
from . import collectives as _c
from .process_group import ProcessGroup

__all__ = ["all_to_all_single_autograd", "wait_tensor"]


def wait_tensor(tensor: Tensor) -> Tensor:
    """Wait for the collective that produces `tensor`; returns it (retrograd's have already finished)."""
    return tensor


class _AllToAllSingle(Function):
    @staticmethod
    def forward(
        ctx: Any, output_split_sizes: list[int] | None, input_split_sizes: list[int] | None,
        group: ProcessGroup | None, tensor: Tensor,
    ) -> Tensor:  # fmt: skip
        ctx.splits, ctx.group = (output_split_sizes, input_split_sizes), group
        rows = sum(output_split_sizes) if output_split_sizes else tensor.shape[0]
        out = tensor.new_empty((rows, *tensor.shape[1:]))
        _c.all_to_all_single(out, tensor.contiguous(), output_split_sizes, input_split_sizes, group=group)
        return out

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple:
        # What rank j received from rank i goes back from j to i: the splits trade places.
        received, sent = ctx.splits
        return None, None, None, _AllToAllSingle.apply(sent, received, ctx.group, grad_output)


def all_to_all_single_autograd(
    self: Tensor, output_split_sizes: list[int] | None, input_split_sizes: list[int] | None,
    group: ProcessGroup | None, tag: str = "",
) -> Tensor:  # fmt: skip
    """`all_to_all_single` that returns the output and passes the gradient back to the senders.

    Args:
        self: the input, split along dim 0 into `input_split_sizes` rows per rank (even when None).
        output_split_sizes: rows received from each rank (even when None).
        input_split_sizes: rows sent to each rank.
        group: the process group (None: the default group).
        tag: ignored, as in PyTorch's eager mode.

    Returns:
        Tensor: the rows received, in rank order.
    """
    return _AllToAllSingle.apply(output_split_sizes, input_split_sizes, group, self)
