"""`retrograd.cpu.amp`: PyTorch's deprecated CPU spellings of `retrograd.amp`."""

from __future__ import annotations

import warnings

from .. import amp as _amp
from .._display_name import package_class, package_name
from ..dtypes import bfloat16
from ..dtypes import dtype as _dtype

__all__ = ["GradScaler", "autocast"]


def _deprecated(name: str) -> None:
    pkg = package_name()
    warnings.warn(
        f"`{pkg}.cpu.amp.{name}(args...)` is deprecated. Please use `{pkg}.amp.{name}('cpu', args...)` instead.",
        FutureWarning,
        stacklevel=3,
    )


class GradScaler(_amp.GradScaler):
    """`retrograd.amp.GradScaler("cpu", ...)`, with PyTorch's deprecation warning.

    Args:
        init_scale (float): the first scale.
        growth_factor (float): the scale's factor after `growth_interval` clean steps.
        backoff_factor (float): the scale's factor after a step skipped for inf/NaN gradients.
        growth_interval (int): clean steps between growths.
        enabled (bool): False makes every method a pass-through.

    Returns:
        (GradScaler): a CPU gradient scaler.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     scaler = retrograd.cpu.amp.GradScaler(init_scale=4.0)
        >>> scaler.is_enabled(), scaler.get_scale()
        (True, 4.0)
    """

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        _deprecated("GradScaler")
        super().__init__("cpu", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class autocast(_amp.autocast):  # noqa: N801
    """`retrograd.amp.autocast("cpu", ...)`, with PyTorch's deprecation warning.

    Args:
        enabled (bool): whether the region autocasts.
        dtype (dtype): the lower precision, bfloat16 by default.
        cache_enabled (bool): whether casts of weights are cached inside the region.

    Returns:
        (autocast): a context manager and decorator.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     region = retrograd.cpu.amp.autocast(enabled=False)
        >>> with region:
        ...     print(retrograd.is_autocast_enabled("cpu"))
        False
    """

    def __init__(self, enabled: bool = True, dtype: _dtype = bfloat16, cache_enabled: bool = True) -> None:
        _deprecated("autocast")
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


for _cls in (GradScaler, autocast):
    package_class(_cls)  # under the alias `type(scaler)` prints a `torch.` name
