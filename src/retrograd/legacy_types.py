"""PyTorch's legacy tensor types: `FloatTensor`, `LongTensor`, ... as constructors and isinstance targets.

`retrograd.FloatTensor([1, 2])` builds a float32 tensor and `isinstance(t, retrograd.FloatTensor)`
asks whether `t` is a float32 CPU tensor, as in PyTorch, where these are not subclasses of
Tensor but types that describe a dtype. New code uses `retrograd.tensor(data, dtype=...)`.
"""

from __future__ import annotations

from typing import Any

from . import dtypes as _dt
from .ops.legacy import legacy_new
from .tensor import Tensor


class _LegacyTensorType(type):
    """The metaclass: calling a legacy type constructs a tensor; isinstance checks the dtype."""

    dtype: _dt.dtype

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:  # type: ignore[override]
        return legacy_new(cls.dtype, args, device)

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"


def _legacy_type(name: str, dtype: _dt.dtype) -> _LegacyTensorType:
    return _LegacyTensorType(name, (), {"dtype": dtype, "__module__": "retrograd", "__doc__": f"{dtype} tensors."})


FloatTensor = _legacy_type("FloatTensor", _dt.float32)
DoubleTensor = _legacy_type("DoubleTensor", _dt.float64)
HalfTensor = _legacy_type("HalfTensor", _dt.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _dt.bfloat16)
LongTensor = _legacy_type("LongTensor", _dt.int64)
IntTensor = _legacy_type("IntTensor", _dt.int32)
ShortTensor = _legacy_type("ShortTensor", _dt.int16)
CharTensor = _legacy_type("CharTensor", _dt.int8)
ByteTensor = _legacy_type("ByteTensor", _dt.uint8)
BoolTensor = _legacy_type("BoolTensor", _dt.bool_)

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

__all__ = list(BY_NAME)
