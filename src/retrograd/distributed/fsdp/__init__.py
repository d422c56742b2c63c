"""`torch.distributed.fsdp`: FSDP2's policy values; sharding a model (`fully_shard`) is not in retrograd yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from ...dtypes import dtype
from . import api, fully_sharded_data_parallel, wrap
from .api import (
    BackwardPrefetch,
    CPUOffload,
    FullOptimStateDictConfig,
    FullStateDictConfig,
    LocalOptimStateDictConfig,
    LocalStateDictConfig,
    MixedPrecision,
    OptimStateDictConfig,
    ShardedOptimStateDictConfig,
    ShardedStateDictConfig,
    ShardingStrategy,
    StateDictConfig,
    StateDictSettings,
    StateDictType,
)
from .fully_sharded_data_parallel import FullyShardedDataParallel, unsupported

__all__ = [
    "BackwardPrefetch", "CPUOffload", "CPUOffloadPolicy", "FSDPModule", "FullOptimStateDictConfig",
    "FullStateDictConfig", "FullyShardedDataParallel", "LocalOptimStateDictConfig", "LocalStateDictConfig",
    "MixedPrecision", "MixedPrecisionPolicy", "OffloadPolicy", "OptimStateDictConfig", "ShardedOptimStateDictConfig",
    "ShardedStateDictConfig", "ShardingStrategy", "StateDictConfig", "StateDictSettings", "StateDictType", "api",
    "fully_shard",
    "fully_sharded_data_parallel", "wrap",
]  # fmt: skip


@dataclass(frozen=True)
class MixedPrecisionPolicy:
    """The dtypes FSDP2 computes (`param_dtype`), reduces gradients (`reduce_dtype`) and returns in."""

    param_dtype: dtype | None = None
    reduce_dtype: dtype | None = None
    output_dtype: dtype | None = None
    cast_forward_inputs: bool = True


@dataclass
class OffloadPolicy:
    """No offloading: parameters, gradients and optimizer state stay on the device."""


@dataclass
class CPUOffloadPolicy(OffloadPolicy):
    """Sharded parameters kept on the CPU between uses (`pin_memory` pins them)."""

    pin_memory: bool = True


class FSDPModule:
    """The class `fully_shard` mixes into a module; no retrograd module is one."""


def fully_shard(module: Any, **kwargs: Any) -> NoReturn:
    """Not in retrograd yet: raises NotImplementedError."""
    unsupported("fully_shard")
