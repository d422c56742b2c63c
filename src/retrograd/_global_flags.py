"""Process-wide switches PyTorch programs set: float32 matmul precision, deterministic algorithms.

They are recorded and reported back. Neither changes retrograd's results: NumPy's
float32 matmul never uses TF32 or bfloat16, and every retrograd op is already
deterministic on the CPU.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__ = [
    "are_deterministic_algorithms_enabled",
    "get_deterministic_debug_mode",
    "get_float32_matmul_precision",
    "is_deterministic_algorithms_warn_only_enabled",
    "set_deterministic_debug_mode",
    "set_float32_matmul_precision",
    "use_deterministic_algorithms",
]

_PRECISIONS = ("highest", "high", "medium")
_DEBUG_MODES = ("default", "warn", "error")

_matmul_precision = "highest"
_deterministic = False
_warn_only = False


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision ('highest', 'high' or 'medium'); others warn."""
    global _matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            stacklevel=2,
        )
        return
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The recorded float32 matmul precision ('highest' unless set)."""
    return _matmul_precision


def _check_bool(name: str, value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(
            f"_set_deterministic_algorithms(): argument '{name}'{where} must be bool, not {type(value).__name__}"
        )


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Require deterministic algorithms (all of retrograd's are, so this only records the mode)."""
    global _deterministic, _warn_only
    _check_bool("mode", mode, " (position 1)")
    _check_bool("warn_only", warn_only, "")
    _deterministic, _warn_only = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    """Whether `use_deterministic_algorithms(True)` is in effect."""
    return _deterministic


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether nondeterministic ops only warn (rather than raise) under deterministic mode."""
    return _warn_only


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """0/'default': off; 1/'warn': deterministic, warn only; 2/'error': deterministic."""
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
    """The deterministic debug mode: 0 (off), 1 (warn) or 2 (error)."""
    if not _deterministic:
        return 0
    return 1 if _warn_only else 2
