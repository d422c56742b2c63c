"""Data parallelism across processes: `DistributedDataParallel` (on `retrograd.distributed`)."""

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
