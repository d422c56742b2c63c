"""Tensors as the arrays a transport moves: argument checks, reduction kinds, zero-copy staging."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .reduce_op import RedOpType

_TORCH_KIND = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}  # fmt: skip


def kind(array: np.ndarray) -> str:
    """PyTorch's scalar-type name for an array's dtype ('Float', 'Long', ...), for messages."""
    return _TORCH_KIND.get(array.dtype.name, array.dtype.name)


def check_tensor(value: Any, name: str) -> Tensor:
    """The argument as a Tensor, or PyTorch's TypeError for anything else."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor\n"
            f"             but got {type(value)} instead."
        )
    return value


def check_tensor_list(values: Any, name: str) -> list[Tensor]:
    """The argument as a list of Tensors, or PyTorch's TypeError."""
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, Tensor) for v in values):
        raise TypeError(
            f"Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]\n"
            f"             but got {type(values)} instead."
        )
    return list(values)


def checked_op(op: RedOpType, dtype: np.dtype) -> RedOpType:
    """The element-wise reduction that computes `op` on `dtype`, or PyTorch's refusal.

    AVG is a SUM (the caller divides by the group's size afterwards); on bool, SUM is logical or
    and PRODUCT logical and, that is MAX and MIN of 0/1 bytes.
    """
    if not isinstance(op, RedOpType):
        raise ValueError(f"Invalid reduce op: {op!r}; use a member of ReduceOp (ReduceOp.SUM, ...)")
    if op in (RedOpType.PREMUL_SUM, RedOpType.UNUSED):
        raise ValueError(f"ReduceOp.{op.name} is not supported on CPU tensors")
    if dtype == np.bool_:
        if op == RedOpType.AVG:
            raise ValueError("ReduceOp.AVG needs a floating-point tensor, got Bool")
        return {RedOpType.SUM: RedOpType.MAX, RedOpType.PRODUCT: RedOpType.MIN}.get(op, op)
    if dtype.kind == "f" and op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR):
        raise ValueError(f"ReduceOp.{op.name} needs an integral tensor, got a floating-point one")
    if dtype.kind in "iu" and op == RedOpType.AVG:
        raise ValueError("ReduceOp.AVG needs a floating-point tensor, got an integral one")
    return RedOpType.SUM if op == RedOpType.AVG else op


class Staged:
    """A tensor's memory as a C-contiguous array MPI can use; copies only for non-contiguous views.

    `array` is the tensor's own NumPy array when it is contiguous (zero copy); otherwise a
    contiguous copy, which `write_back` copies into the tensor after MPI has filled it.
    """

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor
        data = tensor._data
        self.direct = data.flags.c_contiguous and data.flags.writeable
        self.array = data if self.direct else np.ascontiguousarray(data)

    def write_back(self) -> None:
        """Make the received values the tensor's values, and count the in-place change."""
        if not self.direct:
            np.copyto(self.tensor._data, self.array.reshape(self.tensor._data.shape))
        self.tensor._version_counter.value += 1
