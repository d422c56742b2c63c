"""Tensors from data: `tensor`, `as_tensor`/`asarray`, `scalar_tensor` (memory shared as it is: `shared_memory`).

Python data gets PyTorch's dtype (bools bool, ints int64, floats the default dtype) and its
checks (ragged nesting, values that do not fit); arrays keep their dtype and `as_tensor`
and `from_numpy` share their memory.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import dtypes as _dt
from .._storage import UntypedStorage
from .._user_frames import frames_up, warn_once
from ..backend import as_device
from ..dtypes import dtype
from ..engine.bfloat16 import converted
from ..tensor import Tensor, warn_scalar_of_graph
from .creation import FACTORY_REFUSAL, _placed, _target
from .kernels.arg_types import number_arg
from .kernels.guards import (
    check_data_fits,
    check_scalar_fits,
    foreign_sequence,
    items_by_index,
    nested_sizes,
    ragged_error,
)
from .kernels.placement import check_layout, check_pin_memory, dtype_arg

__all__ = ["tensor", "as_tensor", "asarray", "scalar_tensor"]


def _infer_dtype(data: Any, arr: np.ndarray, promoted: dtype | None) -> dtype:
    """PyTorch's dtype for Python data: bools stay bool, ints int64, floats the default.

    NumPy arrays and scalars keep their dtype, also inside lists, where every item's dtype is
    promoted with the others' (`promoted`: `[np.float64(1), 2.0]` is float64, `[np.int32(1), 2]` int64).
    """
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        return _dt.from_numpy(arr.dtype)
    if promoted is not None:
        return promoted
    kind = arr.dtype.kind
    if kind == "b":
        return _dt.bool_
    if kind in "iu":
        return _dt.int64
    if kind == "f":
        return _dt.get_default_dtype()
    if kind == "c":  # Python complex numbers: the complex dtype of the default float
        return _default_complex()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


_PYTHON_NUMBERS = frozenset((bool, int, float, complex))


def _python_dtype(kind: type) -> dtype:
    if kind is bool:
        return _dt.bool_
    if kind is int:
        return _dt.int64
    if kind is float:
        return _dt.get_default_dtype()
    return _default_complex()


def _default_complex() -> dtype:
    """The dtype of Python complex data: the default float's complex dtype (PyTorch has none for bfloat16)."""
    default = _dt.get_default_dtype()
    if default is _dt.bfloat16:
        raise RuntimeError("invalid default scalar type for complex")
    return default.to_complex()


# PyTorch's advice, once per process, for arrays inside a list: each is read item by item
_LIST_OF_ARRAYS = (
    "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider converting the "
    "list to a single numpy.ndarray with numpy.array() before converting to a tensor."
)


def _promoted_dtype(data: Any) -> dtype | None:
    """The promoted dtype of every item of nested lists, each read as PyTorch reads it alone.

    None when an item is something else (a range, an odd object): NumPy's reading decides then.
    """
    result: dtype | None = None
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            kinds = set(map(type, x))
            if not kinds <= _PYTHON_NUMBERS:
                stack.extend(x)
                continue
            found = [_python_dtype(kind) for kind in kinds]  # a row of plain numbers, read at once
        elif isinstance(x, Tensor):
            found = [x.dtype]
        elif foreign_sequence(x):  # a pandas Series: its items read by index keep their NumPy dtype
            stack.extend(items_by_index(x))
            continue
        elif isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in "biufc":
            if isinstance(x, np.ndarray):
                warn_once("tensor: list of arrays", _LIST_OF_ARRAYS)
            found = [_dt.from_numpy(x.dtype)]
        elif type(x) in _PYTHON_NUMBERS:
            found = [_python_dtype(type(x))]
        else:
            return None
        for dt in found:
            result = dt if result is None else _dt.promote_types(result, dt)
    return result


def _to_array(data: Any, promoted: dtype | None, target: dtype | None) -> np.ndarray:
    if isinstance(data, Tensor):
        return data._data
    if _holds_tensors(data):
        target = target or promoted or _dt.get_default_dtype()
        elements = _elements(data, integral=not (target.is_floating_point or target.is_complex))
        return np.array(elements, dtype=(promoted or _dt.get_default_dtype()).np)
    try:
        arr = np.asarray(data)
    except ValueError as e:
        found = _uninferable(data) if target is None else None  # PyTorch infers the dtype before it stores
        raise found or ragged_error(data) or ValueError(f"expected sequence of equal lengths: {e}") from None
    if arr.dtype.kind == "f" and _integral(promoted) and (target is None or _integral(target)):
        if target is _dt.uint64:  # ints past int64 ([2**64 - 1, 1]) fit uint64
            return np.asarray(data, dtype=np.uint64)
        # ints only, one past int64 ([2**63, 1]): NumPy reads float64 where PyTorch cannot store them
        raise ValueError("Overflow when unpacking long long")
    return arr


