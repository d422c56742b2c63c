"""What only Tensor methods spell (no `torch.<name>` function): sum_to_size, fill_diagonal_'s
values, the Python-callable maps apply_/map_/map2_, and the memory `set_` points a tensor at.
Not in `ops.__all__`."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _storage
from ..engine import inplace as _inplace
from ..tensor import Tensor
from .copying import fill
from .kernels.arg_types import ints_arg, is_int
from .kernels.guards import size_keyword


def sum_to_size(input: Tensor, *sizes: Any, size: Any = None) -> Tensor:
    """`input` summed over the dims where `size` has 1 (or lacks a dim), leaving shape `size`."""
    size = size_keyword(sizes, size, "sum_to_size")
    if len(size) == 1 and not is_int(size[0]):  # one sequence of sizes (not a tensor, nor a string)
        target = ints_arg("sum_to_size", "size", 1, size[0])
    else:
        target = ints_arg("sum_to_size", "size", 1, size)
    shape = tuple(input.shape)
    lead = len(shape) - len(target)
    if lead < 0 or any(t != 1 and t != s for t, s in zip(target, shape[lead:])):
        raise RuntimeError(f"size {{{list(target)}}} is not expandable to size {{{list(shape)}}}.")
    result = input.sum(tuple(range(lead))) if lead else input
    ones = tuple(d for d, (t, s) in enumerate(zip(target, shape[lead:])) if t == 1 and s != 1)
    return result.sum(ones, keepdim=True) if ones else result


def fill_diagonal(input: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """A copy of `input` with `fill_value` on its main diagonal (the values `fill_diagonal_` writes)."""
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, bool)
    if len(shape) > 2:
        mask[(np.arange(shape[0]),) * len(shape)] = True
    else:
        rows, cols = shape
        step = cols + 1 if wrap else rows
        for start in range(0, rows if wrap else 1, step):
            k = np.arange(min(cols, rows - start))
            mask[start + k, k] = True
    return input.masked_fill(Tensor._make(mask).to(input.device), fill_value)  # the mask goes where input is


def map_elements(target: Tensor, name: str, function: Any, others: tuple) -> Tensor:
    """Write `function(x, *others' elements)` into each element x of `target` (apply_/map_/map2_)."""
    if target.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")
    for label, other in zip(("other", "other2"), others):
        if other.dtype != target.dtype:
            raise TypeError(f"{name}: expected {target.type()} for '{label}' (got {other.type()})")
    arrays = [np.broadcast_to(o._data, target._data.shape) for o in others]
    values = np.array(
        [function(*items) for items in zip(target._data.ravel().tolist(), *(a.ravel().tolist() for a in arrays))],
        dtype=object,
    )
    result = values.astype(target._data.dtype).reshape(target._data.shape)
    return _inplace.apply(target, fill, result)


def set_memory(target: Tensor, source: Any, storage_offset: int, size: Any, stride: Any) -> Any:
    """The array `target.set_(source, storage_offset, size, stride)` makes `target` use: none (an
    empty one), a tensor's own, or a storage's bytes seen as `target`'s dtype (all of them as 1-D,
    or `size` elements `stride` apart from element `storage_offset`). Writing either writes both."""
    dt = target._data.dtype
    if source is None:
        return np.empty((0,), dt)
    if isinstance(source, Tensor):
        if source._data.dtype != dt:
            raise RuntimeError(
                f"Could not set tensor of type {_cpp_name(source)} to a tensor of type {_cpp_name(target)}"
            )
        if size is None:
            return source._data
        source = source.untyped_storage()
    storage = getattr(source, "_untyped", source)  # a TypedStorage's bytes
    if not isinstance(storage, _storage.UntypedStorage):
        raise TypeError(f"set_(): expected a Tensor or a Storage as source, but got {type(source).__name__}")
    raw = storage._bytes()
    n = raw.nbytes // dt.itemsize
    if size is None:
        return raw[: n * dt.itemsize].view(dt)
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride) if stride is not None else _contiguous_strides(size)
    if len(stride) != len(size):
        raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    needed = 0 if 0 in size else storage_offset + sum((d - 1) * st for d, st in zip(size, stride)) + 1
    if needed > n:  # (PyTorch grows its storage; a buffer another array owns cannot grow)
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {storage_offset}, and itemsize "
            f"{dt.itemsize} requiring a storage size of {needed * dt.itemsize} are out of bounds for storage of size "
            f"{raw.nbytes}"
        )
    strides = [s * dt.itemsize for s in stride]
    return np.ndarray(size, dt, buffer=raw, offset=storage_offset * dt.itemsize, strides=strides)


def _contiguous_strides(size: tuple) -> tuple:
    strides, step = [], 1
    for d in reversed(size):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


# the C++ element type names PyTorch's set_ message uses
_CPP_NAMES = {
    "float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "int64": "long int",
    "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
    "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
}  # fmt: skip


def _cpp_name(t: Tensor) -> str:
    name = str(t.dtype).rsplit(".", 1)[-1]
    return _CPP_NAMES.get(name, name)
