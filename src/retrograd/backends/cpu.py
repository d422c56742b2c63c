"""`retrograd.backends.cpu`: the CPU's vector extensions, as NumPy reports them."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _features() -> dict[str, Any]:
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features  # type: ignore[no-redef]
    return dict(features)


def get_cpu_capability() -> str:
    """'AVX512', 'AVX2' or 'DEFAULT': the widest SIMD set NumPy found on this CPU."""
    features = _features()
    if features.get("AVX512F"):
        return "AVX512"
    if features.get("AVX2"):
        return "AVX2"
    return "DEFAULT"


def onednn_float16() -> bool:
    """Whether PyTorch's oneDNN has float16 kernels on this CPU (AVX512-FP16: Intel's Sapphire Rapids
    and later), so PyTorch runs float16 convolutions through it, with its checks and messages."""
    return bool(_features().get("AVX512FP16"))


def onednn_bfloat16() -> bool:
    """Whether PyTorch's oneDNN takes bfloat16 on this CPU (AVX512 F, BW, VL and DQ: ideep's
    `has_bf16_type_support`), so PyTorch picks its oneDNN kernels for bfloat16 inputs."""
    return bool(_features().get("AVX512_SKX"))
