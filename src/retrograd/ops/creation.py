"""Making tensors: zeros/ones/empty/full/eye and `*_like` (from data: `from_data`; ranges: `ranges`;
copies: `copying`)."""

from __future__ import annotations

import operator
import sys
import warnings
from typing import Any

import numpy as np

from .. import dtypes as _dt
from .._display_name import package_name
from .._layouts import layout as layout_type
from .._layouts import sparse_coo, strided
from .._storage import uninitialized_value
from ..backend import CPU, META, as_device, default_device, meta, namespace, to_device
from ..backend.compat import is_row_major
from ..backend.sparse import SparseCOO
from ..backend.sparse_compressed import SparseCompressed
from ..dtypes import dtype
from ..engine.primitive import SPARSE_MISSING, not_a_tensor
from ..tensor import Tensor
from .kernels.arg_types import int_arg, invalid_combination, is_int, number_arg, scalar_arg
from .kernels.guards import (
    check_scalar_fits,
    new_shape,
    size_keyword,
    store_scalar,
)
from .kernels.out_arg import ANY, write_out
from .kernels.placement import check_layout, check_memory_format, check_pin_memory, dtype_arg, empty_in_format

# PyTorch's words when a factory's requires_grad=True meets a dtype that cannot require grad
FACTORY_REFUSAL = "Only Tensors of floating point and complex dtype can require gradients"

__all__ = [
    "zeros",
    "ones",
    "full",
    "empty",
    "eye",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "scalar_like",
    "new_like",
]

def _float_or(dt: dtype | None) -> dtype:
    dt = _dt.from_python_type(dt)  # `dtype=float`: float64, as PyTorch reads it
    if dt is not None and not isinstance(dt, dtype):
        caller = sys._getframe(1).f_code.co_name  # the factory: PyTorch's message names it
        raise TypeError(f"{caller}(): argument 'dtype' must be {package_name()}.dtype, not {type(dt).__name__}")
    return dt if dt is not None else _dt.get_default_dtype()


def _target(device: Any, like: Tensor | None = None) -> Any:
    """The device a new tensor goes to: `device`, else `like`'s, else the default device."""
    if device is not None:
        return as_device(device)
    if like is not None:
        return like.device
    return default_device()


target_device = _target  # for retrograd.random's factories


def _maker(dev: Any) -> Any:
    """The array module that builds a new tensor's data: NumPy on the host (then copied to a CUDA
    device), the meta device's own for meta tensors (which would not fit on the host)."""
    return meta.xp if dev is META else np


def _placed(arr: Any, dev: Any) -> Any:
    """`arr` (built on the host) on device `dev` (a host-to-device copy unless `dev` is the CPU)."""
    return arr if dev is CPU else to_device(arr, dev)


def _factory(arr: np.ndarray, requires_grad: bool, dev: Any = CPU) -> Tensor:
    t = Tensor._make(_placed(arr, dev))
    if requires_grad:
        t._switch_requires_grad(True, FACTORY_REFUSAL)
    return t


