"""Neural-network building blocks: Module, Parameter, layers, losses, init, utils, functional.

Laid out as torch.nn: `nn.modules.<family>` holds the layers (linear, conv, pooling,
rnn, transformer, ...), `nn.functional` the functions they call, `nn.init` the
initialisers, `nn.utils` gradient clipping and parameter vectors, `nn.parameter`
the Parameter class.
"""

from . import functional, init, modules, parallel, parameter, utils
from .modules import *
from .parameter import Parameter

__all__ = ["functional", "init", "modules", "parallel", "parameter", "utils", "Parameter"]
__all__ += modules.__all__
