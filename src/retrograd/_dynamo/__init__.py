"""`torch._dynamo`: the few names programs reach for around `torch.compile`.

Notebooks and test suites call `torch._dynamo.reset()` between compilations and set
`torch._dynamo.config.cache_size_limit` (or `recompile_limit`); both act on `retrograd.compile`.
Dynamic-shape code marks dims with `mark_dynamic`, error handlers catch `exc.Unsupported`, and
wrappers unwrap `torch.compile`'s `OptimizedModule` (also at its home, `eval_frame`).
The rest of the compiler's machinery has no counterpart here.
"""

from __future__ import annotations

from ..compiler import (
    OptimizedModule,
    allow_in_graph,
    assume_constant_result,
    disable,
    explain,
    is_compiling,
    list_backends,
    mark_dynamic,
    mark_static,
    maybe_mark_dynamic,
    reset,
)
from ..compiler._marks import mark_static_address
from . import config, eval_frame, exc, utils

__all__ = [
    "OptimizedModule", "allow_in_graph", "assume_constant_result",
    "config", "disable", "eval_frame", "exc", "explain", "is_compiling", "list_backends", "mark_dynamic", "mark_static",
    "mark_static_address", "maybe_mark_dynamic", "reset", "utils",
]  # fmt: skip
