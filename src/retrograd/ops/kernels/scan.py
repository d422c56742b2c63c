"""Running reductions (`ufunc.accumulate`) on any device.

CuPy's ufuncs accumulate only for add and multiply (cumsum, cumprod); the running max, min
and log-sum-exp that cummax, cummin, mode and logcumsumexp need are built there as a
log-step scan: after the pass with step s, each entry holds the result over the 2s entries
ending at it, so ⌈log₂ n⌉ whole-array passes replace n sequential ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def accumulate(xp: Any, name: str, a: Any, axis: int) -> Any:
    """`xp.<name>.accumulate(a, axis=axis)` for an associative binary ufunc `name`."""
    ufunc = getattr(xp, name)
    if xp is np or name in ("add", "multiply"):
        return ufunc.accumulate(a, axis=axis)
    out = xp.moveaxis(a, axis, -1).copy()
    n, step = out.shape[-1], 1
    while step < n:
        out[..., step:] = ufunc(out[..., step:], out[..., :-step])  # right side is read before the write
        step *= 2
    return xp.moveaxis(out, -1, axis)


def complex_logcumsumexp(xp: Any, a: Any, axis: int) -> Any:
    """Running log-sum-exp of a complex array along `axis`, as PyTorch's CPU kernel runs it.

    One element at a time (the order PyTorch adds in), in complex128 (its accumulate type),
    rounded to `a`'s dtype once per entry.
    """
    src = xp.moveaxis(a, axis, -1).astype(np.complex128)
    out = xp.empty_like(src)
    total = xp.full(src.shape[:-1], complex(-np.inf, 0.0))
    with np.errstate(all="ignore"):
        for i in range(src.shape[-1]):
            total = _log_add_exp(xp, src[..., i], total)
            out[..., i] = total
    return xp.moveaxis(out, -1, axis).astype(a.dtype)


def _log_add_exp(xp: Any, x: Any, y: Any) -> Any:
    # log(e^x + e^y) = max + log1p(e^(min - max)), min and max by real part (LogcumsumexpKernel.cpp)
    x_low = x.real < y.real
    low, high = xp.where(x_low, x, y), xp.where(x_low, y, x)
    out = _log1p(xp, xp.exp(low - high)) + high
    both_inf = ~xp.isfinite(low.real) & (low.real == high.real)  # -inf: e^x is 0, its angle moot
    out = xp.where(both_inf, xp.where(low.real < 0, low, xp.log(xp.exp(low) + xp.exp(high))), out)
    nan = xp.isnan(x.real) | xp.isnan(x.imag) | xp.isnan(y.real) | xp.isnan(y.imag)
    return xp.where(nan, complex(np.nan, np.nan), out)


def _log1p(xp: Any, z: Any) -> Any:
    # c10's complex log1p: |1 + z| as sqrt(1 + r) with r = x(2 + x) + y² where |z| < 0.5 (no cancellation)
    x, y = z.real, z.imag
    r = x * (2 + x) + y * y
    small = xp.abs(z) < 0.5
    real = xp.where(small, xp.where(r == 0, x, 0.5 * xp.log1p(r)), xp.log(xp.hypot(x + 1, y)))
    return real + 1j * xp.arctan2(y, x + 1)
