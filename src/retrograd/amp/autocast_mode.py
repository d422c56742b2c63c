"""`autocast`: a context manager (and decorator) that runs regions in mixed precision.

On the CPU it does what PyTorch's does: inside the region the ops on PyTorch's lower-precision
list (matrix products, linear, convolutions, attention, the RNN/LSTM layers) cast their float
inputs to bfloat16 (or float16) and the ops on its float32 list (losses, factorizations, FFTs)
to float32; the lists and the casts live in `retrograd.ops.autocast_policy`. On "cuda" there is
no autocast here: enabled, it warns and stays off, as PyTorch does without CUDA.
"""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Callable
from typing import Any

from .. import dtypes as _dt
from .._display_name import package_class, package_name
from ..backend import DEVICE_TYPES
from ..dtypes import dtype as _dtype
from ..ops import autocast_policy as _policy

__all__ = [
    "autocast", "get_autocast_dtype", "is_autocast_available", "is_autocast_enabled", "set_autocast_enabled",
    "set_autocast_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled", "clear_autocast_cache",
    "autocast_increment_nesting", "autocast_decrement_nesting", "is_autocast_cpu_enabled",
    "set_autocast_cpu_enabled", "get_autocast_cpu_dtype", "set_autocast_cpu_dtype", "get_autocast_gpu_dtype",
    "set_autocast_gpu_dtype",
]

_DEVICE_TYPES = ("cpu", "cuda")
# the other device types PyTorch keeps an autocast state for: no such device exists here, so a
# region on one is never on (kornia asks about all of cpu, cuda, mps and xpu)
_ABSENT_AUTOCAST_TYPES = ("ipu", "xpu", "maia", "xla", "mps", "hpu", "mtia", "privateuseone")
_CPU_DTYPES = (_dt.bfloat16, _dt.float16)


class _CudaFlag(threading.local):
    enabled = False  # `set_autocast_enabled("cuda", True)` in this thread


_CUDA_FLAG = _CudaFlag()


def _unknown_device(device_type: str) -> RuntimeError:
    # autocast runs on cpu and cuda; other device types named here get torch.device's own message
    return RuntimeError(
        f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: {device_type}"
    )


def _check_device(device_type: Any) -> str:
    if device_type not in _DEVICE_TYPES:
        raise _unknown_device(device_type)
    return device_type


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast accepts `device_type` ("cpu" casts; "cuda" warns and stays off)."""
    return device_type in _DEVICE_TYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an autocast region is on in this thread for `device_type`.

    Args:
        device_type (str, optional): "cpu", or "cuda" and the other autocast device types, never on here
            (default: PyTorch's default, CUDA).

    Returns:
        bool: True inside an enabled `autocast("cpu")` region.

    Examples:
        >>> with retrograd.autocast("cpu"):
        ...     retrograd.is_autocast_enabled("cpu")
        True
        >>> retrograd.is_autocast_enabled("cpu")
        False
    """
    if device_type in _ABSENT_AUTOCAST_TYPES:
        return False
    if device_type is None:
        device_type = "cuda"
    if device_type in DEVICE_TYPES and device_type not in _DEVICE_TYPES:  # "meta", "lazy", ...
        raise RuntimeError("unknown device type for autocast in get_autocast_dispatch_key_from_device_type")
    if _check_device(device_type) == "cpu":
        return _policy.state.cpu_enabled
    return _CUDA_FLAG.enabled


def set_autocast_enabled(device_type: Any, enabled: Any = None) -> None:
    """Turn autocast on or off for `device_type` in this thread (what `autocast` does on entry and exit).

    Args:
        device_type (str): "cpu" or "cuda"; `set_autocast_enabled(flag)` alone means CUDA, as in PyTorch.
        enabled (bool): the new setting. On CUDA it is a flag only (`is_autocast_enabled("cuda")`), as
            in PyTorch without a GPU.

    Examples:
        >>> retrograd.set_autocast_enabled("cpu", True)
        >>> (retrograd.ones(2, 2) @ retrograd.ones(2, 2)).dtype
        retrograd.bfloat16
        >>> retrograd.set_autocast_enabled("cpu", False)
    """
    if enabled is None:  # the one-argument spelling is CUDA's
        device_type, enabled = "cuda", device_type
    if _check_device(device_type) == "cpu":
        _policy.set_enabled(enabled)
    else:  # a flag only, as PyTorch keeps it without a GPU: no op on this machine reads it
        _CUDA_FLAG.enabled = bool(enabled)


