"""Data parallelism: `DistributedDataParallel` across processes (on `retrograd.distributed`), `DataParallel`."""

from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
