"""`torch.utils.dlpack`: tensors shared with other array libraries through DLPack, without copying.

`from_dlpack` is `retrograd.from_dlpack` (PyTorch Geometric imports it from here to read pandas and
cuDF columns). `to_dlpack` hands out the legacy capsule, for libraries that still consume one.
"""

from __future__ import annotations

import enum
from typing import Any

from ..ops.shared_memory import from_dlpack
from ..tensor import Tensor

__all__ = ["DLDeviceType", "from_dlpack"]


class DLDeviceType(enum.IntEnum):
    """DLPack's device codes (`__dlpack_device__()[0]`)."""

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


def to_dlpack(tensor: Tensor) -> Any:
    """The tensor's memory as a DLPack capsule (`tensor.__dlpack__()`), for a library that reads one."""
    return tensor.__dlpack__()
