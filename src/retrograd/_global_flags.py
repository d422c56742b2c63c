"""Process-wide switches PyTorch programs set: float32 matmul precision, deterministic algorithms.

They are recorded and reported back. Neither changes what retrograd computes: NumPy's
float32 matmul never uses TF32 or bfloat16, and every retrograd op is already
deterministic on the CPU. One thing does follow deterministic mode, as in PyTorch: the memory
`empty` & co. leave uninitialised is filled with NaN (`fills_uninitialized_memory`).
"""

from __future__ import annotations

import warnings
from typing import Any

from ._user_frames import frames_up, warn_always

__all__ = [
    "sdp_enabled",
    "set_sdp_enabled",
    "are_deterministic_algorithms_enabled",
    "get_deterministic_debug_mode",
    "get_float32_matmul_precision",
    "is_deterministic_algorithms_warn_only_enabled",
    "set_deterministic_debug_mode",
    "set_float32_matmul_precision",
    "use_deterministic_algorithms",
    "fill_uninitialized_memory",
    "set_fill_uninitialized_memory",
    "fills_uninitialized_memory",
    "set_warn_always",
    "is_warn_always_enabled",
    "set_flush_denormal",
]

_PRECISIONS = ("highest", "high", "medium")
_DEBUG_MODES = ("default", "warn", "error")

_matmul_precision = "highest"
# scaled_dot_product_attention's kernels as PyTorch's switches name them (torch.backends.cuda,
# torch.nn.attention.sdpa_kernel); on the CPU PyTorch runs "flash" or "math", the same numbers here
_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True, "overrideable": True}
_deterministic = False
_warn_only = False
_fill_uninitialized = True  # torch.utils.deterministic.fill_uninitialized_memory


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision ('highest', 'high' or 'medium'); other strings warn.

    On PyTorch's GPUs 'high' and 'medium' allow TF32 or bfloat16 inside float32 matmuls;
    NumPy's matmul always computes in full float32, so here the value is only reported back.

    Args:
        precision (str): 'highest', 'high' or 'medium'.

    Returns:
        None: `get_float32_matmul_precision()` reports the new value.

    Examples:
        >>> old = retrograd.get_float32_matmul_precision()
        >>> retrograd.set_float32_matmul_precision("high")
        >>> retrograd.get_float32_matmul_precision()
        'high'
        >>> retrograd.set_float32_matmul_precision(old)
    """
    global _matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            stacklevel=frames_up(2),  # the caller's line, past the public face's `__torch_function__` check
        )
        return
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The recorded float32 matmul precision ('highest' unless set).

    Returns:
        str: 'highest', 'high' or 'medium'.

    Examples:
        >>> old = retrograd.get_float32_matmul_precision()
        >>> retrograd.set_float32_matmul_precision("medium")
        >>> retrograd.get_float32_matmul_precision()
        'medium'
        >>> retrograd.set_float32_matmul_precision(old)
    """
    return _matmul_precision


