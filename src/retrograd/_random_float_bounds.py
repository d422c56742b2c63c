"""`random_(from, to)` on a float dtype: PyTorch's precision warnings and its representable bounds.

Past 2**digits a float dtype cannot hold every integer, so PyTorch warns and moves a bound whose
inner neighbour does not survive the round trip to the dtype; the draws are then
`x % (to − from) + from` over the moved bounds (`randint(0, 2**25, dtype=float32)` draws modulo
2**25 − 2).
"""

from __future__ import annotations

import warnings

import numpy as np

from . import dtypes as _dt
from ._user_frames import user_stacklevel

# the float dtypes' significand bits (with the implicit one)
_DIGITS = {"float64": 53, "float32": 24, "float16": 11, "bfloat16": 8}


def representable_bounds(low: int, high: int, dt: _dt.dtype) -> tuple[int, int]:
    """[low, high) for `random_` on `dt`: unchanged for integer dtypes, moved as PyTorch for floats."""
    digits = _DIGITS.get(dt.name)
    if digits is None:
        return low, high
    moved_low, moved_high = _moved_from(low, dt, digits), _moved_to(high, dt, digits)
    if moved_low >= moved_high:  # PyTorch checks the moved bounds before it warns
        raise RuntimeError(
            "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
            f"but got from={moved_low} >= to={moved_high}"
        )
    limit = 2**digits
    for what, value in (("from", low), ("to - 1", high - 1)):
        if not -limit <= value <= limit:
            warnings.warn(
                f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                f"{dt.c10_name} can support discrete uniform distribution only within this range. "
                "This warning will become an error in version 1.7 release, please fix the code in advance",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
    return moved_low, moved_high


def _moved_from(low: int, dt: _dt.dtype, digits: int) -> int:
    """`from`, or when `from + 1` rounds below it in `dt`, that rounded value plus one step."""
    rounded = _round_trip(low + 1, dt)
    return rounded + _step(low + 1, digits) if rounded < low else low


def _moved_to(high: int, dt: _dt.dtype, digits: int) -> int:
    """`to`, or when `to − 1` rounds up to it or past it in `dt`, that rounded value minus one step."""
    rounded = _round_trip(high - 1, dt)
    return rounded - _step(high - 1, digits) if rounded >= high else high


def _round_trip(value: int, dt: _dt.dtype) -> int:
    """`value` cast to float dtype `dt` (round to nearest even) and back to an integer."""
    return int(np.array(value, dtype=np.int64).astype(dt.np).astype(np.float64))


def _step(value: int, digits: int) -> int:
    """The spacing PyTorch assumes near `value`: 2**(floor(log2|value|) − digits + 1)."""
    return 1 << (max(abs(value).bit_length() - 1, 0) - digits + 1)
