"""`torch.distributed.fsdp.api`: the FSDP1 option enums, which wrappers name even when nothing is sharded."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

__all__ = ["BackwardPrefetch", "CPUOffload", "ShardingStrategy", "StateDictType"]


class ShardingStrategy(Enum):
    """What FSDP1 shards across ranks: parameters, gradients and optimizer state, or less."""

    FULL_SHARD = auto()
    SHARD_GRAD_OP = auto()
    NO_SHARD = auto()
    HYBRID_SHARD = auto()
    _HYBRID_SHARD_ZERO2 = auto()


class BackwardPrefetch(Enum):
    """When FSDP1 fetches the next parameters during backward."""

    BACKWARD_PRE = auto()
    BACKWARD_POST = auto()


class StateDictType(Enum):
    """The form `state_dict()` of an FSDP1 module takes: full, per-rank local, or sharded."""

    FULL_STATE_DICT = auto()
    LOCAL_STATE_DICT = auto()
    SHARDED_STATE_DICT = auto()


@dataclass
class CPUOffload:
    """Whether FSDP1 keeps parameters (and so gradients and the optimizer step) on the CPU between uses."""

    offload_params: bool = False
