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
