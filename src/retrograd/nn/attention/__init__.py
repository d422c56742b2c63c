"""`torch.nn.attention`: choosing `scaled_dot_product_attention`'s kernel.

`sdpa_kernel([SDPBackend.MATH])` allows only the listed kernels inside the block. On the CPU
PyTorch has two, FLASH_ATTENTION and MATH, which give the same numbers here (retrograd has one
kernel); with neither allowed, attention raises PyTorch's "No viable backend" error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum
from typing import Any

from ... import _global_flags

__all__ = ["SDPBackend", "sdpa_kernel"]


class SDPBackend(IntEnum):
    """The kernels of `scaled_dot_product_attention`, as PyTorch numbers them.

    Args:
        value (int): the kernel's number.

    Returns:
        (SDPBackend): one of ERROR, MATH, FLASH_ATTENTION, EFFICIENT_ATTENTION, CUDNN_ATTENTION,
            OVERRIDEABLE.

    Examples:
        >>> from retrograd.nn.attention import SDPBackend
        >>> SDPBackend.MATH, int(SDPBackend.FLASH_ATTENTION)
        (<SDPBackend.MATH: 0>, 1)
    """

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_KERNELS = {
    SDPBackend.MATH: "math",
    SDPBackend.FLASH_ATTENTION: "flash",
    SDPBackend.EFFICIENT_ATTENTION: "mem_efficient",
    SDPBackend.CUDNN_ATTENTION: "cudnn",
    SDPBackend.OVERRIDEABLE: "overrideable",
}


@contextlib.contextmanager
def sdpa_kernel(backends: Any, set_priority: bool = False) -> Iterator[None]:
    """Inside the block, `scaled_dot_product_attention` may use only `backends`.

    Args:
        backends (SDPBackend or list of SDPBackend): the kernels allowed.
        set_priority (bool): PyTorch tries the kernels in the listed order; here there is one
            kernel, so the order cannot matter (accepted for the same signature).

    Returns:
        (context manager): restores the previous choice on exit.

    Examples:
        >>> import retrograd.nn.functional as F
        >>> from retrograd.nn.attention import SDPBackend, sdpa_kernel
        >>> q = retrograd.ones(1, 1, 2, 4)
        >>> with sdpa_kernel([SDPBackend.MATH]):
        ...     F.scaled_dot_product_attention(q, q, q).shape
        retrograd.Size([1, 1, 2, 4])
    """
    chosen = [backends] if isinstance(backends, SDPBackend) else list(backends)
    for b in chosen:
        if not isinstance(b, SDPBackend):
            raise AssertionError("Backend must be an instance of SDPBackend")
    before = {kernel: _global_flags.sdp_enabled(kernel) for kernel in _KERNELS.values()}
    for backend, kernel in _KERNELS.items():
        _global_flags.set_sdp_enabled(kernel, backend in chosen)
    try:
        yield
    finally:
        for kernel, enabled in before.items():
            _global_flags.set_sdp_enabled(kernel, enabled)
