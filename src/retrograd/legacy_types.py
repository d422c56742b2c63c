"""PyTorch's legacy tensor types: `FloatTensor`, `LongTensor`, ... as constructors and isinstance targets.

`retrograd.FloatTensor([1, 2])` builds a float32 tensor and `isinstance(t, retrograd.FloatTensor)`
asks whether `t` is a float32 CPU tensor, as in PyTorch, where these are not subclasses of
Tensor but types that describe a dtype. New code uses `retrograd.tensor(data, dtype=...)`.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from . import dtypes as _dt
from ._display_name import package_name
from .backend import cuda_backend
from .ops.legacy import legacy_new
from .tensor import Tensor


class _LegacyTensorType(type):
    """The metaclass: calling a legacy type constructs a tensor; isinstance checks the dtype."""

    dtype: _dt.dtype
    is_cuda: bool

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:  # type: ignore[override]
        return legacy_new(cls.dtype, args, device)

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls) -> str:  # `<class 'torch.FloatTensor'>` where retrograd stands in for torch
        return f"<class '{package_name()}{cls.__module__[len('retrograd'):]}.{cls.__name__}'>"


class _LegacyCudaTensorType(type):
    """The CUDA legacy types (`cuda.FloatTensor`): tensors on the CUDA device. Without a CUDA backend
    naming one works (old code picks `cuda.FloatTensor if use_cuda else FloatTensor`) and calling
    one raises PyTorch's TypeError; isinstance asks for the dtype on a CUDA device."""

    dtype: _dt.dtype
    is_cuda: bool

    def __call__(cls, *args: Any) -> Tensor:  # type: ignore[override]
        if cuda_backend() is None:
            raise TypeError(
                f"type {package_name()}.cuda.{cls.__name__} not available. Torch not compiled with CUDA enabled."
            )
        return legacy_new(cls.dtype, args).to("cuda")

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cuda"

    __repr__ = _LegacyTensorType.__repr__


_DOC = """A legacy constructor of {dtype} CPU tensors; `isinstance(t, {name})` asks for that dtype.

Args:
    *args: nothing (an empty tensor), sizes as ints or a `Size` (an uninitialised tensor of that
        shape), a sequence of numbers (nested for more dims; converted to {dtype}), or a {dtype}
        tensor (returned as an alias sharing its memory).
    device (str or device, optional): must be the CPU.

Returns:
    Tensor: a {dtype} tensor; new code writes `retrograd.tensor(data, dtype={dtype})`.

Examples:
    >>> retrograd.{name}({data})
    {printed}
    >>> retrograd.{name}(2, 3).shape
    retrograd.Size([2, 3])
    >>> isinstance(retrograd.{name}({data}), retrograd.{name}), isinstance(retrograd.{name}({data}), retrograd.Tensor)
    (True, True)
"""


def _legacy_type(name: str, dtype: _dt.dtype, data: str, printed: str) -> _LegacyTensorType:
    """The legacy type `name` of `dtype`; its docstring's example builds `data`, which prints as `printed`."""
    doc = _DOC.format(name=name, dtype=dtype, data=data, printed=printed)
    return _LegacyTensorType(name, (), {"dtype": dtype, "is_cuda": False, "__module__": "retrograd", "__doc__": doc})


# each: its name, dtype, example data and how that prints
FloatTensor = _legacy_type("FloatTensor", _dt.float32, "[1, 2]", "tensor([1., 2.])")
DoubleTensor = _legacy_type(
    "DoubleTensor", _dt.float64, "[0.5, 2]", "tensor([0.5000, 2.0000], dtype=retrograd.float64)"
)
HalfTensor = _legacy_type("HalfTensor", _dt.float16, "[1.5, 2]", "tensor([1.5000, 2.0000], dtype=retrograd.float16)")
BFloat16Tensor = _legacy_type(
    "BFloat16Tensor", _dt.bfloat16, "[1.5, 2]", "tensor([1.5000, 2.0000], dtype=retrograd.bfloat16)"
)
LongTensor = _legacy_type("LongTensor", _dt.int64, "[1.7, -2]", "tensor([ 1, -2])")
IntTensor = _legacy_type("IntTensor", _dt.int32, "[3, 4]", "tensor([3, 4], dtype=retrograd.int32)")
ShortTensor = _legacy_type("ShortTensor", _dt.int16, "[3, -4]", "tensor([ 3, -4], dtype=retrograd.int16)")
CharTensor = _legacy_type("CharTensor", _dt.int8, "[-1, 5]", "tensor([-1,  5], dtype=retrograd.int8)")
ByteTensor = _legacy_type("ByteTensor", _dt.uint8, "[1, 255]", "tensor([  1, 255], dtype=retrograd.uint8)")
BoolTensor = _legacy_type("BoolTensor", _dt.bool_, "[0, 2]", "tensor([False,  True])")

BY_NAME = {
    t.__name__: t
    for t in (
        FloatTensor,
        DoubleTensor,
        HalfTensor,
        BFloat16Tensor,
        LongTensor,
        IntTensor,
        ShortTensor,
        CharTensor,
        ByteTensor,
        BoolTensor,
    )
}

# `cuda.FloatTensor` & co.: the same names and dtypes on the CUDA device (retrograd.cuda exports them)
CUDA_BY_NAME = {
    name: _LegacyCudaTensorType(
        name,
        (),
        {
            "dtype": t.dtype,
            "is_cuda": True,
            "__module__": "retrograd.cuda",
            "__doc__": f"A legacy constructor of {t.dtype} on CUDA.",
        },
    )
    for name, t in BY_NAME.items()
}

__all__ = [*BY_NAME, "set_default_tensor_type"]


_deprecation_warned = [False]


def set_default_tensor_type(t: type | str, /) -> None:
    """Make a floating legacy type's dtype the default (deprecated by PyTorch for `set_default_dtype`).

    Args:
        t (type or str): a floating legacy type (`DoubleTensor`) or its dotted name
            (`"torch.DoubleTensor"`); the CUDA ones (`"torch.cuda.FloatTensor"`) are refused.

    Returns:
        None: `get_default_dtype()` reports the type's dtype; the first call warns of the deprecation.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     retrograd.set_default_tensor_type(retrograd.DoubleTensor)
        >>> retrograd.zeros(1).dtype
        retrograd.float64
        >>> retrograd.set_default_dtype(retrograd.float32)
    """
    if not _deprecation_warned[0]:  # once per process, as PyTorch's
        _deprecation_warned[0] = True
        name = package_name()
        warnings.warn(
            f"{name}.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
            f"{name}.set_default_dtype() and {name}.set_default_device() as alternatives.",
            UserWarning,
            stacklevel=2,
        )
    if isinstance(t, str):
        t = _type_named(t)
    if not isinstance(t, _LegacyTensorType):
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    _dt.set_default_dtype(t.dtype)


def _type_named(dotted: str) -> Any:
    """The legacy type a dotted name spells, `torch.` or `retrograd.` first; other modules are imported."""
    module, _, attr = dotted.rpartition(".")
    if module in ("torch.cuda", "retrograd.cuda"):
        raise TypeError(f"type {dotted} not available. Torch not compiled with CUDA enabled.")
    if module in ("torch", "retrograd") and attr in BY_NAME:
        return BY_NAME[attr]
    if not module:
        return importlib.import_module(attr)
    return getattr(importlib.import_module(module), attr)
