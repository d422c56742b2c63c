"""Argument checks PyTorch makes before it computes: value ranges, sizes, divisors, broadcasts.

NumPy would wrap, cast or raise its own errors here; these turn each case into PyTorch's
answer (the same exception type and message) before any array is made.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...backend import namespace
from ...dtypes import dtype
from ...engine.bfloat16 import BF16, F16, converted
from ...engine.primitive import type_name

# The C++ names PyTorch's fill/full paths print; `tensor()` prints the dtype's own name.
_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}
_C_NAMES.update({"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"})
_F32_MAX = float(np.finfo(np.float32).max)
_LARGEST = {"float16": float(np.finfo(np.float16).max), "bfloat16": 3.3895313892515355e38}  # 0x7f7f


def overflow_error(dt: dtype) -> RuntimeError:
    """PyTorch's error for a value that cannot be stored in `dt` (its C++ name for the type)."""
    return _overflow(dt, True)


def _overflow(dt: dtype, c_name: bool) -> RuntimeError:
    name = _C_NAMES.get(dt.name, dt.name) if c_name else dt.name
    return RuntimeError(f"value cannot be converted to type {name} without overflow")


def _int_out_of_range(v: int, info: np.iinfo) -> bool:
    # Unsigned targets take negatives down to -max (two's complement wrap, as in C++).
    low = -int(info.max) if info.min == 0 else int(info.min)
    return v < low or v > int(info.max)


def check_scalar_fits(value: Any, dt: dtype, *, c_name: bool = True, half_rounds: bool = False) -> None:
    """Raise PyTorch's overflow error when a Python number cannot be stored in `dt`.

    Integer dtypes refuse NaN, ±inf and values out of range; float32, bfloat16 and float16
    refuse finite values beyond their range (float64 keeps them), as masked_fill and clamp do.
    `half_rounds`: float16 and bfloat16 round such a value to ±inf instead, as PyTorch's
    `scalar_tensor`, `where`, `t[i] = v`, and fill_/full of a single element do.
    A complex number fits a real dtype only when its imaginary part is zero (C10's checked_convert).
    """
    if isinstance(value, (complex, np.complexfloating)) and not dt.is_complex and dt is not _dt.bool_:
        if value.imag != 0:
            raise _overflow(dt, c_name)
        value = value.real
    if isinstance(value, (bool, np.bool_)) or dt is _dt.bool_ or dt is _dt.float64:
        return
    if half_rounds and (dt is _dt.float16 or dt is _dt.bfloat16):
        return
    if isinstance(value, np.ndarray):
        if value.ndim:
            return
        value = value.item()
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return
    if dt.is_complex:  # complex dtypes take any real number, as in PyTorch
        return
    if dt.is_floating_point:  # float32, bfloat16 and float16
        largest = _LARGEST.get(dt.name, _F32_MAX)  # every int64 number fits float32 and bfloat16
        is_float = isinstance(value, (float, np.floating))
        if (is_float or dt is _dt.float16) and math.isfinite(value) and abs(float(value)) > largest:
            raise _overflow(dt, c_name)
        return
    info = np.iinfo(dt.np)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v) or v < float(info.min) or v > float(info.max):
            raise _overflow(dt, c_name)
        return
    if _int_out_of_range(int(value), info):  # type: ignore[arg-type]
        raise _overflow(dt, c_name)


def check_data_fits(arr: np.ndarray, dt: dtype) -> None:
    """`tensor(python_data, dtype=dt)`: the element checks of `check_scalar_fits`, vectorised.

    `arr` is NumPy's reading of the Python data (int64/uint64/float64/bool/object).
    """
    if dt is _dt.uint64 and arr.dtype.kind in "iu":  # PyTorch reads uint64 data as unsigned numbers
        if arr.size and arr.dtype.kind == "i" and arr.min() < 0:
            raise OverflowError("can't convert negative int to unsigned")
        return
    if arr.dtype == object or arr.dtype == np.uint64:
        if dt is not _dt.bool_ and not (dt.is_floating_point or dt.is_complex):
            raise ValueError("Overflow when unpacking long long")
        return
    if dt is _dt.bool_ or dt.is_floating_point or dt.is_complex or arr.size == 0 or arr.dtype.kind == "b":
        return
    info = np.iinfo(dt.np)
    if arr.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(arr) | (arr < float(info.min)) | (arr > float(info.max))
        if bad.any():
            raise _overflow(dt, c_name=False)
    elif arr.dtype.kind in "iu":
        if _int_out_of_range(int(arr.min()), info) or _int_out_of_range(int(arr.max()), info):  # type: ignore[arg-type]
            raise _overflow(dt, c_name=False)


