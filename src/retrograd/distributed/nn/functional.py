"""`torch.distributed.nn.functional`: collectives as autograd Functions.

Unlike `torch.distributed.all_reduce` and company, which write into their argument and are
invisible to autograd, these return new tensors, and the gradient flows back across the ranks:
the gradient of an all-reduce (sum) is the all-reduce of the gradient, that of a broadcast is
the gradients summed on the source rank (zero elsewhere), that of an all-gather the sum over
ranks of the gradient for this rank's piece. PyTorch marks all but `reduce` deprecated
(FutureWarning) in favour of `_functional_collectives`, which has no counterpart here.
"""

from __future__ import annotations

import warnings
from typing import Any

from ...autograd.function import Function
from ...tensor import Tensor
from .. import collectives as _c
from ..process_group import ProcessGroup, get_rank, get_world_size
from ..reduce_op import RedOpType, ReduceOp

__all__ = ["all_gather", "all_reduce", "broadcast", "reduce"]


def _deprecated(name: str, suggestion: str) -> None:
    warnings.warn(
        f"torch.distributed.nn.functional.{name} is deprecated, use "
        f"torch.distributed._functional_collectives.{suggestion} instead.",
        FutureWarning,
        stacklevel=3,
    )


class _AllReduce(Function):
    @staticmethod
    def forward(ctx: Any, op: RedOpType, group: ProcessGroup | None, tensor: Tensor) -> Tensor:
        ctx.op, ctx.group = op, group
        out = tensor.clone().contiguous()
        _c.all_reduce(out, op=op, group=group)
        return out

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple:
        return None, None, _AllReduce.apply(ctx.op, ctx.group, grad_output)


class _Reduce(Function):
    @staticmethod
    def forward(ctx: Any, dst: int, op: RedOpType, group: ProcessGroup | None, tensor: Tensor) -> Tensor:
        ctx.dst, ctx.group = dst, group
        out = tensor.clone().contiguous()
        _c.reduce(out, dst, op=op, group=group)
        return out

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple:
        return None, None, None, _Broadcast.apply(ctx.dst, ctx.group, grad_output)


class _Broadcast(Function):
    @staticmethod
    def forward(ctx: Any, src: int, group: ProcessGroup | None, tensor: Tensor) -> Tensor:
        ctx.src, ctx.group, ctx.rank = src, group, get_rank(group)
        out = tensor.clone().contiguous()
        _c.broadcast(out, src, group=group)
        return out

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple:
        gx = _Reduce.apply(ctx.src, ReduceOp.SUM, ctx.group, grad_output)
        return None, None, gx if ctx.src == ctx.rank else gx * 0


class _AllGather(Function):
    @staticmethod
    def forward(ctx: Any, group: ProcessGroup | None, tensor: Tensor) -> tuple:
        ctx.group, ctx.rank = group, get_rank(group)
        tensor = tensor.contiguous()
        outs = [tensor.new_empty(tensor.shape) for _ in range(get_world_size(group))]
        _c.all_gather(outs, tensor, group=group)
        return tuple(outs)

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Tensor) -> tuple:
        # this rank's piece went to every rank: its gradient is the sum of theirs for it
        summed = [_AllReduce.apply(ReduceOp.SUM, ctx.group, g) for g in grad_outputs]
        return None, summed[ctx.rank]


def all_reduce(tensor: Tensor, op: RedOpType = ReduceOp.SUM, group: ProcessGroup | None = None) -> Tensor:
    """A new tensor holding `tensor` reduced over the group's ranks (every rank gets it)."""
    _deprecated("all_reduce", "all_reduce")
    return _AllReduce.apply(op, group, tensor)


def reduce(tensor: Tensor, dst: int, op: RedOpType = ReduceOp.SUM, group: ProcessGroup | None = None) -> Tensor:
    """A new tensor: on rank `dst`, `tensor` reduced over the group; elsewhere a copy of `tensor`."""
    return _Reduce.apply(dst, op, group, tensor)


def broadcast(tensor: Tensor, src: int, group: ProcessGroup | None = None) -> Tensor:
    """A new tensor holding rank `src`'s `tensor`, on every rank."""
    _deprecated("broadcast", "broadcast")
    return _Broadcast.apply(src, group, tensor)


def all_gather(tensor: Tensor, group: ProcessGroup | None = None) -> tuple:
    """A tuple with every rank's `tensor`, in rank order."""
    _deprecated("all_gather", "all_gather_single")
    return _AllGather.apply(group, tensor)
