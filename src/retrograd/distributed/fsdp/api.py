"""`torch.distributed.fsdp.api`: the FSDP1 option enums, which wrappers name even when nothing is sharded."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

__all__ = [
    "BackwardPrefetch", "CPUOffload", "FullOptimStateDictConfig", "FullStateDictConfig", "LocalOptimStateDictConfig",
    "LocalStateDictConfig", "MixedPrecision", "OptimStateDictConfig", "ShardedOptimStateDictConfig",
    "ShardedStateDictConfig", "ShardingStrategy", "StateDictConfig", "StateDictSettings", "StateDictType",
]  # fmt: skip


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


@dataclass
class MixedPrecision:
    """The dtypes FSDP1 computes in (`param_dtype`), reduces gradients in and keeps buffers in (None: as they are)."""

    param_dtype: Any = None
    reduce_dtype: Any = None
    buffer_dtype: Any = None
    keep_low_precision_grads: bool = False
    cast_forward_inputs: bool = False
    cast_root_forward_inputs: bool = True
    _module_classes_to_ignore: tuple = ()


@dataclass
class StateDictConfig:
    """The options of an FSDP1 module's `state_dict()`; `offload_to_cpu` moves the tensors to the CPU."""

    offload_to_cpu: bool = False


@dataclass
class FullStateDictConfig(StateDictConfig):
    """Options of a full (gathered) FSDP1 state dict; `rank0_only` gives it on rank 0 only."""

    rank0_only: bool = False


@dataclass
class LocalStateDictConfig(StateDictConfig):
    """Options of a per-rank local FSDP1 state dict."""


@dataclass
class ShardedStateDictConfig(StateDictConfig):
    """Options of a sharded FSDP1 state dict."""

    _use_dtensor: bool = False


@dataclass
class OptimStateDictConfig:
    """The options of an FSDP1 optimizer state dict; `offload_to_cpu` moves the tensors to the CPU."""

    offload_to_cpu: bool = True


@dataclass
class FullOptimStateDictConfig(OptimStateDictConfig):
    """Options of a full (gathered) FSDP1 optimizer state dict; `rank0_only` gives it on rank 0 only."""

    rank0_only: bool = False


@dataclass
class LocalOptimStateDictConfig(OptimStateDictConfig):
    """Options of a per-rank local FSDP1 optimizer state dict."""

    offload_to_cpu: bool = False


@dataclass
class ShardedOptimStateDictConfig(OptimStateDictConfig):
    """Options of a sharded FSDP1 optimizer state dict."""

    _use_dtensor: bool = False


@dataclass
class StateDictSettings:
    """An FSDP1 module's state-dict type with its model and optimizer state-dict configs."""

    state_dict_type: StateDictType
    state_dict_config: StateDictConfig
    optim_state_dict_config: OptimStateDictConfig
