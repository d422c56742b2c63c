"""Neural-network building blocks: Module, Parameter, layers, losses, init, utils, functional."""

from . import (
    functional,
    init,
    modules_activation,
    modules_conv,
    modules_layers,
    modules_loss,
    modules_rnn,
    modules_transformer,
    parallel,
    utils,
)
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .module import Module
from .modules_activation import *
from .modules_conv import *
from .modules_layers import *
from .modules_loss import *
from .modules_rnn import *
from .modules_transformer import *
from .parameter import Parameter

__all__ = [
    "functional", "init", "parallel", "utils", "Module", "Parameter", "Sequential", "ModuleList", "ModuleDict",
    "ParameterList", "ParameterDict",
]
__all__ += modules_activation.__all__
__all__ += modules_conv.__all__
__all__ += modules_layers.__all__
__all__ += modules_loss.__all__
__all__ += modules_rnn.__all__
__all__ += modules_transformer.__all__
