"""`torch.distributed.fsdp.fully_sharded_data_parallel`: FSDP1's wrapper, where unwrapping code imports it from."""

from __future__ import annotations

from typing import Any, NoReturn

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

__all__ = [
    "BackwardPrefetch", "CPUOffload", "FullOptimStateDictConfig", "FullStateDictConfig", "FullyShardedDataParallel",
    "LocalOptimStateDictConfig", "LocalStateDictConfig", "MixedPrecision", "OptimStateDictConfig",
    "ShardedOptimStateDictConfig", "ShardedStateDictConfig", "ShardingStrategy", "StateDictConfig",
    "StateDictSettings", "StateDictType",
]  # fmt: skip

NO_FSDP = "retrograd has no FSDP yet: use nn.parallel.DistributedDataParallel"


def unsupported(what: str) -> NoReturn:
    raise NotImplementedError(f"{what}: {NO_FSDP}")


class FullyShardedDataParallel:
    """FSDP1's wrapper; constructing one raises NotImplementedError (`isinstance` checks are False)."""

    def __init__(self, module: Any, *args: Any, **kwargs: Any) -> None:
        unsupported("FullyShardedDataParallel")
