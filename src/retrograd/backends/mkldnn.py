"""`retrograd.backends.mkldnn`: oneDNN, which retrograd does not use. Its switches are recorded
(PyTorch's values: enabled, not deterministic); only `enabled` has an effect, on whether an LSTM with
projections warns as PyTorch's oneDNN path does. `allow_tf32` stays None, as in a PyTorch build without
Intel GPU support, which warns once when asked to set it."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

enabled = True  # as PyTorch reports; an LSTM with projections reads it for its warning
deterministic = False
allow_tf32: bool | None = None
fp32_precision = "none"
_warned_tf32 = False


def is_available() -> bool:
    return False


def set_flags(_enabled: bool | None = None, _deterministic: bool | None = None, _allow_tf32: bool | None = None,
              _fp32_precision: str | None = "none") -> tuple[Any, ...]:
    """Set the switches given (None leaves one as it is).

    Args:
        _enabled (bool, optional): whether oneDNN may be used.
        _deterministic (bool, optional): deterministic oneDNN kernels only.
        _allow_tf32 (bool, optional): TF32 on oneDNN's GPUs: not kept (a warning, once), as in a CPU build.
        _fp32_precision (str, optional): the float32 precision setting (default "none").

    Returns:
        tuple: the previous `(enabled, deterministic, allow_tf32, fp32_precision)`.

    Examples:
        >>> import retrograd.backends.mkldnn as mkldnn
        >>> saved = mkldnn.set_flags(False)
        >>> mkldnn.enabled
        False
        >>> _ = mkldnn.set_flags(*saved)
    """
    global _warned_tf32
    module = globals()
    saved = (enabled, deterministic, allow_tf32, fp32_precision)
    for name, value in zip(("enabled", "deterministic", "fp32_precision"), (_enabled, _deterministic, _fp32_precision)):
        if value is not None:
            module[name] = value
    if _allow_tf32 is not None and not _warned_tf32:
        _warned_tf32 = True
        warnings.warn("TF32 acceleration on top of oneDNN is available for Intel GPUs. The current Torch version "
                      "does not have Intel GPU Support.", UserWarning, stacklevel=2)
    return saved


@contextlib.contextmanager
def flags(enabled: bool = False, deterministic: bool = False, allow_tf32: bool = True,
          fp32_precision: str = "none") -> Iterator[None]:
    """Set the switches inside a `with` block (PyTorch's defaults: disabled), restoring them after.

    Args:
        enabled (bool): whether oneDNN may be used (default False).
        deterministic (bool): deterministic oneDNN kernels only (default False).
        allow_tf32 (bool): TF32 on oneDNN's GPUs (default True; not kept, see `set_flags`).
        fp32_precision (str): the float32 precision setting (default "none").

    Returns:
        (context manager)

    Examples:
        >>> import retrograd.backends.mkldnn as mkldnn
        >>> with mkldnn.flags(enabled=False):
        ...     mkldnn.enabled
        False
        >>> mkldnn.enabled
        True
    """
    saved = set_flags(enabled, deterministic, allow_tf32, fp32_precision)
    try:
        yield
    finally:
        set_flags(*saved)