def store_scalar(value: Any, np_dtype: Any) -> np.ndarray:
    """A Python number as a 0-d array of `np_dtype`, wrapping like C (-1 -> 255 for uint8); a
    complex number stored in a real dtype keeps its real part (its fit checked first)."""
    if isinstance(value, (complex, np.complexfloating)) and np.dtype(np_dtype).kind not in "cb":
        value = value.real
    if isinstance(value, float) and (np_dtype is F16 or np_dtype is BF16):  # made from float32, as PyTorch's
        return converted(np.asarray(value), np_dtype)
    try:
        return namespace(value).asarray(value, dtype=np_dtype)  # a device array stays on its device
    except OverflowError:
        return np.asarray(value).astype(np_dtype)


def fitted_scalar(value: Any, dt: dtype) -> Any:
    """A Python number checked against `dt` and stored in it (None passes through)."""
    if value is None:
        return None
    check_scalar_fits(value, dt)
    return store_scalar(value, dt.np)


def _int_or_none(x: Any) -> int | None:
    if isinstance(x, bool):
        return None
    try:
        return operator.index(x)
    except TypeError:
        return None


def size_keyword(
    dims: tuple, size: Any, op: str, overloaded: bool = False, name: str = "size", required: bool = False
) -> tuple:
    """A factory's shape as its `*size` positionals, whether given as `f(2, 3)`, `f((2, 3))` or
    `f(size=(2, 3))` (PyTorch's factories name their shape `size` and take it by keyword too; its
    shape methods as well, under their own `name`: `reshape(shape=...)`, `permute(dims=...)`).

    `overloaded`: PyTorch's parser has several signatures for `op` (rand, randn), so a shape given
    twice is its "invalid combination" error rather than Python's "multiple values".
    `required`: a shape given neither way is PyTorch's TypeError (`zeros()`), not a 0-d tensor.
    """
    if size is None:
        if required and not dims:
            raise TypeError(f'{op}() missing 1 required positional arguments: "{name}"')
        return dims
    if dims and overloaded:
        got = ", ".join([type(d).__name__ for d in dims] + [f"{name}={type(size).__name__}"])
        raise TypeError(f"{op}() received an invalid combination of arguments - got ({got})")
    if dims:
        raise TypeError(f"{op}() got multiple values for argument '{name}'")
    if not isinstance(size, (tuple, list)):  # a Size is a tuple
        raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {type_name(size)}")
    return (size,)


def new_shape(size: Sequence[Any], op: str = "") -> tuple[int, ...]:
    """The shape for a new tensor from `f(2, 3)`, `f((2, 3))` or `f(Size)`, checked as PyTorch does.

    Non-integer sizes raise PyTorch's TypeError, negative ones its RuntimeError.
    """
    size = tuple(size)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    elif len(size) == 1 and _int_or_none(size[0]) is None:
        raise TypeError(f"{op}(): argument 'size' (position 1) must be tuple of ints, not {type_name(size[0])}")
    shape = []
    for i, s in enumerate(size):
        n = _int_or_none(s)
        if n is None:
            raise TypeError(
                f"{op}(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                f'"type must be tuple of ints,but got {type(s).__name__}"'
            )
        shape.append(n)
    for n in shape:
        if n < 0:
            if op == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {shape}")
    return tuple(shape)


def check_int_divisor(a: np.ndarray, b: Any, kernel: str) -> None:
    """Integer division and modulus by zero: PyTorch raises where NumPy returns 0.

    `kernel` names PyTorch's kernel in the error for bool and complex operands, which it does not
    implement (NumPy has no complex kernel either, and would raise its own TypeError).
    """
    if a.dtype == np.bool_ or a.dtype.kind == "c":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dt.from_numpy(a.dtype).kind_name}'")
    if a.dtype.kind in "iub" and np.asarray(b).dtype.kind in "iub" and not np.all(b):
        if a.size and np.size(b):  # an empty result divides nothing: no error, as in PyTorch
            raise RuntimeError("ZeroDivisionError")


