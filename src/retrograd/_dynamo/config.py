"""`torch._dynamo.config`: the settings programs set around `torch.compile`, as a module.

Scripts write `import torch._dynamo.config` and `torch._dynamo.config.cache_size_limit = 64`,
or change a setting for a while with `config.patch(...)`. Three settings act on
`retrograd.compile`: `recompile_limit` (alias `cache_size_limit`, the specialisations each new
call site keeps), `suppress_errors` (a failure of the compiler itself runs the function eagerly,
with a warning) and `automatic_dynamic_shapes`. The others say how PyTorch traces (logging,
symbolic shapes and scalars, DDP graph splits, guards on modules): they change how PyTorch
compiles, never what a call returns, and recording here has no such choices, so they are only
kept, with PyTorch's defaults. A name PyTorch does not have raises its AttributeError.

As PyTorch's (and `retrograd.utils.deterministic`), the module's class gives it properties.
"""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any

from ..compiler import _compiled, _settings

__all__ = ["patch"]

# the settings only kept, with PyTorch's defaults
_KEPT: dict[str, Any] = {
    "verbose": False,
    "capture_scalar_outputs": False,
    "capture_dynamic_output_shape_ops": False,
    "assume_static_by_default": True,
    "specialize_int": False,
    "specialize_float": False,
    "force_parameter_static_shapes": True,
    "optimize_ddp": True,
    "accumulated_recompile_limit": 256,
    "guard_nn_modules": True,
    "skip_nnmodule_hook_guards": True,
    "allow_unspec_int_on_nn_module": False,
    "dynamic_shapes": True,
    "log_compilation_metrics": True,
    "compiled_autograd": False,
    "allow_rnn": False,
    "trace_numpy": True,
}
_ALIASES = {"cache_size_limit": "recompile_limit", "accumulated_cache_size_limit": "accumulated_recompile_limit"}
_DEPRECATED = {"inline_inbuilt_nn_modules": "does not do anything, inline_inbuilt_nn_modules is always True"}
_DEFAULTS = {"recompile_limit": 8, "suppress_errors": False, "automatic_dynamic_shapes": True}


def _missing(name: str) -> AttributeError:
    return AttributeError(f"torch._dynamo.config.{name} does not exist")


def _warn_deprecated(name: str) -> None:
    warnings.warn(
        f"torch._dynamo.config.{name} is deprecated and {_DEPRECATED[name]}. "
        "It will be removed in a future version of PyTorch.",
        FutureWarning,
        stacklevel=3,
    )


def __getattr__(name: str) -> Any:
    """A kept setting nobody changed: PyTorch's default."""
    if name in _KEPT:
        return _KEPT[name]
    if name in _ALIASES:
        return getattr(sys.modules[__name__], _ALIASES[name])
    if name in _DEPRECATED:
        _warn_deprecated(name)
        return True
    raise _missing(name)


class _Config(types.ModuleType):
    """This module's class: the settings that act on `retrograd.compile` read and set its globals,
    and names PyTorch does not have are refused."""

    @property
    def recompile_limit(self) -> int:
        return _compiled.CACHE_SIZE_LIMIT

    @recompile_limit.setter
    def recompile_limit(self, value: int) -> None:
        _compiled.CACHE_SIZE_LIMIT = int(value)

    @property
    def suppress_errors(self) -> bool:
        return _compiled.SUPPRESS_ERRORS

    @suppress_errors.setter
    def suppress_errors(self, value: bool) -> None:
        _compiled.SUPPRESS_ERRORS = bool(value)

    @property
    def automatic_dynamic_shapes(self) -> bool:
        return _compiled.AUTOMATIC_DYNAMIC_SHAPES

    @automatic_dynamic_shapes.setter
    def automatic_dynamic_shapes(self, value: bool) -> None:
        _compiled.AUTOMATIC_DYNAMIC_SHAPES = bool(value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _ALIASES:
            name = _ALIASES[name]
        elif name in _DEPRECATED:
            _warn_deprecated(name)
        elif not (name.startswith("__") or name in _KEPT or name in _DEFAULTS):
            raise _missing(name)
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        """Back to PyTorch's default (as `unittest.mock.patch` leaves it)."""
        name = _ALIASES.get(name, name)
        if name in _DEFAULTS:
            setattr(self, name, _DEFAULTS[name])
        elif name in _KEPT or name in _DEPRECATED:
            self.__dict__.pop(name, None)
        else:
            raise _missing(name)


def patch(arg1: str | dict[str, Any] | None = None, arg2: Any = None, **kwargs: Any) -> Any:
    """Change settings for a `with` block or a decorated function, then restore them.

    `patch("name", value)`, `patch(name=value, ...)` or `patch({"name": value})`; an unknown
    name raises AttributeError on entry.
    """
    return _settings.patch(sys.modules[__name__], arg1, arg2, kwargs)


sys.modules[__name__].__class__ = _Config
