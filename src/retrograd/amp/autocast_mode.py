"""`autocast`: a context manager (and decorator) that runs regions in lower precision.

retrograd cannot: on "cuda" there is no CUDA, and on "cpu" no lower-precision dtype
that autocast supports. Enabled, it warns once per construction and stays disabled,
the same fallback PyTorch takes (see the module docstring of `retrograd.amp`).
"""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Callable
from typing import Any

from .. import dtypes as _dt
from ..backend import DEVICE_TYPES
from ..dtypes import dtype as _dtype

__all__ = ["autocast", "get_autocast_dtype", "is_autocast_available", "is_autocast_enabled"]

_DEVICE_TYPES = ("cpu", "cuda")


def _unknown_device(device_type: str) -> RuntimeError:
    # autocast runs on cpu and cuda; other device types named here get torch.device's own message
    return RuntimeError(
        f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: {device_type}"
    )


_DEFAULT_DTYPES = {"cpu": _dt.bfloat16, "cuda": _dt.float16}


class _RegionDtypes(threading.local):
    """Each thread's autocast dtype per device: an autocast region sets its own while it runs (even
    a disabled one, as PyTorch's), and a region made without a dtype takes the current one."""

    def __init__(self) -> None:
        self.by_device = dict(_DEFAULT_DTYPES)


_region_dtypes = _RegionDtypes()


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast accepts `device_type` (it then runs disabled here)."""
    return device_type in _DEVICE_TYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an autocast region is on: never here (an autocast region warns and stays off).

    Args:
        device_type (str, optional): "cpu" or "cuda" (default: PyTorch's default, CUDA).

    Returns:
        bool: False.

    Examples:
        >>> with retrograd.autocast("cpu", enabled=False):
        ...     retrograd.is_autocast_enabled("cpu")
        False
    """
    if device_type is not None and device_type not in _DEVICE_TYPES:
        raise _unknown_device(device_type)
    return False


def get_autocast_dtype(device_type: str) -> _dtype:
    """The autocast dtype of `device_type`: the innermost open region's, else bfloat16 (CPU), float16 (CUDA).

    Args:
        device_type (str): "cpu" or "cuda".

    Returns:
        dtype: PyTorch's default autocast dtype for the device.

    Examples:
        >>> retrograd.get_autocast_dtype("cpu")
        retrograd.bfloat16
    """
    if device_type not in _DEVICE_TYPES:
        raise _unknown_device(device_type)
    return _region_dtypes.by_device[device_type]


class autocast:  # noqa: N801  (PyTorch's name)
    """A region (a `with` block or a decorator) where PyTorch runs chosen ops in lower precision.

    retrograd never lowers precision: an enabled autocast warns and runs the region as written.
    Convert the model and inputs (`.bfloat16()`, `.half()`) to compute in a smaller dtype.

    Args:
        device_type (str): 'cpu' or 'cuda'.
        dtype (dtype, optional): the lower precision (default: the current autocast dtype, which
            outside any region is bfloat16 on the CPU, float16 on CUDA).
        enabled (bool): False turns the region into a plain block without the warning (default True).
        cache_enabled (bool, optional): accepted for PyTorch compatibility (no weight cache here).

    Returns:
        (autocast): a context manager and decorator; `fast_dtype` is the dtype it would use.

    Examples:
        >>> ac = retrograd.autocast("cpu", enabled=False)
        >>> ac.fast_dtype
        retrograd.bfloat16
        >>> with ac:
        ...     y = retrograd.ones(2, 2) @ retrograd.ones(2, 2)
        >>> y.dtype
        retrograd.float32
    """

    def __init__(
        self, device_type: str, dtype: _dtype | None = None, enabled: bool = True, cache_enabled: bool | None = None
    ) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type not in _DEVICE_TYPES:
            raise _unknown_device(device_type)
        if dtype is not None and not isinstance(dtype, _dtype):
            raise TypeError(f"autocast(): dtype must be a retrograd.dtype, not {type(dtype).__name__}")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else get_autocast_dtype(device_type)
        self._cache_enabled = cache_enabled
        if enabled and device_type == "cuda":
            warnings.warn("CUDA is not available. Disabling autocast.", stacklevel=2)
            enabled = False
        elif enabled and device_type == "cpu":
            warnings.warn(
                "In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                + (
                    "CPU Autocast only supports dtypes of retrograd.bfloat16, retrograd.float16 currently."
                    if self.fast_dtype not in (_dt.bfloat16, _dt.float16)
                    else "retrograd's CPU autocast does not run ops in lower precision yet: convert the model "
                    "and inputs with .bfloat16() instead."
                ),
                stacklevel=2,
            )
            enabled = False
        self._enabled = enabled

    def __enter__(self) -> autocast:
        self._prev_dtype = _region_dtypes.by_device[self.device]
        _region_dtypes.by_device[self.device] = self.fast_dtype
        return self

    def __exit__(self, *exc_info: Any) -> None:
        _region_dtypes.by_device[self.device] = self._prev_dtype

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run_in_autocast(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return run_in_autocast
