"""`torch.SymInt`, `SymFloat`, `SymBool` and the `sym_*` helpers.

Under `torch.compile` with dynamic shapes PyTorch hands traced code symbolic sizes (SymInt) in
place of ints; library code checks `isinstance(n, (int, torch.SymInt))` and rounds with
`torch.sym_int` so that both kinds work. retrograd's sizes are always plain Python numbers, so
the classes have no instances here and the helpers are Python's own arithmetic.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

__all__ = [
    "SymBool", "SymFloat", "SymInt", "sym_float", "sym_int", "sym_ite", "sym_max", "sym_min", "sym_not", "sym_sqrt",
]  # fmt: skip


class SymInt:
    """A symbolic integer of a traced program (never made in retrograd, whose sizes are ints)."""


class SymFloat:
    """A symbolic float of a traced program (never made in retrograd)."""


class SymBool:
    """A symbolic bool of a traced program (never made in retrograd)."""


def sym_int(a: Any) -> int:
    """`int(a)`, rounding toward zero: `sym_int(-3.7) == -3`."""
    return builtins.int(a)


def sym_float(a: Any) -> float:
    """`float(a)`."""
    return builtins.float(a)


def sym_max(a: Any, b: Any) -> Any:
    """The larger of `a` and `b`; a float if either is one: `sym_max(2, 3) == 3`, `sym_max(3, 2.0) == 3.0`."""
    larger = builtins.max(a, b)
    return builtins.float(larger) if isinstance(a, builtins.float) or isinstance(b, builtins.float) else larger


def sym_min(a: Any, b: Any) -> Any:
    """The smaller of `a` and `b`; a float if either is one."""
    smaller = builtins.min(a, b)
    return builtins.float(smaller) if isinstance(a, builtins.float) or isinstance(b, builtins.float) else smaller


def sym_not(a: Any) -> bool:
    """`not a`."""
    return not a


def sym_ite(b: Any, t: Any, f: Any) -> Any:
    """`t if b else f`."""
    return t if b else f


def sym_sqrt(a: Any) -> float:
    """`math.sqrt(a)`."""
    return math.sqrt(a)
