"""`torch.distributed._tensor.experimental`: the same names as `distributed.tensor.experimental`."""

from ..tensor.experimental import implicit_replication

__all__ = ["implicit_replication"]
