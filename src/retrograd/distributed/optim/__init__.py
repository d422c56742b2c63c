"""`torch.distributed.optim`: optimizers for data-parallel training (ZeRO's sharded optimizer state)."""

from .zero_redundancy_optimizer import ZeroRedundancyOptimizer

__all__ = ["ZeroRedundancyOptimizer"]
