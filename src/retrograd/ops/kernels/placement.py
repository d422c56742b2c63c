"""Checks for the placement and layout arguments of creation functions (all CPU, strided, dense).

PyTorch's creation functions take `pin_memory`, `layout` and `memory_format`. On a CPU-only
build PyTorch refuses pinned memory; the dense factories make strided tensors and refuse the
sparse layouts instead of ignoring them (zeros, empty and `*_like` build sparse zeros
themselves). The four memory formats are honoured: `preserve_format` keeps the order of a
tensor's strides, `contiguous_format` is row-major, `channels_last` and `channels_last_3d` put
the channel dim (1) fastest (`empty_in_format`).
"""

from __future__ import annotations

import math
from typing import Any

from ..._display_name import package_name
from ..._layouts import channels_last_strides, format_name, memory_order, strided, suggested_format
from ..._layouts import layout as layout_type
from ...backend.compat import as_strided, is_row_major
from ...dtypes import dtype as dtype_type
from ...dtypes import from_python_type


def check_pin_memory(pin_memory: bool) -> None:
    """PyTorch's error for `pin_memory=True` without an accelerator."""
    if pin_memory:
        raise RuntimeError(
            "pin_memory=True requires a CUDA or other accelerator backend; no pinned memory allocator is "
            "available on this system."
        )


def check_layout(layout: Any, fn: str) -> None:
    """A dense factory's `layout=`: None or `strided`; PyTorch's TypeError for a value that is not
    a layout; a sparse layout refused (the factories that build sparse tensors check it first)."""
    if layout is None or layout is strided:
        return
    if not isinstance(layout, layout_type):
        raise TypeError(f"{fn}(): argument 'layout' must be {package_name()}.layout, not {type(layout).__name__}")
    raise NotImplementedError(f"{fn}() makes only strided (dense) tensors here, not {layout!r}")


def dtype_arg(dtype: Any, fn: str) -> Any:
    """A factory's `dtype=`: None, or a dtype (Python's float, int, bool and complex read as
    PyTorch reads them); PyTorch's TypeError for anything else (a string, say)."""
    dtype = from_python_type(dtype)
    if dtype is not None and not isinstance(dtype, dtype_type):
        raise TypeError(f"{fn}(): argument 'dtype' must be {package_name()}.dtype, not {type(dtype).__name__}")
    return dtype


def check_memory_format(memory_format: Any, fn: str = "empty") -> str:
    """The name of `memory_format` ('preserve_format' when omitted); PyTorch's TypeError for a
    value that is not a memory format."""
    return "preserve_format" if memory_format is None else format_name(fn, memory_format)


def preserved_strides(shape: tuple, strides: tuple) -> tuple:
    """PyTorch's `preserve_format` strides (in elements) for a new tensor shaped like a strided one.

    The dims keep the order of their strides, packed without gaps: a transposed tensor's copy is
    transposed, a sliced one's is compact. Dims of stride 0 (expanded) keep their place. Dims are
    ordered by an insertion sort from the last, smallest stride first; equal strides put the
    smaller size first.
    """
    return _packed_in_order(shape, [tuple(abs(s) for s in strides)])


def _packed_in_order(shape: tuple, operands: list[tuple]) -> tuple:
    """Compact strides (in elements) for `shape` whose dims follow the order of the operands'
    strides, as PyTorch's TensorIterator orders them: for two dims, the first operand whose strides
    there are both nonzero and differ decides; equal strides put the smaller size first."""
    order = memory_order(shape, operands)  # order[0]: the dim that will have stride 1
    result = [0] * len(shape)
    step = 1
    for d in order:
        result[d] = step
        step *= max(shape[d], 1)
    return tuple(result)


def _broadcast_strides(shape: tuple, a: Any) -> tuple:
    """`a`'s byte strides seen from the broadcast `shape`: 0 on the dims `a` is expanded along."""
    lead = len(shape) - a.ndim
    return tuple(
        0 if d < lead or (a.shape[d - lead] == 1 and size != 1) else a.strides[d - lead] for d, size in enumerate(shape)
    )


