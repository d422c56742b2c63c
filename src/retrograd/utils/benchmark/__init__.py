"""`torch.utils.benchmark`'s timing core: `Timer` runs a statement, `Measurement` summarises the times.

The tutorials time their functions with `Timer(stmt, globals=...).timeit(n)` or
`blocked_autorange()`, print the `Measurement` and read its `times`, `mean` and `median`; those
work as in PyTorch, and `Compare` prints many of them as PyTorch's tables. PyTorch's fuzzers and
Callgrind counts are not here.
"""

from .compare import Colorize, Compare
from .measurement import (
    Measurement,
    TaskSpec,
    ordered_unique,
    select_unit,
    set_torch_threads,
    trim_sigfig,
    unit_to_english,
)
from .timer import Language, Timer, timer

__all__ = [
    "Colorize",
    "Compare",
    "Language",
    "Measurement",
    "TaskSpec",
    "Timer",
    "ordered_unique",
    "select_unit",
    "set_torch_threads",
    "timer",
    "trim_sigfig",
    "unit_to_english",
]
