"""erf, erfc and erfinv on arrays: SciPy's kernels when installed, else the C library's; exp, log,
the trigonometric and hyperbolic functions as accurate in float32 as PyTorch's (`rounded_once`).

NumPy has no error function. SciPy is optional; without it, `math.erf` runs per
element (exact, slower) and erfinv is Cephes' normal quantile (`special_math`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import special_math

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
    """erfinv in float64 (SciPy's, else `special_math.erfinv`), rounded once to `a`'s dtype; erfinv(-0) = -0.

    PyTorch's float32 and float64 kernels (MKL's vsErfInv/vdErfInv) are correctly rounded
    but for ~0.02% of values near a rounding midpoint; its float16 and bfloat16 ones
    (`calc_erfinv` in float32) round to the same half-precision values as this.
    SciPy's float32 loop is an ulp off in 40% of values, and its erfinv(-0) is +0.
    """
    sp = _sp()
    wide = sp.erfinv(a, dtype=np.float64) if sp is not None else special_math.erfinv(a)
    return np.copysign(wide.astype(a.dtype, copy=False), a)


def rounded_once(name: str) -> Callable[..., Any]:
    """The ufunc `name` as `(xp, a, out=None) -> f(a)`, a NumPy float32 array computed in float64 and
    rounded once.

    PyTorch's float32 exp, log, sin, tanh... are within about half an ulp; NumPy's float32 loops
    are faster but up to ~2 ulp off, so their last bits differed from PyTorch's in 10-50% of
    elements (tanh also stayed at ±0.99999994 up to |a| = 10 where PyTorch's is ±1 from 9.011: a
    log(1 + tanh(a)) was 10 nats off). Rounded from float64 they differ in 0.02-5% (the rest are
    PyTorch's own ulp errors), for about three times the float32 loop's time.
    """
    wide = getattr(np, name)

    def run(xp: Any, a: Any, out: Any = None) -> Any:
        if xp is np and a.dtype == np.float32:  # (buffered: no float64 copy of the whole array)
            return wide(a, dtype=np.float64, out=np.empty_like(a) if out is None else out, casting="same_kind")
        f = getattr(xp, name)
        return f(a) if out is None else f(a, out=out)

    run.__name__ = f"{name}_array"
    return run


tanh_array = rounded_once("tanh")
