"""`retrograd.backends.opt_einsum`: the einsum contraction-order switches of PyTorch.

PyTorch asks the `opt_einsum` package, when it is installed, for the order in which
`einsum` contracts its operands. retrograd always contracts along NumPy's greedy
`einsum_path`, so these switches are recorded (programs that read or set them run, and
see PyTorch's answers) but change nothing. Whether the package is available is
answered as PyTorch answers it: by whether `opt_einsum` can be imported.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import Iterator
from functools import cache
from types import ModuleType

__all__ = ["enabled", "flags", "get_opt_einsum", "is_available", "set_flags", "strategy"]

_STRATEGIES = ("auto", "greedy", "optimal")


@cache
def is_available() -> bool:
    """Whether the `opt_einsum` package is installed (PyTorch's answer; retrograd does not use it)."""
    return importlib.util.find_spec("opt_einsum") is not None


def get_opt_einsum() -> ModuleType | None:
    """The `opt_einsum` package when it is installed, else None."""
    return importlib.import_module("opt_einsum") if is_available() else None


enabled: bool = is_available()
strategy: str | None = "auto" if is_available() else None


def _check_enabled(value: bool) -> None:
    if not is_available() and value:
        raise ValueError(
            f"opt_einsum is not available, so setting `enabled` to {value} will not reap "
            "the benefits of calculating an optimal path for einsum. torch.einsum will "
            "fall back to contracting from left to right. To enable this optimal path "
            "calculation, please install opt-einsum."
        )


def _check_strategy(value: str, now_enabled: bool) -> None:
    if not is_available():
        raise ValueError(
            f"opt_einsum is not available, so setting `strategy` to {value} will not be meaningful. "
            "torch.einsum will bypass path calculation and simply contract from left to right. "
            "Please install opt_einsum or unset `strategy`."
        )
    if not now_enabled:
        raise ValueError(
            f"opt_einsum is not enabled, so setting a `strategy` to {value} will not be meaningful. "
            "torch.einsum will bypass path calculation and simply contract from left to right. "
            "Please set `enabled` to `True` as well or unset `strategy`."
        )
    if value not in _STRATEGIES:
        raise ValueError(f"`strategy` must be one of the following: [auto, greedy, optimal] but is {value}")


def set_flags(_enabled: bool | None = None, _strategy: str | None = None) -> tuple[bool, str | None]:
    """Set `enabled` and `strategy` (each when not None), checked as PyTorch checks them; returns the old pair."""
    global enabled, strategy
    previous = (enabled, strategy if is_available() else None)
    if _enabled is not None:
        _check_enabled(_enabled)
        enabled = _enabled
    if _strategy is not None:
        _check_strategy(_strategy, enabled)
        strategy = _strategy
    return previous


@contextlib.contextmanager
def flags(enabled: bool | None = None, strategy: str | None = None) -> Iterator[None]:
    """Set the switches inside a `with` block, restoring them after."""
    previous = set_flags(enabled, strategy)
    try:
        yield
    finally:
        set_flags(*previous)