def _uninferable(data: Any) -> Exception | None:
    """PyTorch's dtype inference error for the first item (depth first) that is text or no number.

    PyTorch reads every item's dtype before it checks the lengths, so `[[1, 2], 'a']` and
    `[[1, 2], None]` raise this rather than a ragged-sequence error.
    """
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (np.generic, np.ndarray, Tensor)) or type(x) in _PYTHON_NUMBERS:
            continue
        if isinstance(x, (str, bytes)):
            return TypeError(f"new(): invalid data type '{type(x).__name__}'")
        if isinstance(x, (list, tuple)) or foreign_sequence(x):
            stack.extend(reversed(list(x)))
        elif not isinstance(x, (int, float, complex)):  # bool, int, float and complex subclasses are numbers
            return RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    return None


def _integral(dt: dtype | None) -> bool:
    return dt is not None and dt is not _dt.bool_ and not (dt.is_floating_point or dt.is_complex)


def copy_construct_warning(instead_of: str, stacklevel: int = 3) -> None:
    """PyTorch's advice when a tensor is built from a tensor (`torch.tensor(t)`, `t.new_tensor(u)`)."""
    warnings.warn(
        "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
        f"sourceTensor.detach().clone().requires_grad_(True), rather than {instead_of}.",
        UserWarning,
        stacklevel=frames_up(stacklevel),
    )


def _holds_tensors(data: Any) -> bool:
    """Whether a list (or a list of lists) has tensors among its items."""
    if not isinstance(data, (list, tuple)):
        return False
    return any(isinstance(x, Tensor) or (isinstance(x, (list, tuple)) and any(isinstance(y, Tensor) for y in x))
               for x in data)


def _elements(data: Any, integral: bool) -> Any:
    """Nested data with each tensor in it as its one value (PyTorch reads a tensor in a list as a number).

    `integral`: the tensor is made of integers, so PyTorch reads each one with `__index__` (its error then).
    """
    if isinstance(data, (list, tuple)):
        return [_elements(x, integral) for x in data]
    if isinstance(data, Tensor):
        if data.requires_grad and not integral:  # read with float(), which warns
            warn_scalar_of_graph()
        if integral and (data._data.size != 1 or data._data.dtype.kind not in "biu"):  # __index__'s refusal
            raise TypeError("only integer tensors of a single element can be converted to an index")
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data._data.reshape(())[()]
    return data


