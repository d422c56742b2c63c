"""`retrograd.cuda.amp`: PyTorch's deprecated CUDA spellings of `retrograd.amp`."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .. import amp as _amp
from .._display_name import package_class, package_name
from ..dtypes import dtype as _dtype
from ..dtypes import float16

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd"]


class GradScaler(_amp.GradScaler):
    """`retrograd.amp.GradScaler("cuda", ...)` (disabled, with a warning, when enabled: no CUDA)."""

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        warnings.warn(
            f"`{package_name()}.cuda.amp.GradScaler(args...)` is deprecated. "
            f"Please use `{package_name()}.amp.GradScaler('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class autocast(_amp.autocast):  # noqa: N801
    """`retrograd.amp.autocast("cuda", ...)` (disabled, with a warning, when enabled: no CUDA)."""

    def __init__(self, enabled: bool = True, dtype: _dtype = float16, cache_enabled: bool = True) -> None:
        warnings.warn(
            f"`{package_name()}.cuda.amp.autocast(args...)` is deprecated. "
            f"Please use `{package_name()}.amp.autocast('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


def custom_fwd(fwd: Callable[..., Any] | None = None, *, cast_inputs: _dtype | None = None) -> Callable[..., Any]:
    """`retrograd.amp.custom_fwd(..., device_type="cuda")`, with PyTorch's deprecation warning."""
    warnings.warn(
        f"`{package_name()}.cuda.amp.custom_fwd(args...)` is deprecated. "
        f"Please use `{package_name()}.amp.custom_fwd(args..., device_type='cuda')` instead.",
        FutureWarning,
        stacklevel=2,
    )
    return _amp.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd: Callable[..., Any]) -> Callable[..., Any]:
    """`retrograd.amp.custom_bwd(..., device_type="cuda")`, with PyTorch's deprecation warning."""
    warnings.warn(
        f"`{package_name()}.cuda.amp.custom_bwd(args...)` is deprecated. "
        f"Please use `{package_name()}.amp.custom_bwd(args..., device_type='cuda')` instead.",
        FutureWarning,
        stacklevel=2,
    )
    return _amp.custom_bwd(bwd, device_type="cuda")


for _cls in (GradScaler, autocast):
    package_class(_cls)  # under the alias `type(scaler)` prints a `torch.` name
