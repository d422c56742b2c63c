"""`torch._dynamo`: the few names programs reach for around `torch.compile`.

Notebooks and test suites call `torch._dynamo.reset()` between compilations and set
`torch._dynamo.config.cache_size_limit` (or `recompile_limit`); both act on `retrograd.compile`.
Dynamic-shape code marks dims with `mark_dynamic`, error handlers catch `exc.Unsupported`, and
wrappers unwrap `torch.compile`'s `OptimizedModule` (also at its home, `eval_frame`).
The rest of the compiler's machinery has no counterpart here.
"""

from __future__ import annotations

from typing import Any

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
from ..compiler import _compiled as _compiled_module
from . import eval_frame, exc

__all__ = [
    "OptimizedModule", "allow_in_graph", "assume_constant_result",
    "config", "disable", "eval_frame", "exc", "explain", "is_compiling", "list_backends", "mark_dynamic", "mark_static",
    "maybe_mark_dynamic", "reset",
]  # fmt: skip


class _Config:
    """`torch._dynamo.config`: the recompile limit each new compiled call site starts with, and
    `suppress_errors` (False, PyTorch's default: a failure of the compiler itself raises; True:
    the function runs eagerly instead, with a warning)."""

    @property
    def recompile_limit(self) -> int:
        return _compiled_module.CACHE_SIZE_LIMIT

    @recompile_limit.setter
    def recompile_limit(self, value: int) -> None:
        _compiled_module.CACHE_SIZE_LIMIT = int(value)

    # PyTorch's older name for the same setting
    cache_size_limit = recompile_limit

    @property
    def suppress_errors(self) -> bool:
        return _compiled_module.SUPPRESS_ERRORS

    @suppress_errors.setter
    def suppress_errors(self, value: bool) -> None:
        _compiled_module.SUPPRESS_ERRORS = bool(value)

    @property
    def automatic_dynamic_shapes(self) -> bool:
        return _compiled_module.AUTOMATIC_DYNAMIC_SHAPES

    @automatic_dynamic_shapes.setter
    def automatic_dynamic_shapes(self, value: bool) -> None:
        _compiled_module.AUTOMATIC_DYNAMIC_SHAPES = bool(value)

    # How PyTorch traces (logging, symbolic shapes and scalars, DDP graph splits), with its
    # defaults: programs set them around torch.compile; they change how PyTorch compiles, never
    # what a call returns, and recording here has no such choices, so they are only kept.
    verbose = False
    capture_scalar_outputs = False
    capture_dynamic_output_shape_ops = False
    assume_static_by_default = True
    specialize_int = False
    specialize_float = False
    force_parameter_static_shapes = True
    optimize_ddp = True

    def __setattr__(self, name: str, value: Any) -> None:
        if not hasattr(type(self), name):
            raise AttributeError(
                f"retrograd has no torch._dynamo.config.{name} (the recompile limit, suppress_errors and the "
                "tracing settings in retrograd._dynamo._Config)"
            )
        object.__setattr__(self, name, value)


config = _Config()
