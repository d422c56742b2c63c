"""`torch._dynamo.utils`: `is_compile_supported`, which libraries ask before they `torch.compile`.

torchvision's `roi_align` without its C++ ops compiles a Python version when the device allows.
"""

from __future__ import annotations

from ..backend import device as _device

__all__ = ["is_compile_supported"]


def is_compile_supported(device_type: str | _device) -> bool:
    """Whether `torch.compile` works on this device type: on the CPU; not on CUDA, where PyTorch needs Triton.

    Examples:
        >>> from retrograd._dynamo.utils import is_compile_supported
        >>> is_compile_supported("cpu"), is_compile_supported("cuda")
        (True, False)
    """
    return _device(device_type).type == "cpu"
