"""nn.utils: gradient clipping, parameter vectors, fusion, padded/packed sequences and parametrizations."""

from typing import TYPE_CHECKING, Any

from ... import _missing
from . import parametrizations, parametrize, prune, rnn, stateless
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .init import skip_init
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = [
    "parametrizations", "parametrize", "prune", "rnn", "stateless", "clip_grad_norm_", "clip_grad_value_",
    "clip_grad_norm", "clip_grads_with_norm_", "get_total_norm", "parameters_to_vector", "vector_to_parameters",
    "fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights", "skip_init",
    "spectral_norm", "remove_spectral_norm", "weight_norm", "remove_weight_norm",
    "convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format",
]


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
