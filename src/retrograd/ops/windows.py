"""Window functions for spectral analysis: hann, hamming, blackman, bartlett, kaiser.

Each computes PyTorch's formula step by step in the requested dtype (arange, scale, cos, ...),
so float32 windows round as PyTorch's do. `periodic=True` (the default) computes a window one
longer and drops its last value, the form `stft` wants; `periodic=False` gives the symmetric one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor
from .creation import zeros
from .kernels.placement import check_layout, check_pin_memory

__all__ = ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]


def _positions(name: str, window_length: int, periodic: bool, dtype: _dt.dtype | None) -> tuple[Any, Any]:
    """(arange(N) in the window's dtype, N) with N one longer for periodic windows; None for N ≤ 1."""
    dt = dtype if dtype is not None else _dt.get_default_dtype()
    if dt.np.kind not in "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt!r}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if window_length <= 1:
        return None, window_length
    n = window_length + 1 if periodic else window_length
    return np.arange(n, dtype=dt.np), n


def _finish(
    values: Any,
    window_length: int,
    periodic: bool,
    dtype: _dt.dtype | None,
    layout: Any,
    device: Any,
    requires_grad: bool,
    pin_memory: bool,
) -> Tensor:
    """The window as a tensor: the periodic form drops the last value; length 0 and 1 are [] and [1]."""
    check_layout(layout)
    check_pin_memory(pin_memory or False)
    dt = dtype if dtype is not None else _dt.get_default_dtype()
    out = zeros(window_length, dtype=dt, device=device)
    if values is None:
        out.fill_(1.0)
    else:
        out.copy_(Tensor._make(np.ascontiguousarray(values[:window_length] if periodic else values)))
    return out.requires_grad_(requires_grad)


def hamming_window(
    window_length: int,
    periodic: bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """α − β cos(2πn / (N − 1)), n = 0 … N − 1."""
    x, n = _positions("hamming_window", window_length, periodic, dtype)
    if x is not None:
        t = x.dtype.type
        x = np.cos(x * t(2 * math.pi / (n - 1))) * t(-beta) + t(alpha)
    return _finish(x, window_length, periodic, dtype, layout, device, requires_grad, bool(pin_memory))


def hann_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """½ − ½ cos(2πn / (N − 1)): the Hamming window with α = β = ½."""
    x, n = _positions("hann_window", window_length, periodic, dtype)
    if x is not None:
        t = x.dtype.type
        x = np.cos(x * t(2 * math.pi / (n - 1))) * t(-0.5) + t(0.5)
    return _finish(x, window_length, periodic, dtype, layout, device, requires_grad, bool(pin_memory))


def blackman_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """0.42 − 0.5 cos(2πn / (N − 1)) + 0.08 cos(4πn / (N − 1))."""
    x, n = _positions("blackman_window", window_length, periodic, dtype)
    if x is not None:
        t = x.dtype.type
        x = x * t(math.pi / (n - 1))
        x = np.cos(x * t(4)) * t(0.08) - np.cos(x * t(2)) * t(0.5) + t(0.42)
    return _finish(x, window_length, periodic, dtype, layout, device, requires_grad, bool(pin_memory))


def bartlett_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """The triangle 2n / (N − 1) rising to 1 at the middle, then falling back to 0."""
    x, n = _positions("bartlett_window", window_length, periodic, dtype)
    if x is not None:
        t = x.dtype.type
        x = x * t(2.0 / (n - 1))
        half = ((n - 1) >> 1) + 1
        x[half:] = t(2) - x[half:]
    return _finish(x, window_length, periodic, dtype, layout, device, requires_grad, bool(pin_memory))


def kaiser_window(
    window_length: int,
    periodic: bool = True,
    beta: float = 12.0,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """I₀(β √(1 − ((n − a) / a)²)) / I₀(β) with a = (N − 1) / 2 (I₀: the modified Bessel function)."""
    x, n = _positions("kaiser_window", window_length, periodic, dtype)
    if x is not None:
        a = (n - 1) / 2.0
        x64 = np.i0(beta * np.sqrt(np.maximum(1 - ((x.astype(np.float64) - a) / a) ** 2, 0))) / np.i0(beta)
        x = x64.astype(x.dtype)
    return _finish(x, window_length, periodic, dtype, layout, device, requires_grad, bool(pin_memory))