def _is_sequence(x: Any) -> bool:
    """Whether PyTorch reads `x`, inside nested data, as a sequence: a list, a tuple or an array."""
    return isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim > 0)


def foreign_sequence(x: Any) -> bool:
    """Whether PyTorch reads `x` item by item though it is no list, tuple or array (tensors aside).

    Such are a pandas Series, Index or extension array, a `range`, a `deque`: anything with
    `__getitem__` and `__len__` but a mapping or text.
    """
    kind = type(x)
    plain = (list, tuple, str, bytes, bytearray, dict, np.ndarray, np.generic)
    return not issubclass(kind, plain) and hasattr(kind, "__getitem__") and hasattr(kind, "__len__")


def items_by_index(seq: Any) -> list[Any]:
    """`seq[0], seq[1], ...`, the items PyTorch infers a sequence's dtype from.

    A pandas Series is indexed by label there: PyTorch cannot find the shape of one without a
    label 0, and raises the Series' KeyError for any other label from 0 to len - 1 it lacks.
    """
    if len(seq):
        try:
            seq[0]
        except Exception:
            raise ValueError(f"could not determine the shape of object type '{type(seq).__name__}'") from None
    return [seq[i] for i in range(len(seq))]


def nested_sizes(data: Any) -> list[int]:
    """The shape PyTorch reads from nested data: the length of the first item at each depth.

    NumPy arrays inside the lists are sequences there too. A 0-d array met on the way has no
    length: PyTorch raises (`[np.array(1.0), 2.0]`), where a NumPy scalar (`np.float64(1.0)`)
    is a number.
    """
    sizes: list[int] = []
    x = data
    while isinstance(x, (list, tuple, np.ndarray)):
        if isinstance(x, np.ndarray) and x.ndim == 0:
            raise TypeError("len() of unsized object")
        sizes.append(len(x))
        if not len(x):
            break
        x = x[0]
        if isinstance(x, str) and x:  # a string is a sequence to PyTorch, and so is each of its letters
            raise ValueError("too many dimensions 'str'")
    return sizes


def ragged_error(data: Any) -> Exception | None:
    """PyTorch's error for nested lists of uneven lengths or mixed depth (None if regular).

    The expected size at each depth is the length of the first sequence met there; the
    data is walked depth first, as PyTorch does, and the first mismatch is reported. Arrays
    inside the lists are walked as sequences; one where a number belongs cannot become one.
    """
    try:
        sizes = nested_sizes(data)
    except TypeError as error:
        return error
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        x, depth = stack.pop()
        is_seq = _is_sequence(x)
        if depth == len(sizes):
            if isinstance(x, np.ndarray) and is_seq:  # NumPy's refusal, met converting it to a number
                return TypeError("only 0-dimensional arrays can be converted to Python scalars")
            if is_seq:
                return TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
            continue
        if not is_seq:
            return TypeError("not a sequence")
        if len(x) != sizes[depth]:
            return ValueError(f"expected sequence of length {sizes[depth]} at dim {depth} (got {len(x)})")
        stack.extend((item, depth + 1) for item in reversed(x))
    return None


def check_range(start: Any, end: Any, step: Any) -> None:
    """`arange`/`range` bounds: a non-zero step, finite bounds, and a step pointing from start to end."""
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if abs((end - start) / step) >= 2**62:
        raise RuntimeError("invalid size, possible overflow?")


def no_bool_range(kernel: str, dt: dtype | None, n: int = 1) -> None:
    """PyTorch's range kernels have no bool version: NotImplementedError, once there is a value to make."""
    if _dt.from_python_type(dt) is _dt.bool_ and n:
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for 'Bool'")


def check_steps(steps: Any) -> int:
    """`linspace`/`logspace` step count: an int, not negative."""
    try:
        n = operator.index(steps)
    except TypeError:
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}") from None
    if n < 0:
        raise RuntimeError("number of steps must be non-negative")
    return n
