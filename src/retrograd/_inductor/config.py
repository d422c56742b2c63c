"""`torch._inductor.config`: the code generator's settings that scripts set, kept with PyTorch's defaults.

`torch._inductor.config.coordinate_descent_tuning = True`, `...triton.unique_kernel_names = True`,
`...fx_graph_cache = True`: they tune how PyTorch generates kernels, never what a call returns,
and the generated NumPy code here has no such choices, so they are kept and change nothing (the
same names are accepted by `compile(options=...)`). A name outside that list raises PyTorch's
AttributeError. As PyTorch's (and `torch._dynamo.config`), the module's class refuses them.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from ..compiler._settings import INDUCTOR_DEFAULTS
from ..compiler._settings import patch as _patch

__all__ = ["patch", "triton", "trace", "cpp", "cuda"]


def _missing(name: str) -> AttributeError:
    return AttributeError(f"torch._inductor.config.{name} does not exist")


class _Section:
    """A group of settings (`config.triton`), with the names PyTorch has in it."""

    def __init__(self, name: str) -> None:
        prefix = name + "."
        values = {key[len(prefix) :]: v for key, v in INDUCTOR_DEFAULTS.items() if key.startswith(prefix)}
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__["_values"]
        if name not in values:
            raise _missing(f"{self._name}.{name}")
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._values:
            raise _missing(f"{self._name}.{name}")
        self._values[name] = value

    def __repr__(self) -> str:
        return f"<torch._inductor.config.{self._name}: {self._values}>"


triton = _Section("triton")
trace = _Section("trace")
cpp = _Section("cpp")
cuda = _Section("cuda")


def __getattr__(name: str) -> Any:
    """A setting nobody changed: PyTorch's default (one that is set lives in the module's dict)."""
    if name in INDUCTOR_DEFAULTS and "." not in name:
        return INDUCTOR_DEFAULTS[name]
    raise _missing(name)


def patch(arg1: str | dict[str, Any] | None = None, arg2: Any = None, **kwargs: Any) -> Any:
    """Change settings for a `with` block or a decorated function, then restore them
    (`patch("triton.cudagraphs", True)`, `patch(max_autotune=True)`, `patch({...})`)."""
    return _patch(sys.modules[__name__], arg1, arg2, kwargs)


class _Config(types.ModuleType):
    """This module's class: it refuses names PyTorch's config does not have."""

    def __setattr__(self, name: str, value: Any) -> None:
        if not (name.startswith("__") or (name in INDUCTOR_DEFAULTS and "." not in name) or name in __all__):
            raise _missing(name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Config
