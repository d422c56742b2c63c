"""Making tensors: `tensor`, factories, ranges and `*_like` (copies are in `copying`)."""

from __future__ import annotations

import math
import sys
import warnings
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..backend import CPU, NO_CUDA, as_device, cuda_backend, namespace, to_device
from ..dtypes import dtype
from ..tensor import Tensor
from .kernels.guards import (
    check_data_fits,
    check_range,
    check_scalar_fits,
    check_steps,
    new_shape,
    ragged_error,
    store_scalar,
)
from .kernels.out_arg import ANY, write_out
from .kernels.placement import check_layout, check_memory_format, check_pin_memory

__all__ = [
    "tensor",
    "as_tensor",
    "asarray",
    "from_numpy",
    "from_dlpack",
    "zeros",
    "ones",
    "full",
    "empty",
    "arange",
    "range",
    "linspace",
    "logspace",
    "eye",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "scalar_like",
    "new_like",
    "scalar_tensor",
]

_builtin_range = range


def _infer_dtype(data: Any, arr: np.ndarray) -> dtype:
    """PyTorch's dtype for Python data: bools stay bool, ints int64, floats the default."""
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        return _dt.from_numpy(arr.dtype)
    kind = arr.dtype.kind
    if kind == "b":
        return _dt.bool_
    if kind in "iu":
        return _dt.int64
    if kind == "f":
        if _has_numpy_float(data):
            return _dt.from_numpy(arr.dtype)
        return _dt.get_default_dtype()
    if kind == "c":  # Python complex numbers: the complex dtype of the default float
        return _dt.get_default_dtype().to_complex()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _has_numpy_float(data: Any) -> bool:
    """Nested data whose floats are all NumPy/retrograd values keeps their dtype."""
    stack, found = [data], False
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, float) and not isinstance(x, np.floating):
            return False
        elif isinstance(x, (np.floating, Tensor)):
            found = True
    return found


def _to_array(data: Any) -> np.ndarray:
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        return np.stack([_to_array(x) for x in data]) if data else np.zeros(0)
    try:
        return np.asarray(data)
    except ValueError as e:
        raise ragged_error(data) or ValueError(f"expected sequence of equal lengths: {e}") from None