def get_autocast_dtype(device_type: str) -> _dtype:
    """The dtype autocast regions on `device_type` cast to: bfloat16 on the CPU and float16 on CUDA by default.

    Args:
        device_type (str): "cpu" or "cuda".

    Returns:
        dtype: the current region's dtype (PyTorch's default outside regions).

    Examples:
        >>> retrograd.get_autocast_dtype("cpu")
        retrograd.bfloat16
        >>> with retrograd.autocast("cpu", dtype=retrograd.float16):
        ...     retrograd.get_autocast_dtype("cpu")
        retrograd.float16
    """
    if _check_device(device_type) == "cpu":
        return _policy.state.cpu_dtype
    return _policy.state.cuda_dtype


def set_autocast_dtype(device_type: str, dtype: _dtype) -> None:
    """Set the dtype autocast regions on `device_type` cast to (this thread).

    Args:
        device_type (str): "cpu" or "cuda".
        dtype (dtype): the lower precision, e.g. `retrograd.float16`.

    Returns:
        None

    Examples:
        >>> retrograd.set_autocast_dtype("cpu", retrograd.float16)
        >>> retrograd.get_autocast_dtype("cpu")
        retrograd.float16
        >>> retrograd.set_autocast_dtype("cpu", retrograd.bfloat16)
    """
    if not isinstance(dtype, _dtype):
        raise TypeError(f"set_autocast_dtype(): argument 'dtype' must be retrograd.dtype, not {type(dtype).__name__}")
    if _check_device(device_type) == "cpu":
        _policy.state.cpu_dtype = dtype
    else:
        _policy.state.cuda_dtype = dtype


def is_autocast_cache_enabled() -> bool:
    """Whether autocast regions reuse one lower-precision copy of each parameter (default True).

    Returns:
        bool: this thread's setting.

    Examples:
        >>> retrograd.is_autocast_cache_enabled()
        True
    """
    return _policy.state.cache_enabled


def set_autocast_cache_enabled(enabled: bool) -> None:
    """Turn the reuse of parameters' lower-precision copies on or off (this thread).

    Args:
        enabled (bool): the new setting (`autocast(cache_enabled=...)` sets it for a region).

    Returns:
        None

    Examples:
        >>> retrograd.set_autocast_cache_enabled(False)
        >>> retrograd.is_autocast_cache_enabled()
        False
        >>> retrograd.set_autocast_cache_enabled(True)
    """
    _policy.state.cache_enabled = bool(enabled)


def clear_autocast_cache() -> None:
    """Drop the cached lower-precision copies of parameters (the outermost region's exit does this).

    Returns:
        None

    Examples:
        >>> with retrograd.autocast("cpu"):
        ...     retrograd.clear_autocast_cache()  # the next product casts its parameters again
    """
    _policy.clear_cache()


def autocast_increment_nesting() -> int:
    """Count one more open autocast region in this thread (what `autocast` does on entry).

    Returns:
        int: the new depth.

    Examples:
        >>> retrograd.autocast_increment_nesting(), retrograd.autocast_decrement_nesting()
        (1, 0)
    """
    _policy.state.nesting += 1
    return _policy.state.nesting


def autocast_decrement_nesting() -> int:
    """Count one autocast region closed in this thread (at 0, `autocast`'s exit clears the cache).

    Returns:
        int: the new depth.

    Examples:
        >>> retrograd.autocast_increment_nesting(), retrograd.autocast_decrement_nesting()
        (1, 0)
    """
    _policy.state.nesting -= 1
    return _policy.state.nesting


