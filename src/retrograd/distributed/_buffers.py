"""NumPy arrays as MPI buffers: datatypes, reduction operators, and zero-copy access to tensors.

MPI has no half-precision type and no arithmetic on booleans, so float16 travels as 16-bit
words reduced by NumPy callbacks (each pairwise step rounds to float16, as PyTorch's CPU
reduction does), and bool travels as bytes where SUM is logical or and PRODUCT logical and.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._mpi import mpi
from .reduce_op import RedOpType

_TORCH_KIND = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}  # fmt: skip

_HALF_OPS: dict[RedOpType, Any] = {}  # MPI.Op objects for float16, made once per process


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


def spec(array: np.ndarray) -> list:
    """The `[buffer, MPI datatype]` pair mpi4py sends; float16 and bool travel as raw words."""
    MPI = mpi()
    if array.dtype == np.float16:
        return [array.view(np.uint16), MPI.UINT16_T]
    if array.dtype == np.bool_:
        return [array.view(np.uint8), MPI.UINT8_T]
    return [array, MPI._typedict[array.dtype.char]]


def mpi_op(op: RedOpType, dtype: np.dtype) -> Any:
    """The MPI operator computing `op` on arrays of `dtype` (AVG is a SUM divided afterwards)."""
    MPI = mpi()
    if not isinstance(op, RedOpType):
        raise ValueError(f"Invalid reduce op: {op!r}; use a member of ReduceOp (ReduceOp.SUM, ...)")
    if op in (RedOpType.PREMUL_SUM, RedOpType.UNUSED):
        raise ValueError(f"ReduceOp.{op.name} is not supported by the MPI backend")
    if dtype == np.bool_:  # bytes 0/1: or = MAX, and = MIN
        op = {RedOpType.SUM: RedOpType.MAX, RedOpType.PRODUCT: RedOpType.MIN}.get(op, op)
        if op == RedOpType.AVG:
            raise ValueError("ReduceOp.AVG needs a floating-point tensor, got Bool")
    if dtype.kind == "f" and op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR):
        raise ValueError(f"ReduceOp.{op.name} needs an integral tensor, got a floating-point one")
    if dtype.kind in "iu" and dtype != np.bool_ and op == RedOpType.AVG:
        raise ValueError("ReduceOp.AVG needs a floating-point tensor, got an integral one")
    if dtype == np.float16:
        return _half_op(RedOpType.SUM if op == RedOpType.AVG else op)
    return {
        RedOpType.SUM: MPI.SUM, RedOpType.AVG: MPI.SUM, RedOpType.PRODUCT: MPI.PROD, RedOpType.MIN: MPI.MIN,
        RedOpType.MAX: MPI.MAX, RedOpType.BAND: MPI.BAND, RedOpType.BOR: MPI.BOR, RedOpType.BXOR: MPI.BXOR,
    }[op]  # fmt: skip


def _half_op(op: RedOpType) -> Any:
    """A user-defined MPI operator that reduces float16 words with NumPy."""
    if op not in _HALF_OPS:
        ufunc = {RedOpType.SUM: np.add, RedOpType.PRODUCT: np.multiply, RedOpType.MIN: np.fmin,
                 RedOpType.MAX: np.fmax}[op]  # fmt: skip

        def combine(inbuf: Any, inoutbuf: Any, datatype: Any) -> None:
            incoming = np.frombuffer(inbuf, dtype=np.float16)
            ufunc(incoming, np.frombuffer(inoutbuf, dtype=np.float16), out=np.frombuffer(inoutbuf, np.float16))

        _HALF_OPS[op] = mpi().Op.Create(combine, commute=True)
    return _HALF_OPS[op]


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
