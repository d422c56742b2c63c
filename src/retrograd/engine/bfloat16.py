"""16-bit float arithmetic: compute in float32, round the result to bfloat16 (or float16) once.

DESIGN: a bfloat16 tensor's array is an `ml_dtypes.bfloat16` array (see dtypes.py), which
NumPy can copy, view and index but should not compute on: its reductions would accumulate
in bfloat16 and many NumPy functions do not know the dtype. PyTorch's CPU kernels compute
bfloat16 ops in float32 and round each op's result to bfloat16 (round to nearest even), and
its reductions accumulate in float32. So every primitive with a bfloat16 input runs its
forward here: on float32 copies of the bfloat16 arrays, with its float32 results rounded back.
This is the one place bfloat16 rounding happens; ops need no code of their own for it.

float16 takes the same path: NumPy computes on it, but rounds a Python number to float16 before
using it and sums in float16, where PyTorch's kernels keep both in float32.

Which float32 results are bfloat16 ones: those of an op whose first input is bfloat16
(`copy`, `scatter` and friends write into it) or whose floating inputs are all bfloat16.
A float32 result next to a float32 or float16 input is a real float32 one (PyTorch promotes
bfloat16 with either to float32), and one asked for by a dtype argument (`to(float32)`) too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import BFLOAT16_NP, bfloat16, require_storage

BF16 = BFLOAT16_NP  # `array.dtype is BF16` asks whether an array holds bfloat16
_F32 = np.dtype(np.float32)
_F16 = np.dtype(np.float16)


F16 = _F16  # float16 takes the same path: PyTorch's CPU kernels compute it in float32 too


def forward(run: Any, xp: Any, arrays: tuple, attrs: dict, args: tuple = ()) -> Any:
    """`run(xp, *arrays, *args, **attrs)` computed in float32 for bfloat16 or float16 inputs, rounded back."""
    wide = tuple(a.astype(_F32) if a.dtype is BF16 or a.dtype is _F16 else a for a in arrays)
    result = run(xp, *wide, *args, **attrs)
    target = _result_dtype(arrays, attrs)
    if target is None:
        return result
    if isinstance(result, tuple):
        return tuple(_round(r, target) for r in result)
    if isinstance(result, list):
        return [_round(r, target) for r in result]
    return _round(result, target)


def _result_dtype(arrays: tuple, attrs: dict) -> Any:
    """The half dtype the float32 results round to; None where float32 is the answer."""
    if any(isinstance(v, np.dtype) for v in attrs.values()):
        return None  # an explicit conversion: its float32 result is wanted as float32
    first = arrays[0].dtype
    if first is BF16 or first is _F16:
        return first
    halves = {a.dtype for a in arrays if a.dtype is BF16 or a.dtype is _F16}
    if len(halves) != 1 or any(a.dtype is _F32 for a in arrays):
        return None  # bfloat16 with float16 or float32: PyTorch promotes to float32
    return halves.pop()


def _round(r: Any, target: Any) -> Any:
    if isinstance(r, np.floating) and r.dtype is _F32:  # NumPy reductions return scalars
        return np.asarray(r).astype(target)
    if getattr(r, "dtype", None) is _F32 and isinstance(r, np.ndarray):
        return r.astype(target)
    return r


def to_bfloat16(array: Any) -> Any:
    """`array` converted to bfloat16 as PyTorch converts: by way of float32 (float64 and integers
    round twice, so 1 + 2**-8 + 2**-30 becomes 1.0, where ml_dtypes' direct cast gives 1.0078125)."""
    require_storage(bfloat16)
    if array.dtype is not _F32:
        array = array.astype(_F32)
    return array.astype(BF16)


def converted(array: Any, target: Any) -> Any:
    """`array` as NumPy dtype `target`, converted as PyTorch converts: to bfloat16 or float16 by way
    of float32 (c10's 16-bit floats are built from a float, so a double rounds twice: 1 + 2**-11 +
    2**-40 becomes float16 1.0, where NumPy's direct cast gives 1.0009765625)."""
    if target is BF16:
        return to_bfloat16(array)
    if target is _F16 and array.dtype is not _F32 and array.dtype is not _F16:
        return array.astype(_F32).astype(_F16)
    return array.astype(target)


def added_number(array: Any, c: Any) -> Any:
    """The number `c` as PyTorch adds it to (or subtracts it from) `array`: for bfloat16 data it
    first becomes bfloat16, by way of float32 (mul and div keep theirs in float32; float16 data
    round theirs in NumPy already)."""
    if array.dtype is _F16:
        return float(np.float16(c))
    if array.dtype is not BF16:
        return c
    return float(np.asarray(np.float32(c)).astype(BF16))