def _deprecated(old: str, new: str) -> None:
    pkg = package_name()  # "torch" while retrograd stands in for it
    warnings.warn(f"{pkg}.{old} is deprecated. Please use {pkg}.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled() -> bool:
    """Deprecated spelling of `is_autocast_enabled("cpu")`."""
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return _policy.state.cpu_enabled


def set_autocast_cpu_enabled(enabled: bool) -> None:
    """Deprecated spelling of `set_autocast_enabled("cpu", enabled)`."""
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    _policy.set_enabled(enabled)


def get_autocast_cpu_dtype() -> _dtype:
    """Deprecated spelling of `get_autocast_dtype("cpu")`."""
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return _policy.state.cpu_dtype


def set_autocast_cpu_dtype(dtype: _dtype) -> None:
    """Deprecated spelling of `set_autocast_dtype("cpu", dtype)`."""
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype() -> _dtype:
    """Deprecated spelling of `get_autocast_dtype("cuda")` (float16 unless set)."""
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return _policy.state.cuda_dtype


def set_autocast_gpu_dtype(dtype: _dtype) -> None:
    """Deprecated spelling of `set_autocast_dtype("cuda", dtype)`."""
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


class autocast:  # noqa: N801  (PyTorch's name)
    """A region (a `with` block or a decorator) where chosen ops run in lower precision.

    On the CPU, matrix products, linear layers, convolutions, attention and the RNN/LSTM layers
    run in `dtype` (their float32 inputs are cast, differentiably), losses and factorizations in
    float32, and every other op in the dtype of its inputs, as PyTorch's CPU autocast does.
    Gradients reach float32 parameters in float32. Regions nest; `enabled=False` switches
    autocast off inside an enabled region. On "cuda" an enabled region warns and stays off.

    Args:
        device_type (str): 'cpu' or 'cuda'.
        dtype (dtype, optional): the lower precision (default bfloat16 on the CPU, float16 on
            CUDA); the CPU takes bfloat16 or float16, and any other dtype warns and disables.
        enabled (bool): False makes the region run without autocast (default True).
        cache_enabled (bool, optional): reuse one lower-precision copy of each parameter within
            the outermost region (default: `is_autocast_cache_enabled()`, True).

    Returns:
        (autocast): a context manager and decorator; `fast_dtype` is its dtype.

    Examples:
        >>> w = retrograd.ones(2, 2, requires_grad=True)
        >>> with retrograd.autocast("cpu"):
        ...     y = retrograd.ones(2, 2) @ w
        >>> y.dtype
        retrograd.bfloat16
        >>> y.float().sum().backward()
        >>> w.grad.dtype
        retrograd.float32
    """

    def __init__(
        self, device_type: str, dtype: _dtype | None = None, enabled: bool = True, cache_enabled: bool | None = None
    ) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        _check_device(device_type)
        if dtype is not None and not isinstance(dtype, _dtype):
            raise TypeError(f"autocast(): dtype must be a retrograd.dtype, not {type(dtype).__name__}")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else get_autocast_dtype(device_type)
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else bool(cache_enabled)
        if enabled and device_type == "cuda":  # PyTorch's wording, torch_xla and all
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
            enabled = False
        elif enabled and self.fast_dtype not in _CPU_DTYPES:
            warnings.warn(
                "In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                f"CPU Autocast only supports dtypes of {package_name()}.bfloat16, {package_name()}.float16 currently.",
                stacklevel=2,
            )
            enabled = False
        self._enabled = bool(enabled)
        self._previous: list[tuple] = []  # one entry per open `with` (a decorated function may recurse)

    def __enter__(self) -> autocast:
        self._previous.append(
            (is_autocast_cache_enabled(), is_autocast_enabled(self.device), get_autocast_dtype(self.device))
        )
        if self.device == "cpu":  # (a CUDA region is always off here)
            _policy.set_enabled(self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        cache_enabled, enabled, fast_dtype = self._previous.pop()
        if self.device == "cpu":
            _policy.set_enabled(enabled)
        set_autocast_dtype(self.device, fast_dtype)
        set_autocast_cache_enabled(cache_enabled)
        return None

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run_in_autocast(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return run_in_autocast


package_class(autocast)  # `torch.amp.autocast_mode.autocast` under the alias
