# mypy: disable-error-code="call-overload"
# (NumPy's stubs do not accept a dtype argument to ufunc.reduce in every form NumPy does)
"""Sums of float16/float32/bfloat16 data in a float64 accumulator, rounded once.

The one sum both the ops (`retrograd.sum` and the reductions built on it, in
`ops/kernels/accumulate.py`) and the engine (gradients summed back to a broadcast input's
shape) use, so the two give the same bits. Why float64: see `ops/kernels/accumulate.py`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace
from ..dtypes import BFLOAT16_NP

WIDE = np.dtype(np.float64)


def narrow_float(dt: Any) -> bool:
    """Whether sums of this dtype accumulate in float64 (floats narrower than double)."""
    return (dt.kind == "f" and dt.itemsize < 8) or dt is BFLOAT16_NP


def wide_sum(a: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """`a.sum(axis, keepdims, dtype)` with narrow floats accumulated in float64 (on the CPU)."""
    out = np.dtype(dtype) if dtype is not None else a.dtype
    xp = namespace(a)
    if narrow_float(out) and xp is np:
        return np.asarray(np.add.reduce(a, axis=axis, keepdims=keepdims, dtype=WIDE)).astype(out)[()]
    return xp.add.reduce(a, axis=axis, keepdims=keepdims, dtype=dtype)