def tensor(
    data: Any,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A new tensor that copies `data` (a number, nested lists, an array or a tensor).

    Python floats become the default dtype (float32), ints int64, bools bool;
    NumPy arrays keep their dtype.

    Args:
        data (number, list, ndarray or Tensor): the values; nested lists give the shape.
        dtype (dtype, optional): the result's dtype; by default inferred from `data`.
        device (str or device, optional): where the tensor lives (default `"cpu"`).
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: a new leaf tensor with its own copy of `data`.

    Example:
        >>> retrograd.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> retrograd.tensor([1.5, 2.0], requires_grad=True)
        tensor([1.5000, 2.0000], requires_grad=True)
        >>> retrograd.tensor(3).dtype
        retrograd.int64
    """
    check_pin_memory(pin_memory)
    dev = _target(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
            "or sourceTensor.clone().detach().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    if isinstance(data, Tensor) and data.is_cuda:  # a device copy, on the device asked for or data's own
        copied = data.detach().to(device=device if device is not None else data.device, dtype=dtype, copy=True)
        return copied.requires_grad_(requires_grad)
    arr = _to_array(data)
    arr = _check_python_data(data, arr, dtype)
    dt = dtype if dtype is not None else _infer_dtype(data, arr)
    t = Tensor._make(_placed(np.array(arr, dtype=dt.np, copy=True), dev))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _check_python_data(data: Any, arr: np.ndarray, dt: dtype | None) -> np.ndarray:
    """PyTorch's errors for Python data it cannot store: odd objects, huge ints, out-of-range values.

    Returns `arr`, as float64 when huge ints sit next to floats (PyTorch reads those as floats).
    """
    if isinstance(data, (np.ndarray, Tensor)):
        return arr  # arrays and tensors are cast (wrapping) without checks, as in PyTorch
    odd = arr.dtype.kind in "USV" or arr.dtype == object
    bad = [x for x in arr.flat if not isinstance(x, (int, float, bool, complex))][:1] if odd else []
    if arr.dtype.kind in "USV" or bad:
        if arr.dtype.kind == "U" or isinstance(bad[0], str):
            raise TypeError("new(): invalid data type 'str'")
        raise (ragged_error(data) or RuntimeError(f"Could not infer dtype of {type(bad[0]).__name__}"))
    if arr.dtype == object and any(isinstance(x, float) for x in arr.flat):
        arr = arr.astype(np.float64)
    if dt is None:
        if arr.dtype == np.uint64 or arr.dtype == object:
            raise ValueError("Overflow when unpacking long long")
    else:
        check_data_fits(arr, dt)
    return arr


def scalar_tensor(value: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding `value` (default float dtype)."""
    check_scalar_fits(value, dtype or _dt.get_default_dtype())
    return tensor(value, dtype=dtype or _dt.get_default_dtype(), device=device, requires_grad=requires_grad)


def as_tensor(data: Any, dtype: dtype | None = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with a tensor or NumPy array when it can.

    Args:
        data (number, list, ndarray or Tensor): the values.
        dtype (dtype, optional): the result's dtype; a different dtype makes a copy.
        device (str or device, optional): where the tensor lives.

    Returns:
        Tensor: `data` itself when it already is a matching tensor, else a tensor sharing or copying its memory.

    Example:
        >>> import numpy as np
        >>> a = np.array([1.0, 2.0])
        >>> t = retrograd.as_tensor(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 2.], dtype=retrograd.float64)
    """
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if device is not None or dtype is not None else data
    dev = _target(device)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        _dt.from_numpy(data.dtype)
        return Tensor._make(_placed(data, dev))
    return tensor(data, dtype=dtype, device=dev)


asarray = as_tensor


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (changes show in both).

    Args:
        array (ndarray): a NumPy array of a supported dtype, of any shape.

    Returns:
        Tensor: a tensor of the same shape and dtype that shares `array`'s memory.

    Example:
        >>> import numpy as np
        >>> retrograd.from_numpy(np.arange(3))
        tensor([0, 1, 2])
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    _dt.from_numpy(array.dtype)
    return Tensor._make(array)


def from_dlpack(obj: Any) -> Tensor:
    """A tensor sharing memory with any DLPack producer (NumPy, PyTorch, JAX, CuPy), on its device."""
    kind = obj.__dlpack_device__()[0] if hasattr(obj, "__dlpack_device__") else 1
    if kind in (2, 13):  # kDLCUDA, kDLCUDAManaged: zero-copy into the CUDA backend's array
        cuda = cuda_backend()
        if cuda is None:
            raise AssertionError(NO_CUDA)
        return Tensor._make(cuda.xp.from_dlpack(obj))
    return Tensor._make(np.from_dlpack(obj))


def _float_or(dt: dtype | None) -> dtype:
    return dt if dt is not None else _dt.get_default_dtype()


def _target(device: Any, like: Tensor | None = None) -> Any:
    """The device a new tensor goes to: `device`, else `like`'s, else the default device."""
    if device is not None:
        return as_device(device)
    if like is not None:
        return like.device
    chosen = sys.modules.get(_DEFAULT_DEVICE)  # loaded on first use: unset until set_default_device
    return CPU if chosen is None else chosen.get_default_device()


target_device = _target  # for retrograd.random's factories

_DEFAULT_DEVICE = __name__.rsplit(".", 2)[0] + "._default_device"


def _placed(arr: Any, dev: Any) -> Any:
    """`arr` (built on the host) on device `dev` (a host-to-device copy unless `dev` is the CPU)."""
    return arr if dev is CPU else to_device(arr, dev)


def _factory(arr: np.ndarray, requires_grad: bool, dev: Any = CPU) -> Tensor:
    t = Tensor._make(_placed(arr, dev))
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(
    *size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, out: Any = None
) -> Tensor:
    """A tensor of zeros of the given shape (default dtype float32).

    Args:
        *size (int or sequence of int): the shape, as ints or one sequence, e.g. `(N, C)`.
        dtype (dtype, optional): the dtype (default: `get_default_dtype()`, float32).
        device (str or device, optional): where the tensor lives.
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: a tensor of shape `size` filled with 0.

    Example:
        >>> retrograd.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> retrograd.zeros((2,), dtype=retrograd.int64)
        tensor([0, 0])
    """
    if out is not None:
        return write_out(out, zeros, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    return _factory(np.zeros(new_shape(size, "zeros"), _float_or(dtype).np), requires_grad, dev)


def ones(
    *size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, out: Any = None
) -> Tensor:
    """A tensor of ones of the given shape.

    Args:
        *size (int or sequence of int): the shape, as ints or one sequence.
        dtype (dtype, optional): the dtype (default float32).
        device (str or device, optional): where the tensor lives.
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: a tensor of shape `size` filled with 1.

    Example:
        >>> retrograd.ones(2, 2)
        tensor([[1., 1.],
                [1., 1.]])
    """
    if out is not None:
        return write_out(out, ones, locals(), ANY, dtype_from_out=True)
    dev = _target(device)
    return _factory(np.ones(new_shape(size, "ones"), _float_or(dtype).np), requires_grad, dev)


def empty(
    *size: Any,
    out: Any = None,
    dtype: dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """An uninitialised tensor (retrograd fills it with zeros, so it is deterministic).

    Args:
        *size (int or sequence of int): the shape, as ints or one sequence.
        dtype (dtype, optional): the dtype (default float32).
        device (str or device, optional): where the tensor lives.
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: a tensor of shape `size` (zero-filled here; do not rely on the values).

    Example:
        >>> retrograd.empty(2, 3).shape
        retrograd.Size([2, 3])
    """
    if out is not None:
        return write_out(out, empty, locals(), ANY, dtype_from_out=True)
    check_layout(layout)
    check_pin_memory(pin_memory)
    check_memory_format(memory_format)
    new_shape(size, "empty")
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(
    size: Any, fill_value: Any, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with `fill_value`; its dtype is inferred from the value.

    Args:
        size (sequence of int): the shape.
        fill_value (number): the value of every element.
        dtype (dtype, optional): the dtype; by default bool, int64 or the default float by `fill_value`.

    Returns:
        Tensor: a tensor of shape `size` filled with `fill_value`.

    Example:
        >>> retrograd.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> retrograd.full((3,), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    dev = _target(device)
    if dtype is None:
        dtype = _dt.result_type(fill_value)
    check_scalar_fits(fill_value, dtype)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    return _factory(np.full(new_shape((size,), "full"), store_scalar(fill_value, dtype.np)), requires_grad, dev)


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from `start` to `end` (exclusive) by `step`; int64 unless a bound is a float.

    Args:
        start (number): the first value (or `end`, when it is the only argument).
        end (number, optional): the bound, not included.
        step (number): the gap between values.
        dtype (dtype, optional): int64 when all arguments are ints, else the default float.

    Returns:
        Tensor: a 1-D tensor of `ceil((end - start) / step)` values.

    Example:
        >>> retrograd.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> retrograd.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    dev = _target(device)
    if end is None:
        start, end = 0, start
    start, end, step = (x.item() if isinstance(x, Tensor) else x for x in (start, end, step))
    check_range(start, end, step)
    if dtype is None:
        dtype = _dt.result_type(start, end, step)
    n = max(0, math.ceil((end - start) / step))
    values = start + step * np.arange(n, dtype=np.float64 if dtype.is_floating_point else np.int64)
    return _factory(values.astype(dtype.np), requires_grad, dev)


def range(
    start: Any, end: Any, step: Any = 1, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Deprecated in PyTorch: like arange but includes `end` and defaults to float."""
    dev = _target(device)
    check_range(start, end, step)
    n = int(math.floor((end - start) / step)) + 1
    values = start + step * np.arange(n, dtype=np.float64)
    return _factory(values.astype(_float_or(dtype).np), requires_grad, dev)


def linspace(
    start: Any, end: Any, steps: int, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """`steps` evenly spaced values from `start` to `end` inclusive.

    Args:
        start (number): the first value.
        end (number): the last value (included).
        steps (int): how many values.
        dtype (dtype, optional): the dtype (default float32).

    Returns:
        Tensor: a 1-D tensor of `steps` values.

    Example:
        >>> retrograd.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    dev = _target(device)
    dt = _float_or(dtype)
    values = _linspace_f64(float(start), float(end), check_steps(steps))
    return _factory(values.astype(dt.np), requires_grad, dev)


def _linspace_f64(start: float, end: float, steps: int) -> np.ndarray:
    # PyTorch fills the first half from start and the second half from end.
    if steps == 1:
        return np.array([start])
    step = (end - start) / (steps - 1)
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    return np.where(i < half, start + step * i, end - step * (steps - 1 - i))


def logspace(
    start: Any,
    end: Any,
    steps: int,
    base: float = 10.0,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """`base ** linspace(start, end, steps)`."""
    dev = _target(device)
    values = np.power(base, _linspace_f64(float(start), float(end), check_steps(steps)))
    return _factory(values.astype(_float_or(dtype).np), requires_grad, dev)


def eye(
    n: int, m: int | None = None, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """An `(n, m)` matrix with ones on the diagonal.

    Args:
        n (int): the number of rows.
        m (int, optional): the number of columns (default `n`).
        dtype (dtype, optional): the dtype (default float32).

    Returns:
        Tensor: an `(n, m)` tensor, 1 on the diagonal and 0 elsewhere.

    Example:
        >>> retrograd.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    dev = _target(device)
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _factory(np.eye(n, m if m is not None else n, dtype=_float_or(dtype).np), requires_grad, dev)


def _like_dtype(t: Tensor, dtype: dtype | None) -> dtype:
    return dtype if dtype is not None else t.dtype


def zeros_like(
    t: Tensor, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, memory_format: Any = None
) -> Tensor:
    """A tensor of zeros with `t`'s shape and (by default) dtype and device.

    Args:
        t (Tensor): the tensor whose shape is copied.
        dtype (dtype, optional): the dtype (default: `t`'s).
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: zeros of shape `t.shape`.

    Example:
        >>> retrograd.zeros_like(retrograd.tensor([[1, 2], [3, 4]]))
        tensor([[0, 0],
                [0, 0]])
    """
    dev = _target(device, t)
    check_memory_format(memory_format)
    if dev == t.device:  # built where t lives, no copy
        return _factory(namespace(t._data).zeros(t._data.shape, dtype=_like_dtype(t, dtype).np), requires_grad)
    return _factory(np.zeros(t._data.shape, _like_dtype(t, dtype).np), requires_grad, dev)


def ones_like(
    t: Tensor, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, memory_format: Any = None
) -> Tensor:
    """A tensor of ones with `t`'s shape and (by default) dtype and device.

    Args:
        t (Tensor): the tensor whose shape is copied.
        dtype (dtype, optional): the dtype (default: `t`'s).
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: ones of shape `t.shape`.

    Example:
        >>> retrograd.ones_like(retrograd.tensor([0.5, 1.5]))
        tensor([1., 1.])
    """
    dev = _target(device, t)
    check_memory_format(memory_format)
    if dev == t.device:  # built where t lives, no copy
        return _factory(namespace(t._data).ones(t._data.shape, dtype=_like_dtype(t, dtype).np), requires_grad)
    return _factory(np.ones(t._data.shape, _like_dtype(t, dtype).np), requires_grad, dev)


def empty_like(
    t: Tensor, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, memory_format: Any = None
) -> Tensor:
    """An uninitialised tensor with `input`'s shape and (by default) dtype and device."""
    check_memory_format(memory_format)
    return zeros_like(t, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(
    t: Tensor,
    fill_value: Any,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor filled with `fill_value`, with `t`'s shape and (by default) dtype and device.

    Args:
        t (Tensor): the tensor whose shape is copied.
        fill_value (number): the value of every element.
        dtype (dtype, optional): the dtype (default: `t`'s).

    Returns:
        Tensor: `fill_value` everywhere, of shape `t.shape`.

    Example:
        >>> retrograd.full_like(retrograd.zeros(2, 2), 3.5)
        tensor([[3.5000, 3.5000],
                [3.5000, 3.5000]])
    """
    dev = _target(device, t)
    check_memory_format(memory_format)
    check_scalar_fits(fill_value, _like_dtype(t, dtype))
    return _factory(np.full(t._data.shape, store_scalar(fill_value, _like_dtype(t, dtype).np)), requires_grad, dev)


def scalar_like(value: Any, t: Tensor) -> Tensor:
    """A Python number as a 0-d tensor of the dtype it would have next to `t` (for `2 - x`)."""
    if isinstance(value, Tensor):
        return value
    return Tensor._make(namespace(t._data).asarray(value, dtype=_dt.result_type(value).np))


def new_like(
    t: Tensor, kind: str, *args: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """`t.new_zeros(...)` and friends: the dtype defaults to `t`'s."""
    dev = _target(device, t)
    dt = dtype if dtype is not None else t.dtype
    if kind == "tensor":
        return tensor(
            args[0],
            dtype=dtype if dtype is not None else None if not isinstance(args[0], (list, tuple, int, float)) else dt,
            device=dev,
            requires_grad=requires_grad,
        )
    if kind == "full":
        new_shape(args[:1], "new_full")
        return full(args[0], args[1], dtype=dt, device=dev, requires_grad=requires_grad)
    new_shape(args, f"new_{kind}")
    maker: Any = {"zeros": zeros, "ones": ones, "empty": empty}[kind]
    return maker(*args, dtype=dt, device=dev, requires_grad=requires_grad)
