"""Calls whose spelling differs between NumPy and CuPy, written once for both."""

from __future__ import annotations

from typing import Any

import numpy

from . import meta, namespace


def as_strided(x: Any, shape: tuple, strides: tuple, writeable: bool = True) -> Any:
    """A strided view of `x` (CuPy's `as_strided` takes no `writeable`: device views stay writeable)."""
    if type(x) is numpy.ndarray:
        return numpy.lib.stride_tricks.as_strided(x, shape, strides, writeable=writeable)
    if type(x) is meta.MetaArray:  # subok: the view stays a meta array (writes into it dropped)
        return numpy.lib.stride_tricks.as_strided(x, shape, strides, subok=True, writeable=writeable)
    return namespace(x).lib.stride_tricks.as_strided(x, shape, strides)


def is_row_major(a: Any) -> bool:
    """Whether `a`'s strides are exactly the row-major ones. NumPy calls an array C-contiguous
    whatever the strides of its size-1 dims; a channels-last (O, I, 1, 1) conv weight is one."""
    if not a.flags.c_contiguous:
        return False
    if 1 not in a.shape or a.size == 0:
        return True
    step, strides = a.itemsize, a.strides
    for d in range(a.ndim - 1, -1, -1):
        if strides[d] != step:
            return False
        step *= a.shape[d]
    return True


def put_along_axis(arr: Any, indices: Any, values: Any, axis: int) -> None:
    """`numpy.put_along_axis` for any array library (CuPy before v14 lacks it): fancy-index assignment."""
    if type(arr) is numpy.ndarray:
        numpy.put_along_axis(arr, indices, values, axis=axis)
        return
    xp = namespace(arr)
    if hasattr(xp, "put_along_axis"):
        xp.put_along_axis(arr, indices, values, axis=axis)
        return
    axis %= arr.ndim
    index = []
    for d in range(arr.ndim):
        if d == axis:
            index.append(indices)
        else:
            shape = [1] * arr.ndim
            shape[d] = indices.shape[d]
            index.append(xp.arange(indices.shape[d]).reshape(shape))
    arr[tuple(index)] = values
