"""Neural-network building blocks: Module, Parameter, layers, losses, init, utils, functional.

Laid out as torch.nn: `nn.modules.<family>` holds the layers (linear, conv, pooling,
rnn, transformer, ...), `nn.functional` the functions they call, `nn.init` the
initialisers, `nn.utils` gradient clipping and parameter vectors, `nn.parameter`
the Parameter class.
"""

from typing import TYPE_CHECKING, Any

from .. import _missing
from . import functional, init, modules, parallel, parameter, utils
from .factory import factory_kwargs
from .modules import *
from .parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = [
    "functional", "init", "modules", "parallel", "parameter", "utils", "Parameter", "Buffer", "UninitializedParameter",
    "UninitializedBuffer", "factory_kwargs", "DataParallel",
]
__all__ += modules.__all__


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
