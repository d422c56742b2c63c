"""`ReduceOp`: how a reduction combines the ranks' values, with PyTorch's names and numbering."""

from __future__ import annotations

import enum


class RedOpType(enum.IntEnum):
    """The reduction kinds; `ReduceOp.SUM` is `RedOpType.SUM`, as in PyTorch."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8
    UNUSED = 9

    # PyTorch's RedOpType is a C++ enum: it prints as `RedOpType.SUM`, not as the int an IntEnum prints.
    def __str__(self) -> str:
        return f"RedOpType.{self.name}"

    def __format__(self, format_spec: str) -> str:
        return object.__format__(self, format_spec) if format_spec else str(self)


class ReduceOp:
    """The reductions `all_reduce`, `reduce` and `reduce_scatter` accept (`ReduceOp.SUM`, ...)."""

    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM
    RedOpType = RedOpType
