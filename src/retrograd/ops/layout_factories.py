"""Factories that choose the memory layout: `empty_strided` (explicit strides) and `empty_permuted`
(the dims in a given order in memory)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._storage import uninitialized_value
from ..backend import META, meta
from ..dtypes import dtype
from ..tensor import Tensor
from .creation import _factory, _float_or, empty, target_device
from .kernels.guards import new_shape
from .kernels.placement import check_layout, check_pin_memory

__all__ = ["empty_strided", "empty_permuted"]


def empty_strided(
    size: Any, stride: Any, *, dtype: dtype | None = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A tensor of shape `size` laid out with element strides `stride` over a storage just big enough.

    Its values are not to be relied on (zeros here, as `empty`'s). Strides may overlap (0, or
    smaller than the dims they step over); such a tensor cannot be written to in place.

    Args:
        size (sequence of int): the shape.
        stride (sequence of int): the step, in elements, of each dim; non-negative.
        dtype (dtype, optional): the dtype (default: the default float).
        layout (layout, optional): only `retrograd.strided`.
        device (str or device, optional): the device.
        requires_grad (bool): whether autograd records operations on the result.
        pin_memory (bool): only False (no CUDA here).

    Returns:
        Tensor: shape `size`, `stride()` equal to `stride`.

    Examples:
        >>> t = retrograd.empty_strided((2, 3), (1, 2))
        >>> t.shape, t.stride(), t.is_contiguous()
        (retrograd.Size([2, 3]), (1, 2), False)
    """
    check_layout(layout, "empty_strided")
    check_pin_memory(pin_memory)
    shape, steps = new_shape(size, "empty_strided"), tuple(int(s) for s in stride)
    if len(shape) != len(steps):
        raise RuntimeError(
            f"dimensionality of sizes ({len(shape)}) must match dimensionality of strides ({len(steps)})"
        )
    if any(s < 0 for s in steps):
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(shape)} and strides={list(steps)}"
        )
    elements = 0 if 0 in shape else 1 + sum((n - 1) * s for n, s in zip(shape, steps))
    target = target_device(device)
    # on "meta" the storage is a meta array too, so the strided view of it keeps its strides
    memory = (meta.empty if target == META else np.zeros)((elements,), _float_or(dtype).np)
    fill = uninitialized_value(memory.dtype)
    if fill is not None and target != META:
        memory[...] = fill  # the storage, not the (perhaps overlapping) view of it
    array = np.lib.stride_tricks.as_strided(memory, shape, tuple(s * memory.itemsize for s in steps), subok=True)
    return _factory(array, requires_grad, target)


def empty_permuted(
    size: Any, physical_layout: Any, *, dtype: dtype | None = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False, pin_memory: bool = False,
) -> Tensor:
    """A tensor of shape `size` whose dims lie in memory in the order `physical_layout`, outermost first.

    `empty_permuted((2, 3, 4), (0, 2, 1))` is `empty(2, 4, 3).permute(0, 2, 1)`: its dim 1 varies
    fastest in memory. `(0, 2, 3, 1)` gives an image batch in channels-last layout.

    Args:
        size (sequence of int): the logical shape.
        physical_layout (sequence of int): a permutation of the dims, from the slowest-varying in memory
            to the fastest.
        dtype (dtype, optional): the dtype (default: the default float).
        layout (layout, optional): only `retrograd.strided`.
        device (str or device, optional): the device.
        requires_grad (bool): whether autograd records operations on the result.
        pin_memory (bool): only False (no CUDA here).

    Returns:
        Tensor: shape `size`, dense, its strides decreasing along `physical_layout`.

    Examples:
        >>> retrograd.empty_permuted((2, 3, 4), (0, 2, 1)).stride()
        (12, 1, 3)
    """
    shape = new_shape(size, "empty_permuted")
    order = tuple(int(d) for d in physical_layout)
    if len(order) != len(shape):
        raise RuntimeError("Number of dimensions in size does not match the length of the physical_layout")
    if sorted(order) != list(range(len(shape))):
        raise RuntimeError("Duplicate dim not allowed" if len(set(order)) < len(order) else "Dimension out of range")
    physical = empty(*(shape[d] for d in order), dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
    inverse = tuple(order.index(d) for d in range(len(order)))
    return physical.permute(inverse).requires_grad_(requires_grad)
