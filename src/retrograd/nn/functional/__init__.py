"""retrograd.nn.functional: PyTorch's `torch.nn.functional`, one module per section.

Each function is a thin spelling of an op in `retrograd.ops` with the signature
`torch.nn.functional` gives it, or is composed of such ops. The sections:

    activation       relu, gelu, softmax, ... (the maths lives in retrograd/ops/activation.py)
    convolution      conv1d/2d/3d, conv_transpose1d/2d/3d, unfold, fold
    pooling          max, average and adaptive pools, 1-D to 3-D
    vision           pad, interpolate, upsample*, pixel_shuffle, pixel_unshuffle
    linear_maps      linear, bilinear
    dropouts         dropout, dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout
    normalization    layer_norm, batch_norm, group_norm, instance_norm, rms_norm, normalize
    sparse           embedding, one_hot
    distance         cosine_similarity, pairwise_distance
    attention        scaled_dot_product_attention
    multihead_attention  multi_head_attention_forward
    loss             the losses; cross_entropy and nll_loss in classification_loss
    margin_loss      multi_margin, multilabel_margin, multilabel_soft_margin, triplet_margin_with_distance
    ctc              ctc_loss
    embedding_bags   embedding_bag
    unpooling        max_unpool1d/2d/3d
    fractional_pooling  fractional_max_pool2d/3d (and _with_indices)
    grid             affine_grid, grid_sample
    gumbel           gumbel_softmax
    linear_loss      linear_cross_entropy (whole, or chunk by chunk)
"""

import importlib
from typing import TYPE_CHECKING, Any

from ... import _missing
from ..._torch_function import public_function
from .._export_table import FUNCTIONAL

if TYPE_CHECKING:
    from . import (
        activation,
        attention,
        classification_loss,
        convolution,
        ctc,
        distance,
        dropouts,
        embedding_bags,
        fractional_pooling,
        grid,
        gumbel,
        linear_loss,
        linear_maps,
        loss,
        margin_loss,
        multihead_attention,
        normalization,
        pooling,
        sparse,
        unpooling,
        vision,
    )
    from .activation import *
    from .attention import *
    from .classification_loss import *
    from .convolution import *
    from .ctc import *
    from .distance import *
    from .dropouts import *
    from .embedding_bags import *
    from .fractional_pooling import *
    from .grid import *
    from .gumbel import *
    from .linear_loss import *
    from .linear_maps import *
    from .loss import *
    from .margin_loss import *
    from .multihead_attention import *
    from .normalization import *
    from .pooling import *
    from .sparse import *
    from .unpooling import *
    from .vision import *

# The sections load on first use (`F.cross_entropy` loads classification_loss); the names and
# `__all__` come from nn/_export_table.py, which `python tools/nn_exports.py` regenerates.
__all__ = [name for names in FUNCTIONAL.values() for name in names]
_SECTION = {name: section for section, names in FUNCTIONAL.items() for name in names}


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        section = _SECTION.get(name)
        if section is None:  # a section, or a name PyTorch has and retrograd lacks says so
            return _missing.module_attribute(__name__, name)
        value = getattr(importlib.import_module(f"{__name__}.{section}"), name)
        value = public_function(value, __name__, name)  # checks its arguments for `__torch_function__`
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_SECTION) | set(FUNCTIONAL))
