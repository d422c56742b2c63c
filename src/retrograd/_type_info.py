"""`finfo` and `iinfo`: the numeric limits of a floating-point or integer dtype, as PyTorch reports them.

Programs read them for stabilising constants (`torch.finfo(torch.float32).eps`) and
clamping bounds (`torch.iinfo(torch.int64).max`).
"""

from __future__ import annotations

import numpy as np

from . import dtypes as _dt
from ._display_name import package_name, public_class

__all__ = ["finfo", "iinfo"]

_BFLOAT16_MAX = (2.0 - 2.0**-7) * 2.0**127  # 3.3895e38
# The float8 formats NumPy lacks: (eps, max, min, smallest normal), from their bit layouts;
# e8m0 is exponent only, unsigned, so its min is its smallest normal.
_FLOAT8 = {
    "float8_e4m3fn": (2.0**-3, 448.0, -448.0, 2.0**-6),
    "float8_e5m2": (2.0**-2, 57344.0, -57344.0, 2.0**-14),
    "float8_e8m0fnu": (1.0, 2.0**127, 2.0**-127, 2.0**-127),
}


class finfo:  # noqa: N801 - PyTorch's name
    """Machine limits of a floating-point dtype (the default dtype when none is given).

    Attributes: `bits`, `eps` (the gap between 1 and the next value), `max`, `min` (= -max),
    `tiny` and `smallest_normal` (the smallest positive normal number), `resolution`
    (10 ** -decimal digits) and `dtype` (its name). A complex dtype reports its parts' limits.

    Args:
        type (dtype, optional): a floating or complex dtype (default: the default dtype).

    Returns:
        (finfo): the limits, as Python floats.

    Examples:
        >>> retrograd.finfo(retrograd.float32).eps, retrograd.finfo(retrograd.float16).max
        (1.1920928955078125e-07, 65504.0)
        >>> retrograd.finfo(retrograd.float16)
        finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, ..., dtype=float16)
    """

    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type: _dt.dtype | None = None) -> None:
        d = _dt.get_default_dtype() if type is None else type
        if isinstance(d, _dt.dtype) and d.is_complex:  # a complex dtype reports its parts' limits
            d = d.to_real()
        if not isinstance(d, _dt.dtype) or not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'"
            )
        self.min = None
        if d is _dt.bfloat16:  # no NumPy dtype to ask (ml_dtypes is optional): 8 exponent bits, 7 stored
            self.bits, self.eps, self.max, self.tiny, precision = 16, 2.0**-7, _BFLOAT16_MAX, 2.0**-126, 2
        elif d.name in _FLOAT8:
            self.bits, precision = 8, 0
            self.eps, self.max, self.min, self.tiny = _FLOAT8[d.name]
        else:
            info = np.finfo(d.np)
            self.bits, self.eps, self.max = int(info.bits), float(info.eps), float(info.max)
            self.tiny, precision = float(info.smallest_normal), int(info.precision)
        if self.min is None:
            self.min = -self.max
        self.smallest_normal = self.tiny
        self.resolution = 10.0**-precision  # as a Python float, not rounded to the dtype
        self.dtype = d.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
            f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 - PyTorch's name
    """Limits of an integer dtype: `bits`, `min`, `max` and `dtype` (its name).

    Args:
        type (dtype): an integer dtype (not bool or a floating one).

    Returns:
        (iinfo): the limits, as Python ints.

    Examples:
        >>> retrograd.iinfo(retrograd.int8).min, retrograd.iinfo(retrograd.int8).max
        (-128, 127)
        >>> retrograd.iinfo(retrograd.uint8).max
        255
        >>> retrograd.iinfo(retrograd.int16)
        iinfo(min=-32768, max=32767, dtype=int16)
    """

    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type: _dt.dtype) -> None:
        if type is _dt.bool_:
            raise TypeError(f"{package_name()}.bool is not supported by {package_name()}.iinfo")
        if not isinstance(type, _dt.dtype) or type.is_floating_point or type.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        # the named-only dtypes have no storage: NumPy's unsigned type of their width stands in
        info = np.iinfo(np.dtype(f"u{type.itemsize}") if type in _dt.NAMED_ONLY else type.np)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = type.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


public_class(finfo)  # `torch.finfo`, as PyTorch prints their types
public_class(iinfo)
