"""`retrograd.backends.cuda`: not built with CUDA; `matmul.allow_tf32` mirrors the float32 matmul precision.

The attention-kernel switches (`enable_flash_sdp`, `enable_math_sdp`, ...) are global in PyTorch
and govern its CPU attention too: with both "flash" and "math" off, `scaled_dot_product_attention`
has no kernel and raises, here as there. The others are recorded and reported back.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from .. import _global_flags


def is_built() -> bool:
    return False


class _MatmulSettings:
    """`backends.cuda.matmul`: TF32 is allowed exactly when the precision is not 'highest', as in PyTorch."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self) -> bool:
        return _global_flags.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        _global_flags.set_float32_matmul_precision("high" if value else "highest")


matmul = _MatmulSettings()


def _switch(kernel: str, enabled: bool) -> None:
    _global_flags.set_sdp_enabled(kernel, enabled)


def enable_flash_sdp(enabled: bool) -> None:
    """Allow (or forbid) the flash attention kernel in `scaled_dot_product_attention`."""
    _switch("flash", enabled)


def flash_sdp_enabled() -> bool:
    """Whether the flash attention kernel is allowed."""
    return _global_flags.sdp_enabled("flash")


def enable_mem_efficient_sdp(enabled: bool) -> None:
    """Allow (or forbid) the memory-efficient attention kernel (a CUDA kernel: recorded)."""
    _switch("mem_efficient", enabled)


def mem_efficient_sdp_enabled() -> bool:
    """Whether the memory-efficient attention kernel is allowed."""
    return _global_flags.sdp_enabled("mem_efficient")


def enable_math_sdp(enabled: bool) -> None:
    """Allow (or forbid) the math (reference) attention kernel."""
    _switch("math", enabled)


def math_sdp_enabled() -> bool:
    """Whether the math attention kernel is allowed."""
    return _global_flags.sdp_enabled("math")


def enable_cudnn_sdp(enabled: bool) -> None:
    """Allow (or forbid) the cuDNN attention kernel (a CUDA kernel: recorded)."""
    _switch("cudnn", enabled)


def cudnn_sdp_enabled() -> bool:
    """Whether the cuDNN attention kernel is allowed."""
    return _global_flags.sdp_enabled("cudnn")


def is_flash_attention_available() -> bool:
    """False: there is no CUDA flash attention without CUDA."""
    return False


@contextlib.contextmanager
def sdp_kernel(
    enable_flash: bool = True, enable_math: bool = True, enable_mem_efficient: bool = True, enable_cudnn: bool = True
) -> Iterator[None]:
    """The attention kernels allowed inside the block (deprecated in PyTorch for `nn.attention.sdpa_kernel`)."""
    # PyTorch's `@deprecated` warns when the manager is made, before any `with`, and its stacklevel
    # names the caller: contextlib's `__init__`. A plain function that returns the generator does the same.
    warnings.warn(
        "`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will be removed. "
        "Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with updated signature.",
        FutureWarning,
        stacklevel=2,
    )
    wanted = {"flash": enable_flash, "math": enable_math, "mem_efficient": enable_mem_efficient, "cudnn": enable_cudnn}
    return _kernels_enabled(wanted)


def _kernels_enabled(wanted: dict[str, bool]) -> Iterator[None]:
    """Switch the attention kernels to `wanted` for the block, then back to what they were."""
    before = {k: _global_flags.sdp_enabled(k) for k in wanted}
    for kernel, enabled in wanted.items():
        _switch(kernel, enabled)
    try:
        yield
    finally:
        for kernel, enabled in before.items():
            _switch(kernel, enabled)