def tensor(
    data: Any,
    *,
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

    Examples:
        >>> retrograd.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> retrograd.tensor([1.5, 2.0], requires_grad=True)
        tensor([1.5000, 2.0000], requires_grad=True)
        >>> retrograd.tensor(3).dtype
        retrograd.int64
    """
    check_pin_memory(pin_memory)
    dtype = dtype_arg(dtype, "tensor")  # `dtype=float`: float64, as PyTorch reads it
    dev = _target(device)
    if isinstance(data, Tensor):
        copy_construct_warning("torch.tensor(sourceTensor)")
    if isinstance(data, Tensor) and data.is_cuda:  # a device copy, on the device asked for or data's own
        copied = data.detach().to(device=device if device is not None else data.device, dtype=dtype, copy=True)
        return copied._switch_requires_grad(requires_grad, FACTORY_REFUSAL)
    promoted = None
    if isinstance(data, np.ndarray):
        check_strides(data)
        if data.dtype.kind in "OUSMmV":  # PyTorch refuses these arrays even when `dtype` could hold the values
            _dt.from_numpy(data.dtype)  # its TypeError (a bfloat16 array, kind 'V', passes)
    if not isinstance(data, Tensor) and foreign_sequence(data):
        promoted = _promoted_dtype([data])  # its items by index (a Series' labels), then its values in order
        data = list(data)
    if isinstance(data, (list, tuple)):
        nested_sizes(data)  # PyTorch's shape reading first: its error for a 0-d array in the way
        if promoted is None:
            promoted = _promoted_dtype(data)  # every item read, as PyTorch stores them (arrays warned of)
    arr = _to_array(data, promoted, dtype)
    arr = _check_python_data(data, arr, dtype)
    dt = dtype if dtype is not None else _infer_dtype(data, arr, promoted)
    halfwidth = dt is _dt.bfloat16 or dt is _dt.float16  # made from float32, as PyTorch's
    array = converted(np.asarray(arr), dt.np) if halfwidth else np.array(arr, dtype=dt.np, copy=True)
    t = Tensor._make(_placed(array, dev))
    if requires_grad:
        t._switch_requires_grad(True, FACTORY_REFUSAL)
    return t


def _check_python_data(data: Any, arr: np.ndarray, dt: dtype | None) -> np.ndarray:
    """PyTorch's errors for Python data it cannot store: odd objects, huge ints, out-of-range values.

    Returns `arr`, as float64 when huge ints sit next to floats (PyTorch reads those as floats).
    """
    if isinstance(data, (np.ndarray, Tensor)):
        return arr  # arrays and tensors are cast (wrapping) without checks, as in PyTorch
    odd = arr.dtype.kind in "USV" or arr.dtype == object
    numbers = (int, float, bool, complex, np.number, np.bool_)
    bad = [x for x in arr.flat if not isinstance(x, numbers)][:1] if odd else []
    if arr.dtype.kind in "USV" or bad:
        if arr.dtype.kind in "US" or isinstance(bad[0], (str, bytes)):
            raise _text_error("str" if arr.dtype.kind == "U" or isinstance(bad[0], str) else "bytes", dt)
        raise (ragged_error(data) or RuntimeError(f"Could not infer dtype of {type(bad[0]).__name__}"))
    if arr.dtype == object and any(isinstance(x, float) for x in arr.flat):
        arr = arr.astype(np.float64)
    if dt is None:
        if arr.dtype == np.uint64 or arr.dtype == object:
            raise ValueError("Overflow when unpacking long long")
    else:
        if arr.dtype.kind == "c" and dt is not _dt.bool_ and not dt.is_complex:  # even 2+0j
            raise _text_error("complex", dt)
        check_data_fits(arr, dt)
    return arr


def _text_error(kind: str, dt: dtype | None) -> TypeError:
    """PyTorch's error for text among the numbers: its dtype inference, or the conversion to `dt`, refuses it."""
    if dt is None:
        return TypeError(f"new(): invalid data type '{kind}'")
    if dt.is_floating_point or dt.is_complex:
        return TypeError(f"must be real number, not {kind}")
    return TypeError(f"'{kind}' object cannot be interpreted as an integer")


def scalar_tensor(
    value: Any, *, dtype: dtype | None = None, layout: Any = None, device: Any = None, pin_memory: bool = False,
    requires_grad: bool = False,
) -> Tensor:
    """A 0-d tensor holding the number `value` (the default float dtype unless `dtype` is given).

    Args:
        value (number): the value; it must fit `dtype`.
        dtype (dtype, optional): the dtype (default: the default float dtype, even for ints).
        device (str or device, optional): the device.
        requires_grad (bool): whether the result records a graph (default False).

    Returns:
        Tensor: shape ().

    Examples:
        >>> retrograd.scalar_tensor(3), retrograd.scalar_tensor(3).shape
        (tensor(3.), retrograd.Size([]))
        >>> retrograd.scalar_tensor(True, dtype=retrograd.bool)
        tensor(True)
    """
    if isinstance(value, Tensor) and value._data.ndim == 0:  # a 0-d tensor passes as its number
        value = value.item()
    if isinstance(value, Tensor):
        raise TypeError("scalar_tensor(): argument 's' (position 1) must be Number, not Tensor")
    number_arg("scalar_tensor", "s", 1, value)
    check_layout(layout, "scalar_tensor")
    check_pin_memory(pin_memory)
    dtype = dtype_arg(dtype, "scalar_tensor")
    check_scalar_fits(value, dtype or _dt.get_default_dtype(), half_rounds=True)
    return tensor(value, dtype=dtype or _dt.get_default_dtype(), device=device, requires_grad=requires_grad)


def as_tensor(data: Any, *, dtype: dtype | None = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with a tensor or NumPy array when it can.

    Args:
        data (number, list, ndarray or Tensor): the values.
        dtype (dtype, optional): the result's dtype; a different dtype makes a copy.
        device (str or device, optional): where the tensor lives.

    Returns:
        Tensor: `data` itself when it already is a matching tensor, else a tensor sharing or copying its memory.

    Examples:
        >>> import numpy as np
        >>> a = np.array([1.0, 2.0])
        >>> t = retrograd.as_tensor(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 2.], dtype=retrograd.float64)
    """
    dtype = dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if device is not None or dtype is not None else data
    dev = _target(device)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        check_shareable(data)
        _dt.from_numpy(data.dtype)
        return Tensor._make(_placed(data.view(), dev))  # its own array object, as from_numpy's
    return tensor(data, dtype=dtype, device=dev)


_UNSET: Any = object()
_asarray_warned = [False]


def asarray(
    obj: Any, *, dtype: dtype | None = None, device: Any = None, copy: bool | None = None,
    requires_grad: bool = _UNSET,
) -> Tensor:
    """`obj` as a tensor, sharing its memory when it can (the array-API spelling of `as_tensor`).

    Args:
        obj (Tensor, ndarray, number or sequence): the data.
        dtype (dtype, optional): the result's dtype.
        device (str or device, optional): where the result lives.
        copy (bool, optional): True always copies; False must share memory (ValueError when it
            cannot); None shares when it can.
        requires_grad (bool): whether the result requires grad; unset, a tensor's own setting is
            kept, with PyTorch's warning where that setting is True.

    Returns:
        Tensor: `obj` itself, a view of its memory, or a copy.

    Examples:
        >>> import numpy as np
        >>> a = np.ones(2, dtype=np.float32)
        >>> t = retrograd.asarray(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 1.])
        >>> retrograd.asarray([1, 2], copy=True)
        tensor([1, 2])
    """
    dtype = dtype_arg(dtype, "asarray")
    if isinstance(obj, Tensor):
        result = _tensor_as_array(obj, dtype, device, copy)
    elif isinstance(obj, UntypedStorage):  # its bytes read as `dtype` (int64 when None, as PyTorch)
        raw = obj._bytes() if copy is not True else obj._bytes().copy()
        result = as_tensor(raw.view((dtype or _dt.int64).np), device=device)
    elif isinstance(obj, (np.ndarray, np.generic)) and (dtype is None or obj.dtype == dtype.np) and copy is not True:
        result = as_tensor(np.asarray(obj), device=device)
    elif copy is False:
        if isinstance(obj, (np.ndarray, np.generic)):
            raise ValueError(f"can't alias tensor with dtype '{_dt.from_numpy(obj.dtype).kind_name}' into dtype "
                             f"'{dtype.kind_name}'.")
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    else:
        result = tensor(obj, dtype=dtype, device=device)
    if requires_grad is _UNSET:
        if result.requires_grad and not _asarray_warned[0]:  # once per process, as PyTorch's
            _asarray_warned[0] = True
            warnings.warn(
                "torch.asarray: unspecified requires_grad now defaults to obj.requires_grad instead of False. "
                "Pass requires_grad=False explicitly to get the old behavior and silence this warning.",
                UserWarning, stacklevel=frames_up(2),
            )
    elif result.requires_grad != requires_grad:
        # PyTorch's: a leaf (obj itself included) is switched, a tensor in a graph detached from it
        result = result._set_requires_grad(requires_grad) if result.is_leaf else result.detach()
    return result


def _tensor_as_array(obj: Tensor, dtype: dtype | None, device: Any, copy: bool | None) -> Tensor:
    converts = (dtype is not None and dtype != obj.dtype) or (device is not None and as_device(device) != obj.device)
    if converts and copy is False:
        if dtype is not None and dtype != obj.dtype:
            raise ValueError(f"can't alias tensor with dtype '{obj.dtype.kind_name}' into dtype '{dtype.kind_name}'.")
        raise ValueError(f"can't alias tensor from device '{obj.device}' to '{as_device(device)}'.")
    if converts:
        return obj.to(device=device, dtype=dtype)
    return obj.clone() if copy else obj


_NOT_WRITABLE = (
    "The given NumPy array is not writable, and PyTorch does not support non-writable tensors. This means "
    "writing to this tensor will result in undefined behavior. You may want to copy the array to protect its "
    "data or make it writable before converting it to a tensor. This type of warning will be suppressed for "
    "the rest of this program."
)


def check_shareable(array: np.ndarray) -> None:
    """PyTorch's checks before it shares an array's memory: a warning once if it is read-only, then its strides."""
    if not array.flags.writeable:
        warn_once("from_numpy: not writable", _NOT_WRITABLE)
    check_strides(array)


def check_strides(array: np.ndarray) -> None:
    """PyTorch's ValueError for strides a tensor cannot have (negative ones, or ones that split an element).

    PyTorch reads every array through a tensor over its memory, so even a copy (`torch.tensor`) refuses them.
    """
    if any(stride % array.itemsize for stride in array.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array "
                         "to reallocate the memory.")
    if any(stride < 0 for stride in array.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a copy "
                         "of your array  with array.copy().) ")
