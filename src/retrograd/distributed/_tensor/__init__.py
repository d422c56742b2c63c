"""`torch.distributed._tensor`: the old home of `torch.distributed.tensor`, which older imports still name.

Its submodules `experimental` and `placement_types` hold the same objects as the new home's.
"""

from ..device_mesh import DeviceMesh, init_device_mesh
from ..tensor import DTensor, Partial, Placement, Replicate, Shard, distribute_module, distribute_tensor

__all__ = [
    "DTensor",
    "DeviceMesh",
    "Partial",
    "Placement",
    "Replicate",
    "Shard",
    "distribute_module",
    "distribute_tensor",
    "init_device_mesh",
]
