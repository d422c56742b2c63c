"""erf, erfc and erfinv on arrays: SciPy's kernels when installed, else the C library's; tanh
accurate in float32.

NumPy has no error function. SciPy is optional; without it, `math.erf` runs per
element (exact, slower) and erfinv refines a closed-form guess with Newton steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_scipy_special: list = []  # imported on first use: SciPy takes ~0.5 s to import


def _sp() -> Any:
    if not _scipy_special:
        try:
            from scipy import special
        except ImportError:  # exercised where SciPy is absent
            special = None
        _scipy_special.append(special)
    return _scipy_special[0]

_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def erf_array(a: Any) -> Any:
    sp = _sp()
    if sp is not None:
        return sp.erf(a).astype(a.dtype, copy=False)
    return np.asarray(_erf(a), dtype=a.dtype)


def erfc_array(a: Any) -> Any:
    sp = _sp()
    if sp is not None:
        return sp.erfc(a).astype(a.dtype, copy=False)
    return np.asarray(_erfc(a), dtype=a.dtype)


def erfinv_array(a: Any) -> Any:
    sp = _sp()
    if sp is not None:
        return sp.erfinv(a).astype(a.dtype, copy=False)
    x = np.asarray(a, dtype=np.float64)
    # Giles' single-precision approximation, then two Newton steps on erf(y) = x
    w = -np.log((1.0 - x) * (1.0 + x))
    y = x * np.sqrt(np.pi) / 2 * (1 + np.pi / 12 * x * x)
    with np.errstate(all="ignore"):
        for _ in range(3):
            err = np.asarray(_erf(y), dtype=np.float64) - x
            y = y - err / (2 / np.sqrt(np.pi) * np.exp(-y * y))
    y = np.where(x == 1, np.inf, np.where(x == -1, -np.inf, y))
    y = np.where(np.abs(x) > 1, np.nan, y)
    del w
    return y.astype(a.dtype)


def tanh_array(xp: Any, a: Any, out: Any = None) -> Any:
    """tanh; float32 computed in float64 and rounded once, as PyTorch's kernel is accurate there:
    NumPy's float32 tanh stays at ±0.99999994 up to |a| = 10, where PyTorch's reaches ±1 from
    |a| ≈ 9.011, so `1 + tanh(a)` was 6e-8 instead of 0 (and a log of it 10 nats off)."""
    if xp is np and a.dtype == np.float32:
        wide = np.tanh(a, dtype=np.float64)
        if out is None:
            return wide.astype(np.float32)
        out[...] = wide
        return out
    return xp.tanh(a) if out is None else xp.tanh(a, out=out)