def _check_bool(name: str, value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(
            f"_set_deterministic_algorithms(): argument '{name}'{where} must be bool, not {type(value).__name__}"
        )


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Require deterministic algorithms (all of retrograd's are, so this only records the mode).

    Args:
        mode (bool): True to require deterministic algorithms.
        warn_only (bool): with `mode`, PyTorch only warns, rather than raising, when an op has no
            deterministic version (default False).

    Returns:
        None: `are_deterministic_algorithms_enabled()` and
            `is_deterministic_algorithms_warn_only_enabled()` report the new mode.

    Examples:
        >>> old = (retrograd.are_deterministic_algorithms_enabled(),
        ...        retrograd.is_deterministic_algorithms_warn_only_enabled())
        >>> retrograd.use_deterministic_algorithms(True, warn_only=True)
        >>> retrograd.are_deterministic_algorithms_enabled(), retrograd.get_deterministic_debug_mode()
        (True, 1)
        >>> retrograd.use_deterministic_algorithms(old[0], warn_only=old[1])
    """
    global _deterministic, _warn_only
    _check_bool("mode", mode, " (position 1)")
    _check_bool("warn_only", warn_only, "")
    _deterministic, _warn_only = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    """Whether `use_deterministic_algorithms(True)` is in effect.

    Returns:
        bool: the recorded mode (False unless set).

    Examples:
        >>> old = retrograd.are_deterministic_algorithms_enabled()
        >>> retrograd.use_deterministic_algorithms(True)
        >>> retrograd.are_deterministic_algorithms_enabled()
        True
        >>> retrograd.use_deterministic_algorithms(old)
    """
    return _deterministic


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether nondeterministic ops only warn (rather than raise) under deterministic mode.

    Returns:
        bool: the `warn_only` last given to `use_deterministic_algorithms` (False unless set).

    Examples:
        >>> old = (retrograd.are_deterministic_algorithms_enabled(),
        ...        retrograd.is_deterministic_algorithms_warn_only_enabled())
        >>> retrograd.use_deterministic_algorithms(True, warn_only=True)
        >>> retrograd.is_deterministic_algorithms_warn_only_enabled()
        True
        >>> retrograd.use_deterministic_algorithms(old[0], warn_only=old[1])
    """
    return _warn_only


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """Set the deterministic mode by level: 0/'default' off, 1/'warn' warn only, 2/'error' raise.

    The same as `use_deterministic_algorithms(level != 0, warn_only=level == 1)`.

    Args:
        debug_mode (str or int): 'default', 'warn' or 'error', or 0, 1 or 2.

    Returns:
        None: `get_deterministic_debug_mode()` reports the level.

    Examples:
        >>> old = retrograd.get_deterministic_debug_mode()
        >>> retrograd.set_deterministic_debug_mode("error")
        >>> retrograd.get_deterministic_debug_mode(), retrograd.are_deterministic_algorithms_enabled()
        (2, True)
        >>> retrograd.set_deterministic_debug_mode(old)
    """
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """The deterministic debug mode: 0 (off), 1 (warn) or 2 (error).

    Returns:
        int: 0 unless deterministic algorithms are on; then 1 with `warn_only`, else 2.

    Examples:
        >>> old = retrograd.get_deterministic_debug_mode()
        >>> retrograd.set_deterministic_debug_mode("warn")
        >>> retrograd.get_deterministic_debug_mode()
        1
        >>> retrograd.set_deterministic_debug_mode(old)
    """
    if not _deterministic:
        return 0
    return 1 if _warn_only else 2


def sdp_enabled(kernel: str) -> bool:
    """Whether attention may use `kernel` ("flash", "mem_efficient", "math", "cudnn", "overrideable")."""
    return _sdp[kernel]


def set_sdp_enabled(kernel: str, enabled: bool) -> None:
    """Allow or forbid an attention kernel (see `sdp_enabled`)."""
    if kernel not in _sdp:
        raise ValueError(f"unknown attention kernel {kernel!r}")
    _sdp[kernel] = bool(enabled)


def fill_uninitialized_memory() -> bool:
    """`torch.utils.deterministic.fill_uninitialized_memory`: whether deterministic mode fills new memory (True)."""
    return _fill_uninitialized


def set_fill_uninitialized_memory(mode: bool) -> None:
    """Set `torch.utils.deterministic.fill_uninitialized_memory` (PyTorch's RuntimeError for a non-bool)."""
    global _fill_uninitialized
    if not isinstance(mode, bool):
        raise RuntimeError(f"expected a bool, but got {type(mode).__name__}")
    _fill_uninitialized = mode


def fills_uninitialized_memory() -> bool:
    """Whether `empty`, `empty_like`, `empty_strided` and `resize_` fill what they make with NaN (or an
    integer dtype's largest value, True for bool), as PyTorch does under `use_deterministic_algorithms(True)`."""
    return _deterministic and _fill_uninitialized


def set_warn_always(b: bool) -> None:
    """Make the warnings PyTorch gives once per process warn every time (or once again, with False).

    Args:
        b (bool): True: every call that would warn once warns; False: the default.

    Returns:
        None

    Examples:
        >>> retrograd.set_warn_always(True)
        >>> retrograd.is_warn_always_enabled()
        True
        >>> retrograd.set_warn_always(False)
    """
    warn_always.enabled = bool(b)


def is_warn_always_enabled() -> bool:
    """Whether `set_warn_always(True)` is in force.

    Returns:
        bool: False by default.

    Examples:
        >>> retrograd.is_warn_always_enabled()
        False
    """
    return warn_always.enabled


def set_flush_denormal(mode: bool) -> bool:
    """Ask for denormal floats to be flushed to zero; retrograd cannot, and says so.

    PyTorch sets the CPU's flush-to-zero flags for its own kernels. NumPy's kernels run under the
    flags Python starts with, which retrograd leaves alone, so denormals are kept and this returns
    False, PyTorch's answer on a CPU without the feature.

    Args:
        mode (bool): whether to flush (True) or keep (False) denormals.

    Returns:
        bool: False: the mode was not set.

    Examples:
        >>> retrograd.set_flush_denormal(True)
        False
    """
    if type(mode) is not bool:
        raise TypeError(f"set_flush_denormal(): argument 'mode' (position 1) must be bool, not {type(mode).__name__}")
    return False
