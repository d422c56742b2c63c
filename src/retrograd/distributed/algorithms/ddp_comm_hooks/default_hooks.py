"""PyTorch's stock DDP communication hooks: average by all-reduce, optionally in float16 on the wire.

A hook takes `(state, bucket)` and returns a Future of the bucket's averaged gradients; the
process group is the state (None: the whole world).
"""

from __future__ import annotations

from ....dtypes import bfloat16, float16
from ....futures import Future
from ....tensor import Tensor
from ...collectives import all_reduce
from ...grad_bucket import GradBucket
from ...process_group import ProcessGroup, world

__all__ = ["allreduce_hook", "bf16_compress_hook", "fp16_compress_hook"]


def _averaged(process_group: ProcessGroup | None, tensor: Tensor) -> Future:
    group = world() if process_group is None else process_group
    tensor.div_(group.size())  # sum of the shares divided by the ranks: their mean
    work = all_reduce(tensor, group=group, async_op=True)
    assert work is not None  # a hook runs only on the group's ranks
    return work.get_future()


def allreduce_hook(process_group: ProcessGroup | None, bucket: GradBucket) -> Future:
    """Average the bucket by one all-reduce: what DDP does without a hook.

    Args:
        process_group (ProcessGroup, optional): the group to average over (None: the world).
        bucket (GradBucket): the bucket DDP hands the hook.

    Returns:
        Future: of the averaged flat buffer.
    """
    return _averaged(process_group, bucket.buffer()).then(lambda fut: fut.value()[0])


def _compressed(dtype: object, process_group: ProcessGroup | None, bucket: GradBucket) -> Future:
    buffer = bucket.buffer()
    group = world() if process_group is None else process_group
    compressed = buffer.to(dtype).div_(group.size())  # divided before the sum, as PyTorch, to stay in range
    work = all_reduce(compressed, group=group, async_op=True)
    assert work is not None

    def decompress(fut: Future) -> Tensor:
        buffer.copy_(fut.value()[0])
        return buffer

    return work.get_future().then(decompress)


def fp16_compress_hook(process_group: ProcessGroup | None, bucket: GradBucket) -> Future:
    """Average in float16: half the bytes on the wire, float16's rounding in the result.

    Args:
        process_group (ProcessGroup, optional): the group to average over (None: the world).
        bucket (GradBucket): the bucket DDP hands the hook.

    Returns:
        Future: of the averaged buffer, back in its own dtype.
    """
    return _compressed(float16, process_group, bucket)


def bf16_compress_hook(process_group: ProcessGroup | None, bucket: GradBucket) -> Future:
    """Average in bfloat16. PyTorch allows it only with NCCL or XCCL, so `register_comm_hook` refuses it here.

    Args:
        process_group (ProcessGroup, optional): the group to average over (None: the world).
        bucket (GradBucket): the bucket DDP hands the hook.

    Returns:
        Future: of the averaged buffer, back in its own dtype.
    """
    return _compressed(bfloat16, process_group, bucket)
