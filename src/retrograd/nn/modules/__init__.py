"""nn.modules: Module, the containers and every layer, one file per family as in torch.nn.modules."""

from . import (
    activation,
    adaptive,
    batchnorm,
    channelshuffle,
    conv,
    deprecated,
    distance,
    dropout,
    embedding_bag,
    flatten,
    fold,
    instancenorm,
    lazy,
    linear,
    loss,
    margin_loss,
    normalization,
    padding,
    pixelshuffle,
    pooling,
    rnn,
    sparse,
    transformer,
    transformer_decoder,
    unpooling,
    upsampling,
    utils,
)
from .activation import *
from .adaptive import *
from .batchnorm import *
from .channelshuffle import *
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import *
from .deprecated import *
from .distance import *
from .dropout import *
from .embedding_bag import *
from .flatten import *
from .fold import *
from .instancenorm import *
from .lazy import *
from .linear import *
from .loss import *
from .margin_loss import *
from .module import Module
from .normalization import *
from .padding import *
from .pixelshuffle import *
from .pooling import *
from .rnn import *
from .sparse import *
from .transformer import *
from .transformer_decoder import *
from .unpooling import *
from .upsampling import *

__all__ = [
    "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
]
__all__ += activation.__all__
__all__ += adaptive.__all__
__all__ += batchnorm.__all__
__all__ += channelshuffle.__all__
__all__ += conv.__all__
__all__ += deprecated.__all__
__all__ += distance.__all__
__all__ += dropout.__all__
__all__ += flatten.__all__
__all__ += fold.__all__
__all__ += instancenorm.__all__
__all__ += lazy.__all__
__all__ += linear.__all__
__all__ += loss.__all__
__all__ += normalization.__all__
__all__ += padding.__all__
__all__ += pixelshuffle.__all__
__all__ += pooling.__all__
__all__ += rnn.__all__
__all__ += sparse.__all__
__all__ += transformer.__all__
__all__ += transformer_decoder.__all__
__all__ += upsampling.__all__
__all__ += embedding_bag.__all__
__all__ += margin_loss.__all__
__all__ += unpooling.__all__
