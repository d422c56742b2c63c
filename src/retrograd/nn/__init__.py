"""Neural-network building blocks: Module, Parameter, layers, losses, init, utils, functional.

Laid out as torch.nn: `nn.modules.<family>` holds the layers (linear, conv, pooling,
rnn, transformer, ...), `nn.functional` the functions they call, `nn.init` the
initialisers, `nn.utils` gradient clipping and parameter vectors, `nn.parameter`
the Parameter class.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .. import _missing
from ._export_table import LAYERS

if TYPE_CHECKING:
    from . import functional, init, modules, parallel, parameter, utils
    from .factory import factory_kwargs
    from .modules import *
    from .parallel import DataParallel
    from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = [
    "functional", "init", "modules", "parallel", "parameter", "utils", "Parameter", "Buffer", "UninitializedParameter",
    "UninitializedBuffer", "factory_kwargs", "DataParallel",
]
__all__ += LAYERS  # `modules.__all__`, listed by _export_table.py

# The submodules load on first use: all of nn (every layer, loss and DDP with retrograd.distributed)
# holds ~10 MiB, and a program using `nn.functional.cross_entropy` needs a small part of it.
# Each name -> the submodule it comes from (None: the name is that submodule).
_WHERE: dict[str, str | None] = {name: "modules" for name in LAYERS}
_WHERE.update(dict.fromkeys(("functional", "init", "modules", "parallel", "parameter", "utils")))
_WHERE.update(dict.fromkeys(("Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"), "parameter"))
_WHERE.update(factory_kwargs="factory", DataParallel="parallel")


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name not in _WHERE:  # a submodule, or a name PyTorch has and retrograd lacks says so
            return _missing.module_attribute(__name__, name)
        module = importlib.import_module(f"{__name__}.{_WHERE[name] or name}")
        value = module if _WHERE[name] is None else getattr(module, name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_WHERE))