def zeros(
    *dims: Any,
    size: Any = None,
    dtype: dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    out: Any = None,
) -> Tensor:
    """A tensor of zeros of the given shape (default dtype float32).

    Args:
        *dims (int or sequence of int): the shape, as ints or one sequence, e.g. `(N, C)`.
        size (sequence of int, optional): the shape by keyword instead (`size=(N, C)`).
        dtype (dtype, optional): the dtype (default: `get_default_dtype()`, float32).
        device (str or device, optional): where the tensor lives.
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: a tensor of that shape filled with 0.

    Examples:
        >>> retrograd.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> retrograd.zeros((2,), dtype=retrograd.int64)
        tensor([0, 0])
    """
    check_pin_memory(pin_memory)
    if out is not None:
        return write_out(out, zeros, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    shape = new_shape(size_keyword(dims, size, "zeros", required=True), "zeros")
    if layout is not None and layout is not strided:
        return sparse_zeros("zeros", shape, _float_or(dtype), layout, dev, requires_grad)
    return _factory(_maker(dev).zeros(shape, _float_or(dtype).np), requires_grad, dev)


def ones(
    *dims: Any,
    size: Any = None,
    dtype: dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    out: Any = None,
) -> Tensor:
    """A tensor of ones of the given shape.

    Args:
        *dims (int or sequence of int): the shape, as ints or one sequence.
        size (sequence of int, optional): the shape by keyword instead.
        dtype (dtype, optional): the dtype (default float32).
        device (str or device, optional): where the tensor lives.
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: a tensor of that shape filled with 1.

    Examples:
        >>> retrograd.ones(2, 2)
        tensor([[1., 1.],
                [1., 1.]])
    """
    _check_filled_layout(layout, "ones")
    check_pin_memory(pin_memory)
    if out is not None:
        return write_out(out, ones, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    shape = new_shape(size_keyword(dims, size, "ones", required=True), "ones")
    return _factory(_maker(dev).ones(shape, _float_or(dtype).np), requires_grad, dev)


def empty(
    *dims: Any,
    size: Any = None,
    out: Any = None,
    dtype: dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """An uninitialised tensor (retrograd fills it with zeros; under `use_deterministic_algorithms(True)`
    with NaN, or an integer dtype's largest value, as PyTorch).

    Args:
        *dims (int or sequence of int): the shape, as ints or one sequence.
        size (sequence of int, optional): the shape by keyword instead.
        dtype (dtype, optional): the dtype (default float32).
        device (str or device, optional): where the tensor lives.
        requires_grad (bool): whether autograd records operations on the result.
        memory_format (memory_format, optional): `contiguous_format` (default), or `channels_last`
            (4-D) / `channels_last_3d` (5-D) strides.

    Returns:
        Tensor: a tensor of shape `size` (zero-filled here; do not rely on the values).

    Examples:
        >>> retrograd.empty(2, 3).shape
        retrograd.Size([2, 3])
    """
    if out is not None:
        return write_out(out, empty, locals(), ANY, dtype_from_out=True)
    check_pin_memory(pin_memory)
    dtype = dtype_arg(dtype, "empty")
    name = "contiguous_format" if memory_format is None else check_memory_format(memory_format)
    if name == "preserve_format":
        raise RuntimeError("unsupported memory format Preserve")
    shape = new_shape(size_keyword(dims, size, "empty", required=True), "empty")
    if layout is not None and layout is not strided:
        return sparse_zeros("empty", shape, _float_or(dtype), layout, _target(device), requires_grad)
    if name == "contiguous_format":
        return _uninitialized(zeros(shape, dtype=dtype, device=device, requires_grad=requires_grad))
    laid = empty_in_format(np, np.empty(shape, dtype=bool), _float_or(dtype).np, name)
    laid[...] = 0
    return _uninitialized(_factory(laid, requires_grad, _target(device)))


def sparse_zeros(fn: str, shape: tuple, dt: dtype, layout: Any, dev: Any, requires_grad: bool) -> Tensor:
    """`zeros` and `empty` with a sparse `layout=`: a sparse tensor of `shape` with no entries, as
    PyTorch's (COO of any rank; CSR and CSC of 2 dims); other layouts and devices refused."""
    name = getattr(layout, "_name", None)
    if dev is not CPU or not (name == "sparse_coo" or name in ("sparse_csr", "sparse_csc") and len(shape) == 2):
        check_layout(layout, fn)  # PyTorch's TypeError for a value that is not a layout
        raise NotImplementedError(f"{fn}() makes {layout!r} tensors of 2 dims (COO: any) on the CPU only")
    if name == "sparse_coo":
        data: Any = SparseCOO(np.zeros((len(shape), 0), np.int64), np.zeros(0, dt.np), shape, True)
    else:
        rows = shape[0] if name == "sparse_csr" else shape[1]
        data = SparseCompressed(np.zeros(rows + 1, np.int64), np.zeros(0, np.int64), np.zeros(0, dt.np), shape, name)
    return _factory(data, requires_grad)


def _check_filled_layout(layout: Any, fn: str) -> None:
    """`ones`' and `full`'s `layout=`: PyTorch's refusal of a sparse COO one, which cannot hold a fill."""
    if layout is sparse_coo:
        raise RuntimeError("full(...) is not implemented for sparse layout")
    check_layout(layout, fn)


def _uninitialized(t: Tensor) -> Tensor:
    """A new tensor from `empty` & co., filled as PyTorch fills uninitialised memory in deterministic mode."""
    fill = uninitialized_value(t.dtype.np)
    if fill is not None and t.device != META:
        t._data[...] = fill
    return t


def full(
    size: Any, fill_value: Any, *, dtype: dtype | None = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False, pin_memory: bool = False, out: Any = None,
) -> Tensor:
    """A tensor filled with `fill_value`; its dtype is inferred from the value.

    Args:
        size (sequence of int): the shape.
        fill_value (number): the value of every element.
        dtype (dtype, optional): the dtype; by default bool, int64 or the default float by `fill_value`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a tensor of shape `size` filled with `fill_value`.

    Examples:
        >>> retrograd.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> retrograd.full((3,), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    _check_filled_layout(layout, "full")
    check_pin_memory(pin_memory)
    if out is not None:
        return write_out(out, full, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    number_arg("full", "fill_value", 2, fill_value)
    if isinstance(fill_value, Tensor):  # PyTorch's parser reads a 0-d tensor as the number it holds
        fill_value = scalar_arg("full", "fill_value", 2, fill_value)
    dtype = dtype_arg(dtype, "full")
    if dtype is None:
        dtype = _dt.result_type(fill_value)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    shape = new_shape((size,), "full")
    check_scalar_fits(fill_value, dtype, half_rounds=_one_element(shape))
    return _factory(_maker(dev).full(shape, store_scalar(fill_value, dtype.np)), requires_grad, dev)


def _one_element(shape: tuple[int, ...]) -> bool:
    """PyTorch fills a one-element tensor by a path that rounds a 16-bit float past its range to ±inf."""
    return all(n == 1 for n in shape)


_FACTORY_KEYWORDS = (
    "Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False"
)
_EYE_SIGNATURES = (f"int n, *, {_FACTORY_KEYWORDS}", f"int n, int m, *, {_FACTORY_KEYWORDS}")


def eye(
    n: int, m: int | None = None, *, dtype: dtype | None = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False, pin_memory: bool = False, out: Any = None,
) -> Tensor:
    """An `(n, m)` matrix with ones on the diagonal.

    Args:
        n (int): the number of rows.
        m (int, optional): the number of columns (default `n`).
        dtype (dtype, optional): the dtype (default float32).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: an `(n, m)` tensor, 1 on the diagonal and 0 elsewhere.

    Examples:
        >>> retrograd.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    check_layout(layout, "eye")
    check_pin_memory(pin_memory)
    if out is not None:
        return write_out(out, eye, locals(), ANY, dtype_from_out=True)
    if m is None:
        n = int_arg("eye", "n", 1, n)
    elif not (is_int(n) and is_int(m)):
        raise invalid_combination("eye", (n, m), _EYE_SIGNATURES)
    else:
        n, m = operator.index(n), operator.index(m)
    dev = _target(device)
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _factory(np.eye(n, m if m is not None else n, dtype=_float_or(dtype).np), requires_grad, dev)


def _like_dtype(t: Tensor, dtype: dtype | None) -> dtype:
    return _dt.from_python_type(dtype) if dtype is not None else t.dtype


def _filled_like(
    t: Tensor, value: Any, dtype: dtype | None, device: Any, requires_grad: bool, memory_format: Any
) -> Tensor:
    """`t`'s shape filled with `value`, laid out as `memory_format` asks (PyTorch's default,
    `preserve_format`: `t`'s order of strides); built where `t` lives, then moved to `device`."""
    dev = _target(device, t)
    name = check_memory_format(memory_format)
    data = t._data
    if type(data) is SparseCOO:  # PyTorch's zeros_like/empty_like: no entries; other values: fill_ refused
        if value != 0:
            raise NotImplementedError(SPARSE_MISSING.format("fill_.Scalar"))
        dt = _like_dtype(t, dtype).np
        empty = SparseCOO(np.zeros((data.sparse_dim, 0), np.int64), np.zeros((0,) + data.values.shape[1:], dt),
                          data.shape, True)
        out = Tensor._make(empty)
        return out._set_requires_grad() if requires_grad else out
    if type(data) is SparseCompressed:  # PyTorch's: zeros keep no entries, other values fill the stored ones
        dt = _like_dtype(t, dtype).np
        if value == 0:
            kept = SparseCompressed(np.zeros_like(data.compressed), data.plain[:0].copy(), np.zeros(0, dt), data.shape,
                                    data.layout)  # fmt: skip
        else:
            kept = SparseCompressed(data.compressed.copy(), data.plain.copy(), np.full(data.nnz, value, dt),
                                    data.shape, data.layout)  # fmt: skip
        out = Tensor._make(kept)
        return out._set_requires_grad() if requires_grad else out
    host = dev != t.device
    xp = _maker(dev) if host else namespace(data)
    dt = _like_dtype(t, dtype).np
    if name == "contiguous_format" or (name == "preserve_format" and is_row_major(data)):
        # the common case: no layout to build (zeros from calloc'd memory, as before)
        out = xp.zeros(data.shape, dtype=dt) if value == 0 else xp.full(data.shape, value, dtype=dt)
    else:
        out = empty_in_format(xp, data, dt, name)  # only data's shape and strides are read
        out[...] = value
    return _factory(out, requires_grad, dev) if host else _factory(out, requires_grad)


def _zeros_laid_out(
    t: Tensor, fn: str, dtype: dtype | None, layout: Any, device: Any, requires_grad: bool, memory_format: Any
) -> Tensor:
    """`zeros_like(t, layout=...)`: dense zeros shaped like `t` (sparse or not) for `strided`, else a
    sparse tensor with no entries (see `sparse_zeros`)."""
    if layout is strided:
        dense = t if t.layout is strided else t.detach().to_dense()  # only the shape is read
        return _filled_like(dense, 0, dtype, device, requires_grad, memory_format)
    dt = dtype_arg(dtype, fn)
    return sparse_zeros(fn, tuple(t.shape), t.dtype if dt is None else dt, layout, _target(device, t), requires_grad)


def zeros_like(
    t: Tensor, *, dtype: dtype | None = None, layout: Any = None, device: Any = None, requires_grad: bool = False,
    pin_memory: bool = False, memory_format: Any = None,
) -> Tensor:
    """A tensor of zeros with `t`'s shape and (by default) dtype and device.

    Args:
        t (Tensor): the tensor whose shape is copied.
        dtype (dtype, optional): the dtype (default: `t`'s).
        requires_grad (bool): whether autograd records operations on the result.
        memory_format (memory_format, optional): `preserve_format` (default: `t`'s order of strides),
            `contiguous_format`, or `channels_last` (4-D) / `channels_last_3d` (5-D).

    Returns:
        Tensor: zeros of shape `t.shape`.

    Examples:
        >>> retrograd.zeros_like(retrograd.tensor([[1, 2], [3, 4]]))
        tensor([[0, 0],
                [0, 0]])
    """
    check_pin_memory(pin_memory)
    if not isinstance(t, Tensor):
        raise not_a_tensor("zeros_like", t)
    dtype = dtype_arg(dtype, "zeros_like")
    if layout is not None:
        return _zeros_laid_out(t, "zeros_like", dtype, layout, device, requires_grad, memory_format)
    return _filled_like(t, 0, dtype, device, requires_grad, memory_format)


def ones_like(
    t: Tensor, *, dtype: dtype | None = None, layout: Any = None, device: Any = None, requires_grad: bool = False,
    pin_memory: bool = False, memory_format: Any = None,
) -> Tensor:
    """A tensor of ones with `t`'s shape and (by default) dtype and device.

    Args:
        t (Tensor): the tensor whose shape is copied.
        dtype (dtype, optional): the dtype (default: `t`'s).
        requires_grad (bool): whether autograd records operations on the result.
        memory_format (memory_format, optional): `preserve_format` (default: `t`'s order of strides),
            `contiguous_format`, or `channels_last` (4-D) / `channels_last_3d` (5-D).

    Returns:
        Tensor: ones of shape `t.shape`.

    Examples:
        >>> retrograd.ones_like(retrograd.tensor([0.5, 1.5]))
        tensor([1., 1.])
    """
    check_pin_memory(pin_memory)
    if not isinstance(t, Tensor):
        raise not_a_tensor("ones_like", t)
    dtype = dtype_arg(dtype, "ones_like")
    check_layout(layout, "ones_like")
    if layout is not None:
        t = t.detach().to_dense() if t.layout is not strided else t  # only the shape is read
    return _filled_like(t, 1, dtype, device, requires_grad, memory_format)


def empty_like(
    t: Tensor, *, dtype: dtype | None = None, layout: Any = None, device: Any = None, requires_grad: bool = False,
    pin_memory: bool = False, memory_format: Any = None,
) -> Tensor:
    """A tensor with `t`'s shape and (by default) dtype and device whose values are not to be relied on.

    PyTorch leaves the memory uninitialised; retrograd fills it with zeros, which programs must
    not count on either.

    Args:
        t (Tensor): the tensor whose shape is copied.
        dtype (dtype, optional): the dtype (default: `t`'s).
        device (str or device, optional): the device (default: `t`'s).
        requires_grad (bool): whether the result records a graph (default False).
        memory_format (memory_format, optional): `preserve_format` (default: `t`'s order of strides),
            `contiguous_format`, or `channels_last` (4-D) / `channels_last_3d` (5-D).

    Returns:
        Tensor: shape `t.shape`, to be written before it is read.

    Examples:
        >>> e = retrograd.empty_like(retrograd.ones(2, 3, dtype=retrograd.int32))
        >>> e.shape, e.dtype
        (retrograd.Size([2, 3]), retrograd.int32)
    """
    check_pin_memory(pin_memory)
    if not isinstance(t, Tensor):
        raise not_a_tensor("empty_like", t)
    dtype = dtype_arg(dtype, "empty_like")
    if layout is not None and (layout is strided or layout is t.layout):  # PyTorch's: no dense to sparse here
        return _uninitialized(_zeros_laid_out(t, "empty_like", dtype, layout, device, requires_grad, memory_format))
    check_layout(layout, "empty_like")
    # laid out as PyTorch's (a transposed input gives a transposed result), so what fills it in
    # memory order (dropout's mask, rand_like) draws as PyTorch's does
    return _uninitialized(_filled_like(t, 0, dtype, device, requires_grad, memory_format))


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor filled with `fill_value`, with `input`'s shape and (by default) dtype and device.

    Args:
        input (Tensor): the tensor whose shape is copied.
        fill_value (number): the value of every element.
        dtype (dtype, optional): the dtype (default: `input`'s).
        memory_format (memory_format, optional): `preserve_format` (default: `input`'s order of strides),
            `contiguous_format`, or `channels_last` (4-D) / `channels_last_3d` (5-D).

    Returns:
        Tensor: `fill_value` everywhere, of shape `input.shape`.

    Examples:
        >>> retrograd.full_like(retrograd.zeros(2, 2), 3.5)
        tensor([[3.5000, 3.5000],
                [3.5000, 3.5000]])
    """
    check_pin_memory(pin_memory)
    check_layout(layout, "full_like")
    dtype = dtype_arg(dtype, "full_like")
    if layout is not None and input.layout is not strided:
        input = input.detach().to_dense()  # only the shape is read
    fill_value = scalar_arg("full_like", "fill_value", 2, fill_value)
    check_scalar_fits(fill_value, _like_dtype(input, dtype), half_rounds=_one_element(input._data.shape))
    return _filled_like(input, store_scalar(fill_value, _like_dtype(input, dtype).np), dtype, device,
                        requires_grad, memory_format)


def scalar_like(value: Any, t: Tensor) -> Tensor:
    """A Python number as a 0-d tensor of the dtype it would have next to `t` (for `2 - x`)."""
    if isinstance(value, Tensor):
        return value
    return Tensor._make(namespace(t._data).asarray(value, dtype=_dt.result_type(value).np))


def new_like(
    t: Tensor, kind: str, *args: Any, size: Any = None, dtype: dtype | None = None, device: Any = None,
    requires_grad: bool = False, layout: Any = None, pin_memory: bool = False,
) -> Tensor:
    """`t.new_zeros(...)` and friends: the dtype defaults to `t`'s; the shape by position or as `size=`."""
    if kind not in ("zeros", "empty") or not isinstance(layout, layout_type):  # those two make sparse ones too
        check_layout(layout, f"new_{kind}")
    check_pin_memory(pin_memory)
    dev = _target(device, t)
    dtype = dtype_arg(dtype, f"new_{kind}")
    dt = dtype if dtype is not None else t.dtype
    if kind == "tensor":
        from .from_data import copy_construct_warning, tensor

        if isinstance(args[0], Tensor):
            copy_construct_warning("tensor.new_tensor(sourceTensor)", stacklevel=4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tensor()'s own copy warning names torch.tensor: said above
            # this tensor's dtype whatever the data's (an array's or a tensor's too), as PyTorch
            return tensor(args[0], dtype=dt, device=dev, requires_grad=requires_grad)
    if kind == "full":
        new_shape(args[:1], "new_full")
        return full(args[0], args[1], dtype=dt, device=dev, requires_grad=requires_grad)
    args = size_keyword(args, size, f"new_{kind}")
    new_shape(args, f"new_{kind}")
    maker: Any = {"zeros": zeros, "ones": ones, "empty": empty}[kind]
    return maker(*args, dtype=dt, layout=layout, device=dev, requires_grad=requires_grad)