def in_operands_layout(xp: Any, out: Any, a: Any, b: Any) -> Any:
    """`out`, the elementwise result of arrays `a` and `b`, in PyTorch's layout for it.

    NumPy lays out a ufunc's result by its operands' memory order too, but where they disagree it
    keeps row-major order, while PyTorch follows the first operand that has an order: a
    channels-last `x + residual` stays channels-last. Such a result is copied into PyTorch's layout.
    """
    if out.ndim < 2 or a.ndim == 0 or b.ndim == 0 or (a.flags.c_contiguous and b.flags.c_contiguous):
        return out  # row-major everywhere, or one operand's order: NumPy's layout is PyTorch's
    arrays = (a, b)
    strides = _packed_in_order(out.shape, [_broadcast_strides(out.shape, a) for a in arrays])
    if strides == tuple(s // out.itemsize for s in out.strides):
        return out
    result = empty_strided(xp, out.shape, strides, out.dtype)
    result[...] = out
    return result


def in_index_layout(xp: Any, out: Any, a: Any, key: tuple) -> Any:
    """`out`, the row-major `a[key]` of advanced indexing (a key of integer arrays and full
    slices), in the layout PyTorch's TensorIterator gives it.

    The result's kept dims follow the order of `a`'s strides and its indexed block the index
    arrays' (`a` is the first operand, the indices come after), so indexing a permuted tensor
    (`windows[idx]` after `unfold(...).permute(...)`) gives a permuted result: a later
    `dropout` or `rand_like` then draws its numbers in PyTorch's memory order.
    """
    arrays = [k for k in key if not isinstance(k, slice)]
    if out.ndim < 2 or (is_row_major(a) and all(is_row_major(k) for k in arrays)):
        return out
    full = tuple(key) + (slice(None),) * (a.ndim - len(key))
    indexed = [d for d, k in enumerate(full) if not isinstance(k, slice)]
    kept = [d for d in range(a.ndim) if d not in indexed]
    first = indexed[0] if indexed == list(range(indexed[0], indexed[-1] + 1)) else 0  # else: the block moves first
    block = out.shape[first : first + out.ndim - len(kept)]  # the index arrays' broadcast shape
    src = tuple(a.strides[d] for d in kept[:first]) + (0,) * len(block) + tuple(a.strides[d] for d in kept[first:])
    operands = [tuple(abs(s) for s in src)]
    for k in arrays:
        inner = _broadcast_strides(block, k)
        operands.append((0,) * first + tuple(abs(s) for s in inner) + (0,) * (len(kept) - first))
    strides = _packed_in_order(out.shape, operands)
    if strides == tuple(s // out.itemsize for s in out.strides):
        return out
    result = empty_strided(xp, out.shape, strides, out.dtype)
    result[...] = out
    return result


def _preserving_strides(a: Any) -> tuple:
    """The element strides of PyTorch's `preserve_format` copy of `a`: a dense input's own (those
    of its size-1 dims included, which say whether it is channels-last), else `preserved_strides`."""
    strides = tuple(s // a.itemsize for s in a.strides)
    packed = preserved_strides(a.shape, strides)
    dense = all(s == p for s, p, n in zip(strides, packed, a.shape) if n > 1)
    return strides if dense else packed


def empty_preserving(xp: Any, a: Any, dtype: Any) -> Any:
    """An uninitialised array shaped like `a`, laid out as PyTorch's `preserve_format` lays it out."""
    if is_row_major(a):
        return xp.empty(a.shape, dtype=dtype)
    return empty_strided(xp, a.shape, _preserving_strides(a), dtype)


def preserving_copy(xp: Any, a: Any) -> Any:
    """A copy of array `a` as PyTorch's `preserve_format` lays it out: a dense input's own strides (a
    transposed tensor's clone is transposed too), another's order of strides packed without gaps."""
    if is_row_major(a):
        return a.copy()
    out = empty_preserving(xp, a, a.dtype)
    out[...] = a
    return out


def laid_out_like(xp: Any, out: Any, a: Any) -> Any:
    """`out`, a new array shaped like `a` (a NumPy copy or cast of it), in the layout PyTorch's
    `preserve_format` gives a copy of `a`: NumPy's copies drop the strides of size-1 dims."""
    if is_row_major(a) and is_row_major(out):
        return out
    strides = _preserving_strides(a)
    if strides == tuple(s // out.itemsize for s in out.strides):
        return out
    result = empty_strided(xp, a.shape, strides, out.dtype)
    result[...] = out
    return result


def empty_in_format(xp: Any, a: Any, dtype: Any, name: str) -> Any:
    """An uninitialised array shaped like `a`, laid out as memory format `name` asks (see
    `check_memory_format`); RuntimeError for a channels-last format of another rank."""
    if name == "preserve_format":
        return empty_preserving(xp, a, dtype)
    if name == "contiguous_format":
        return xp.empty(a.shape, dtype=dtype)
    return empty_strided(xp, a.shape, channels_last_strides(a.shape, name), dtype)


def empty_strided(xp: Any, shape: tuple, strides: tuple, dtype: Any) -> Any:
    """An uninitialised array with the given element strides (dense: each element once)."""
    memory = xp.empty(max(math.prod(shape), 1), dtype=dtype)
    return as_strided(memory, shape, tuple(s * memory.itemsize for s in strides))


def laid_out(xp: Any, a: Any, name: str) -> Any:
    """A copy of `a` laid out as memory format `name` asks."""
    out = empty_in_format(xp, a, a.dtype, name)
    out[...] = a
    return out


def as_input_suggests(xp: Any, out: Any, a: Any) -> Any:
    """`out`, computed row-major from `a`, in channels-last order where `a` suggests it, as the CPU
    kernels that allocate by `a.suggest_memory_format()` lay out their results (group norm, upsampling)."""
    if a.ndim < 4 or a.flags.c_contiguous or not out.flags.c_contiguous:
        return out
    name = suggested_format(a.shape, tuple(s // a.itemsize for s in a.strides))
    return out if name == "contiguous_format" else laid_out(xp, out, name)
