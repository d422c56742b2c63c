"""The dtypes an op has no kernel for in PyTorch (complex for ordering and rounding, bool for
rounding), refused with PyTorch's error before NumPy runs.

NumPy orders complex numbers lexicographically and casts them to real with only a warning, so
without these checks `z > 0`, `maximum(z, w)`, `atan2(z, x)` or `sort(z)` would return numbers
PyTorch never gives.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import user_stacklevel
from ...dtypes import dtype
from ...tensor import Tensor


def complex_result(*operands: Any) -> dtype | None:
    """The operands' common dtype when one of them is a complex tensor, else None (cheap then)."""
    for x in operands:
        if isinstance(x, Tensor) and x._data.dtype.kind == "c":
            return _dt.result_type(*operands)
    return None


def no_complex_kernel(kernel: str, *operands: Any) -> None:
    """NotImplementedError `"<kernel>" not implemented for 'ComplexFloat'` (PyTorch's dispatch error)."""
    dt = complex_result(*operands)
    if dt is not None:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.kind_name}'")


def no_complex_or_wide_unsigned_kernel(kernel: str, *operands: Any) -> None:
    """`no_complex_kernel`, and the same error for uint16/uint32/uint64 tensors, for which PyTorch
    has still fewer kernels (none that orders, adds or compares but `==`): one dtype-kind test per
    operand, as `no_complex_kernel`."""
    for x in operands:
        if isinstance(x, Tensor) and x._data.dtype.kind in "cu":
            dt = complex_result(*operands) or wide_unsigned(*operands)
            if dt is not None:
                raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.kind_name}'")


def wide_unsigned(*operands: Any) -> dtype | None:
    """The dtype of the first uint16/uint32/uint64 tensor among the operands, else None."""
    for x in operands:
        if isinstance(x, Tensor) and x._data.dtype.kind == "u" and x._data.dtype.itemsize > 1:
            return x.dtype
    return None


def no_wide_unsigned_kernel(kernel: str, *operands: Any) -> None:
    """NotImplementedError `"<kernel>" not implemented for 'UInt16'` for a uint16/32/64 operand."""
    dt = wide_unsigned(*operands)
    if dt is not None:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.kind_name}'")


def no_complex(error: type[Exception], message: str, *operands: Any) -> None:
    """`error(message)` (PyTorch's own wording for this op) when an operand is a complex tensor."""
    if complex_result(*operands) is not None:
        raise error(message)


def no_bool_kernel(kernel: str, x: Any) -> None:
    """NotImplementedError `"<kernel>" not implemented for 'Bool'` for a bool tensor."""
    if isinstance(x, Tensor) and x._data.dtype.kind == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def floating_kernel_only(kernel: str, x: Any) -> None:
    """NotImplementedError `"<kernel>" not implemented for 'Long'` for a tensor that is not floating point."""
    if isinstance(x, Tensor) and not x.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{x.dtype.kind_name}'")


def warn_discarded_imaginary(input: Tensor, target: np.dtype) -> None:
    """PyTorch's warning where a complex input is cast to a real `target` dtype (`z.sum(dtype=float32)`);
    bool is `z != 0`, nothing lost."""
    if input._data.dtype.kind == "c" and target.kind not in "cb":
        message = "Casting complex values to real discards the imaginary part"
        warnings.warn(message, UserWarning, stacklevel=user_stacklevel())
