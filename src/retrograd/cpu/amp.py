"""`retrograd.cpu.amp`: PyTorch's deprecated CPU spellings of `retrograd.amp`."""

from __future__ import annotations

import warnings

from .. import amp as _amp
from ..dtypes import bfloat16
from ..dtypes import dtype as _dtype

__all__ = ["GradScaler", "autocast"]


class autocast(_amp.autocast):  # noqa: N801
    """`retrograd.amp.autocast("cpu", ...)`, PyTorch's older spelling (with a FutureWarning)."""

    def __init__(self, enabled: bool = True, dtype: _dtype = bfloat16, cache_enabled: bool = True) -> None:
        warnings.warn(
            "`retrograd.cpu.amp.autocast(args...)` is deprecated. Please use `retrograd.amp.autocast('cpu', args...)` "
            "instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_amp.GradScaler):
    """`retrograd.amp.GradScaler("cpu", ...)`, PyTorch's older spelling (with a FutureWarning)."""

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        warnings.warn(
            "`retrograd.cpu.amp.GradScaler(args...)` is deprecated. Please use `retrograd.amp.GradScaler('cpu', "
            "args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cpu", init_scale, growth_factor, backoff_factor, growth_interval, enabled)
