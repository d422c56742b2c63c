"""Questions about tensors and dtypes, with no gradient: is_signed, is_same_size, is_inference, can_cast,
typename, get_device, detach, unravel_index (flat indices to coordinates) and _assert."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt
from .._display_name import package_name
from ..engine.primitive import not_a_tensor
from ..tensor import Tensor
from .kernels.arg_types import check_tensors, dtype_arg, invalid_combination, type_name_of

__all__ = [
    "_assert", "can_cast", "detach", "get_device", "is_inference", "is_same_size", "is_signed", "typename",
    "unravel_index",
]


def is_signed(input: Tensor) -> bool:
    """Whether `input`'s dtype holds negative numbers (every dtype but bool and the unsigned ones).

    Args:
        input (Tensor): any tensor; only its dtype is read.

    Returns:
        bool: `input.dtype.is_signed`.

    Examples:
        >>> retrograd.is_signed(retrograd.tensor([1, 2]))
        True
        >>> retrograd.is_signed(retrograd.tensor([1], dtype=retrograd.uint8))
        False
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("is_signed", input)
    return input.dtype.is_signed


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether the two tensors have the same shape (dtypes and values do not matter).

    Args:
        input (Tensor): a tensor.
        other (Tensor): the tensor to compare shapes with.

    Returns:
        bool: `input.shape == other.shape`.

    Examples:
        >>> retrograd.is_same_size(retrograd.zeros(2, 3), retrograd.ones(2, 3))
        True
        >>> retrograd.is_same_size(retrograd.zeros(2, 3), retrograd.zeros(3, 2))
        False
    """
    check_tensors("is_same_size", input=input, other=other)
    return tuple(input.shape) == tuple(other.shape)


def is_inference(input: Tensor) -> bool:
    """Whether `input` is an inference tensor: made inside `inference_mode()`, or a view of one.

    Args:
        input (Tensor): any tensor.

    Returns:
        bool: `input.is_inference()`.

    Examples:
        >>> with retrograd.inference_mode():
        ...     x = retrograd.ones(2)
        >>> retrograd.is_inference(x), retrograd.is_inference(x.clone())
        (True, False)
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("is_inference", input)
    return input.is_inference()


def can_cast(from_: _dt.dtype, to: _dt.dtype) -> bool:
    """Whether PyTorch's casting rules allow `from_` to `to` (the check in-place ops and `out=` make).

    A cast is refused only when it changes the kind of number: floating to integer or bool,
    complex to real, integer to bool. Narrowing within a kind (float64 to float16) is allowed.

    Args:
        from_ (dtype): the source dtype.
        to (dtype): the target dtype.

    Returns:
        bool: True when the cast keeps the kind of number.

    Examples:
        >>> retrograd.can_cast(retrograd.int32, retrograd.float32)
        True
        >>> retrograd.can_cast(retrograd.float32, retrograd.int64)
        False
        >>> retrograd.can_cast(retrograd.float64, retrograd.float16)
        True
        >>> retrograd.can_cast(retrograd.complex64, retrograd.float64)
        False
    """
    return _dt.can_cast(dtype_arg("can_cast", "from_", 1, from_), dtype_arg("can_cast", "to", 2, to))


def promote_types(type1: _dt.dtype, type2: _dt.dtype) -> _dt.dtype:
    """The smallest dtype both `type1` and `type2` convert to without losing their kind (PyTorch's table).

    A higher kind wins (bool < integer < floating < complex); within a kind the wider dtype
    wins, and the pairs without a wider member go one up (uint8 with int8 is int16, float16
    with bfloat16 is float32). Python's `float`, `int`, `bool` and `complex` stand for float64,
    int64, bool and complex128, as in PyTorch.

    Args:
        type1 (dtype): a dtype.
        type2 (dtype): another dtype.

    Returns:
        dtype: the promoted dtype.

    Examples:
        >>> retrograd.promote_types(retrograd.int32, retrograd.float16)
        retrograd.float16
        >>> retrograd.promote_types(retrograd.uint8, retrograd.int8)
        retrograd.int16
        >>> retrograd.promote_types(retrograd.float32, float)
        retrograd.float64
    """
    a = dtype_arg("promote_types", "type1", 1, type1)
    return _dt.promote_types(a, dtype_arg("promote_types", "type2", 2, type2))


_RESULT_TYPE_SIGNATURES = (
    ("Tensor tensor", "Tensor other"), ("Number scalar", "Tensor tensor"), ("Tensor tensor", "Number other"),
    ("Number scalar1", "Number scalar2"),
)
_NUMBERS = (bool, int, float, complex, np.number, np.bool_)


