"""Anomaly detection: find the forward op behind a NaN or an error in backward.

While enabled, every node remembers the stack of the forward call that made
it. When a backward rule returns NaN (with `check_nan`), or raises, the engine
prints that stack and raises PyTorch's error. Beyond PyTorch, `check_forward`
stops at the first forward op that turns finite inputs into NaN or inf.
"""

from __future__ import annotations

import os
import traceback
import warnings
from typing import Any

from .. import dtypes as _dt
from .grad_mode import _GradModeManager


class _Anomaly:
    enabled = False
    check_nan = True
    check_forward = False


anomaly = _Anomaly()


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection (`autograd.detect_anomaly` / `set_detect_anomaly`) is on.

    Returns:
        bool: True inside an anomaly-detection block.

    Examples:
        >>> retrograd.is_anomaly_enabled()
        False
        >>> with retrograd.autograd.set_detect_anomaly(True):
        ...     print(retrograd.is_anomaly_enabled())
        True
    """
    return anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode also checks backward results for NaN (its `check_nan` option).

    Returns:
        bool: the `check_nan` of the innermost anomaly block (True outside one, PyTorch's default).

    Examples:
        >>> retrograd.is_anomaly_check_nan_enabled()
        True
        >>> with retrograd.autograd.set_detect_anomaly(True, check_nan=False):
        ...     print(retrograd.is_anomaly_enabled(), retrograd.is_anomaly_check_nan_enabled())
        True False
    """
    return anomaly.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly detection on or off for the rest of the program (the function form of
    `autograd.set_detect_anomaly`, without a block to leave).

    Args:
        enabled (bool): whether backward errors and NaNs are traced back to their forward op.
        check_nan (bool): whether a NaN returned by a backward function raises (default True).

    Returns:
        None

    Examples:
        >>> retrograd.set_anomaly_enabled(True)
        >>> retrograd.is_anomaly_enabled()
        True
        >>> retrograd.set_anomaly_enabled(False)
    """
    for position, (name, value) in enumerate((("enabled", enabled), ("check_nan", check_nan)), 1):
        if type(value) is not bool:
            kind = type(value).__name__
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {position}) must be bool, not {kind}")
    anomaly.enabled, anomaly.check_nan = enabled, check_nan


class detect_anomaly(_GradModeManager):
    """Context manager / decorator that turns anomaly detection on (slow: for debugging).

    Args:
        check_nan (bool): raise when a backward function returns NaN (default True).
        check_forward (bool): a retrograd extra: also stop at the first forward op that turns finite
            inputs into NaN or inf (default False).

    Returns:
        (detect_anomaly): a context manager, also usable as a decorator; it warns that it is slow.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     with retrograd.autograd.detect_anomaly():
        ...         print(retrograd.is_anomaly_enabled())
        True
    """

    def __init__(self, check_nan: bool = True, check_forward: bool = False) -> None:
        self.check_nan = check_nan
        self.check_forward = check_forward
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
            "enabled for debugging.",
            UserWarning,
            stacklevel=2,
        )

    def __enter__(self) -> None:  # type: ignore[override]
        self._saved = (anomaly.enabled, anomaly.check_nan, anomaly.check_forward)
        anomaly.enabled, anomaly.check_nan, anomaly.check_forward = True, self.check_nan, self.check_forward

    def __exit__(self, *exc: object) -> None:
        anomaly.enabled, anomaly.check_nan, anomaly.check_forward = self._saved

    def clone(self) -> detect_anomaly:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return detect_anomaly(self.check_nan, self.check_forward)


class set_detect_anomaly(_GradModeManager):
    """Turn anomaly detection on or off (at once, or for a `with` block).

    Args:
        mode (bool): turn anomaly detection on (True) or off (False).
        check_nan (bool): raise when a backward function returns NaN (default True).
        check_forward (bool): a retrograd extra: also stop at the first forward op that turns finite
            inputs into NaN or inf (default False).

    Returns:
        (set_detect_anomaly): takes effect at once; as a context manager, restores the previous
            setting on exit.

    Examples:
        >>> with retrograd.autograd.set_detect_anomaly(True):
        ...     print(retrograd.is_anomaly_enabled())
        True
        >>> retrograd.is_anomaly_enabled()
        False
    """

    def __init__(self, mode: bool, check_nan: bool = True, check_forward: bool = False) -> None:
        self._saved = (anomaly.enabled, anomaly.check_nan, anomaly.check_forward)
        anomaly.enabled, anomaly.check_nan, anomaly.check_forward = bool(mode), check_nan, check_forward

    def __enter__(self) -> None:  # type: ignore[override]
        pass

    def __exit__(self, *exc: object) -> None:
        anomaly.enabled, anomaly.check_nan, anomaly.check_forward = self._saved


# retrograd's own source folder, wherever it is installed: user code in a folder that happens
# to be called "retrograd" must keep its frames.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


# the frames of `python -m retrograd run script.py` above the script's own (`python script.py` has none)
_RUNNER_FILES = (_PACKAGE_DIR + "__main__.py", _PACKAGE_DIR + "torch_alias.py")


def record_stack() -> list[str]:
    """The forward call's stack, without retrograd's own frames at its end (nor the runner's at its start)."""
    frames = traceback.extract_stack()[:-1]
    while frames and os.path.abspath(frames[-1].filename).startswith(_PACKAGE_DIR):
        frames.pop()
    start = 0
    while start < len(frames) - 1 and _is_runner_frame(frames[start].filename):
        start += 1
    if all(frame.filename == "<frozen runpy>" for frame in frames[:start]):  # `python -m package`: kept
        start = 0
    return traceback.format_list(frames[start:])


def _is_runner_frame(filename: str) -> bool:
    return filename == "<frozen runpy>" or os.path.abspath(filename) in _RUNNER_FILES


def print_forward_stack(node: Any) -> None:
    stack = node.metadata.get("traceback_") if node._metadata else None
    if not stack:
        return
    # a UserWarning, as PyTorch gives it (filters and `catch_warnings` see it)
    warnings.warn(
        f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n" + "".join(stack),
        UserWarning,
        stacklevel=2,
    )


def check_results(node: Any, results: tuple) -> None:
    """Raise PyTorch's error when a backward rule returned NaN."""
    for i, g in enumerate(results):
        if g is not None and _dt.is_floating(g._data.dtype) and (g._data != g._data).any():
            print_forward_stack(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def check_forward(prim: Any, inputs: tuple, outputs: tuple) -> None:
    """Stop at a forward op that makes NaN/inf from finite inputs (retrograd's extra check)."""
    import numpy as np

    if not all(np.isfinite(t._data).all() for t in inputs if _dt.is_floating(t._data.dtype)):
        return
    for o in outputs:
        if _dt.is_floating(o._data.dtype) and not np.isfinite(o._data).all():
            stack = "".join(record_stack())
            raise RuntimeError(
                f"Function '{prim.name}' produced non-finite values from finite inputs in its forward pass.\n"
                f"Traceback of the forward call:\n{stack}"
            )
