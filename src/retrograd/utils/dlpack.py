"""`torch.utils.dlpack`: exchange tensors with other array libraries through DLPack.

`from_dlpack` takes any object with `__dlpack__` (a NumPy/CuPy/JAX array, a tensor) or a capsule
from `to_dlpack`; both share memory with their source.
"""

import enum

# the public faces, as `retrograd.from_dlpack` (`torch.from_dlpack is torch.utils.dlpack.from_dlpack`)
from .. import from_dlpack
from .. import to_dlpack as to_dlpack  # public, though PyTorch's __all__ leaves it out

__all__ = ["DLDeviceType", "from_dlpack"]


class DLDeviceType(enum.IntEnum):
    """The device codes of the DLPack standard (`__dlpack_device__()[0]`)."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17