def check_result_type_operands(tensor1: Any, tensor2: Any) -> None:
    """PyTorch's TypeError for `result_type` operands that are neither tensors nor numbers, with each
    binding's reason (PyTorch's listing marks every argument but a tensor in a Tensor slot)."""
    if all(isinstance(x, (Tensor, *_NUMBERS)) for x in (tensor1, tensor2)):
        return
    given = (tensor1, tensor2)
    signatures = []
    for slots in _RESULT_TYPE_SIGNATURES:
        marked = [
            type_name_of(x) if isinstance(x, Tensor) and slot.startswith("Tensor") else f"!{type_name_of(x)}!"
            for x, slot in zip(given, slots)
        ]
        why = "didn't match because some of the arguments have invalid types"
        signatures.append(f"{', '.join(slots)})\n      {why}: ({', '.join(marked)}")
    raise invalid_combination("result_type", given, tuple(signatures))


def get_device(input: Tensor) -> int:
    """The CUDA device index of `input`, or -1 on the CPU.

    Args:
        input (Tensor): any tensor.

    Returns:
        int: `input.device.index` for a CUDA tensor, else -1.

    Examples:
        >>> retrograd.get_device(retrograd.ones(2))
        -1
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("get_device", input)
    return input.get_device()


def detach(input: Tensor) -> Tensor:
    """`input.detach()`: the same data, cut from the graph.

    Args:
        input (Tensor): any tensor.

    Returns:
        Tensor: a leaf with requires_grad=False sharing `input`'s memory (in-place changes show in both).

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> y = retrograd.detach(x * 2)
        >>> y, y.requires_grad
        (tensor([2., 4.]), False)
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("detach", input)
    return input.detach()


def _assert(condition: Any, message: str) -> None:
    """Python's `assert condition, message` as a function (PyTorch's spelling, which tracers can record;
    torchvision's models and ODE solvers check shapes with it).

    Args:
        condition (bool or Tensor): what must hold; a tensor is read by its truth value (one element).
        message (str): the AssertionError's message.

    Raises:
        AssertionError: when `condition` is false.

    Examples:
        >>> retrograd._assert(retrograd.ones(2).dim() == 1, "expected a vector")
        >>> retrograd._assert(retrograd.tensor(False), "not finite")
        Traceback (most recent call last):
            ...
        AssertionError: not finite
    """
    if not condition:
        raise AssertionError(message)


def typename(obj: Any) -> str:
    """A readable type name: a tensor's legacy type name, else the object's module and qualified name.

    Args:
        obj (object): a tensor, a class or any object (whose type is then named).

    Returns:
        str: e.g. 'torch.FloatTensor' for a float32 CPU tensor (PyTorch's spelling), 'int' for 3.

    Examples:
        >>> retrograd.typename(retrograd.ones(2)), retrograd.typename(retrograd.ones(2, dtype=retrograd.int64))
        ('torch.FloatTensor', 'torch.LongTensor')
        >>> retrograd.typename(3)
        'int'
    """
    if isinstance(obj, Tensor):
        return obj.type()
    # a class or function names itself; any other object (a module instance, 3) its class
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = str(obj.__qualname__)
    elif hasattr(obj, "__name__"):
        qualname = str(obj.__name__)
    else:
        module, qualname = type(obj).__module__ or "", type(obj).__qualname__
    if module == "retrograd" or module.startswith("retrograd."):  # `torch.nn...` where retrograd stands in
        module = package_name() + module[len("retrograd"):]
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates in a tensor of `shape` of each flat (row-major) index.

    Args:
        indices (Tensor): integer flat indices, any shape; out-of-range ones wrap, as PyTorch's do.
        shape (int or tuple of int): the shape the indices point into.

    Returns:
        tuple of Tensor: one int64 tensor per dim of `shape`, each shaped like `indices`.

    Examples:
        >>> retrograd.unravel_index(retrograd.tensor([4, 1]), (2, 3))
        (tensor([1, 0]), tensor([1, 1]))
        >>> retrograd.unravel_index(retrograd.tensor(5), (2, 3))
        (tensor(1), tensor(2))
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a tensor, but got {type(indices).__name__}")
    if indices.dtype.np.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype!r}")
    dims = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(d < 0 for d in dims):
        raise ValueError(f"'shape' cannot have negative values, but got {dims}")
    flat = indices._data.astype(np.int64)
    coords, stride = [], 1
    for d in reversed(dims):
        coords.append((flat // stride) % d if d else flat * 0)
        stride *= d
    return tuple(Tensor._make(np.array(c, dtype=np.int64)) for c in reversed(coords))  # 0-d stays 0-d
