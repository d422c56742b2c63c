"""DistributedDataParallel's part in `Join`: what a rank that ran out of batches does while others train."""

from __future__ import annotations

from typing import Any

from ... import distributed as dist
from ...distributed.algorithms.join import JoinHook
from ...ops.from_data import tensor
from ._reducer import broadcast_coalesced


def highest_rank_among(included: bool, group: Any) -> int:
    """The highest group rank of the ranks that pass `included=True` (one all-reduce; -1 if none do)."""
    rank = tensor([dist.get_rank(group) if included else -1])
    dist.all_reduce(rank, op=dist.ReduceOp.MAX, group=group)
    return int(rank.item())


class DDPJoinHook(JoinHook):
    """Shadows a training rank's DDP collectives: the buffer broadcast of forward, the bucket all-reduces
    (with zeros, so the others' averages count this rank as contributing nothing), then, once all ranks
    have joined, copies the model of a last joiner to every rank."""

    def __init__(self, ddp: Any) -> None:
        self.ddp = ddp

    def main_hook(self) -> None:
        self.ddp._sync_buffers(training=False)
        self.ddp.reducer.shadow_backward()

    def post_hook(self, is_last_joiner: bool) -> None:
        group = self.ddp.process_group
        authority = highest_rank_among(is_last_joiner, group)
        module = self.ddp.module
        tensors = [*module.parameters(), *(module.buffers() if self.ddp.broadcast_buffers else [])]
        broadcast_coalesced(tensors, group, src=authority)
