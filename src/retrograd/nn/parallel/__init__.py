"""Data parallelism: `DistributedDataParallel` across processes (on `retrograd.distributed`), `DataParallel`."""

from .data_parallel import DataParallel
from .distributed import DistributedDataParallel
from .scatter_gather import gather, scatter

__all__ = ["DataParallel", "DistributedDataParallel", "gather", "scatter"]
