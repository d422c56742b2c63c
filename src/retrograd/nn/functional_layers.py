"""torch.nn.functional's layers: linear, bilinear, dropout, embedding, distances, attention, norms.

`linear` is one matrix product plus the bias (an `addmm` for 2-D inputs with a
bias, as in PyTorch). Dropout draws its mask from retrograd's generator (seeded
by `retrograd.manual_seed`) and scales kept values by 1/(1-p). The
normalisation functions (`layer_norm`, `batch_norm`, `group_norm`, `rms_norm`,
`instance_norm`) live in `_functional_norm.py`, attention and the pixel
shuffles in `_functional_attention.py`, embedding and one_hot in
`_functional_embedding.py`; all are re-exported here.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .. import ops as _ops
from .._generator import numpy_rng
from .._random_draw import uniform
from ..engine import inplace as _inplace
from ..ops.linalg.multiply_add import addmm
from ..ops.linalg.products import matmul
from ..tensor import Tensor
from ._functional_attention import pixel_shuffle, pixel_unshuffle, scaled_dot_product_attention
from ._functional_embedding import embedding, one_hot
from ._functional_norm import batch_norm, group_norm, instance_norm, layer_norm, rms_norm

__all__ = [
    "linear", "bilinear", "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
    "feature_alpha_dropout", "embedding", "one_hot", "normalize", "cosine_similarity", "pairwise_distance",
    "batch_norm", "layer_norm", "group_norm", "rms_norm", "instance_norm", "scaled_dot_product_attention",
    "pixel_shuffle", "pixel_unshuffle",
]


# --- linear maps -----------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """`input @ weight.T + bias`: (*, in) x (out, in) -> (*, out), one matrix product."""
    nd = input._data.ndim
    if bias is not None and weight._data.ndim == 2 and nd >= 2:
        if nd == 2:
            return addmm(bias, input, weight.t())
        rows = input.reshape(-1, input._data.shape[-1])
        return addmm(bias, rows, weight.t()).view(input._data.shape[:-1] + (weight._data.shape[0],))
    out = matmul(input, weight.t())
    return out if bias is None else out + bias


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """`y_k = x1ᵀ W_k x2 + b_k`: (*, in1), (*, in2), (out, in1, in2) -> (*, out)."""
    w = weight._data.shape
    if input1._data.shape[:-1] != input2._data.shape[:-1]:
        raise RuntimeError(
            f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
            f"{list(input2.shape[:-1])}"
        )
    for i, x in ((1, input1), (2, input2)):
        if x._data.shape[-1] != w[i]:
            raise RuntimeError(
                f"bilinear(): input{i} size does not match weight size: got {x.shape[-1]} but expected {w[i]}"
            )
    # (B, in1) @ (in1, out·in2) then contract with x2: two products, no (B, out, in1, in2) temporary
    x1 = input1.reshape(-1, w[1])
    x2 = input2.reshape(-1, 1, w[2])
    t = (x1 @ weight.permute(1, 0, 2).reshape(w[1], w[0] * w[2])).reshape(-1, w[0], w[2])
    out = (t * x2).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(input1._data.shape[:-1] + (w[0],))


# --- dropout ---------------------------------------------------------------------------------


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_draws(input: Tensor, shape: tuple, p: float) -> Any:
    """0/1 Bernoulli(1 - p) draws of `shape` in input's dtype, from retrograd's default generator."""
    u = uniform(numpy_rng(None), shape, input._data.dtype, 0.0, 1.0)
    return (u < 1.0 - p).astype(input._data.dtype, copy=False)


def _keep_mask(input: Tensor, shape: tuple, p: float) -> Tensor:
    """Bernoulli(1 - p) samples of `shape`, scaled by 1/(1 - p) (all zeros when p = 1)."""
    mask = _keep_draws(input, shape, p)
    if p < 1.0:
        mask *= 1.0 / (1.0 - p)
    return Tensor._make(mask)


def _apply_mask(input: Tensor, mask: Tensor, inplace: bool) -> Tensor:
    if inplace:
        return _inplace.apply(input, lambda t: t * mask)
    return input * mask


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability `p` and scale the rest by 1/(1-p); identity when not training."""
    _check_p(p)
    if p == 0 or not training or input._data.size == 0:
        return input
    return _apply_mask(input, _keep_mask(input, input._data.shape, p), inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """One draw per (sample, channel) of an (N, C, *) input, broadcast over the rest."""
    if input._data.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p == 0 or not training or input._data.size == 0:
        return input
    shape = input._data.shape[:2] + (1,) * (input._data.ndim - 2)
    return _apply_mask(input, _keep_mask(input, shape, p), inplace)


def _unbatched(input: Tensor, batched: bool, p: float, training: bool, inplace: bool) -> Tensor:
    if batched:
        return _feature_dropout(input, p, training, inplace)
    if inplace:
        # the mask is drawn for the (1, C, ...) view and applied to input in place
        mask_shape = (1,) + input._data.shape[:1] + (1,) * (input._data.ndim - 1)
        if p == 0 or not training or input._data.size == 0:
            return input
        return _apply_mask(input, _keep_mask(input, mask_shape, p).squeeze(0), True)
    return _feature_dropout(input.unsqueeze(0), p, training, False).squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) inputs with probability `p`."""
    _check_p(p)
    nd = input._data.ndim
    if nd not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an "
            "optional batch dimension (i.e. 2D or 3D inputs)."
        )
    return _unbatched(input, nd == 3, p, training, inplace)


def _feature_warning(name: str, nd: int, spatial: int) -> None:
    lo, hi = spatial + 1, spatial + 2
    warnings.warn(
        f"{name}: Received a {nd}-D input to {name}, which is deprecated and will result in an error in a "
        f"future release. To retain the behavior and silence this warning, please use dropout instead. Note "
        f"that {name} exists to provide channel-wise dropout on inputs with {spatial} spatial dimensions, a "
        f"channel dimension, and an optional batch dimension (i.e. {lo}D or {hi}D inputs).",
        UserWarning,
        stacklevel=3,
    )


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) inputs (a 3-D input is treated as (N, C, L), with a warning)."""
    _check_p(p)
    nd = input._data.ndim
    if nd not in (3, 4):
        _feature_warning("dropout2d", nd, 2)
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
            "instead.",
            UserWarning,
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs."""
    _check_p(p)
    nd = input._data.ndim
    if nd not in (4, 5):
        _feature_warning("dropout3d", nd, 3)
    return _unbatched(input, nd == 5, p, training, inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _alpha(input: Tensor, shape: tuple, p: float, training: bool, inplace: bool) -> Tensor:
    """Alpha dropout: dropped values become SELU's saturation, then an affine fix keeps mean and variance."""
    if p == 0 or not training or input._data.size == 0:
        return input
    if p == 1:
        return input.mul_(0) if inplace else input * 0
    alpha = _SELU_ALPHA * _SELU_SCALE
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    keep = Tensor._make(_keep_draws(input, shape, p))
    b = (keep - 1) * (alpha * a) + alpha * a * p  # dropped values land on -alpha·a·(1 - p)
    keep = keep * a
    if inplace:
        return _inplace.apply(input, lambda t: t * keep + b)
    return input * keep + b


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: keeps zero mean and unit variance."""
    _check_p(p)
    return _alpha(input, input._data.shape, p, training, inplace)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels of an (N, C, *) input."""
    _check_p(p)
    if input._data.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = input._data.shape[:2] + (1,) * (input._data.ndim - 2)
    return _alpha(input, shape, p, training, inplace)


# --- distances and normalisation along a dim -----------------------------------------------


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Tensor:
    """`input / max(‖input‖_p over dim, eps)`."""
    denom = _ops.norm(input, p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


def _clamped_norm(x: Tensor, dim: int, eps: float) -> Tensor:
    """‖x‖ over dim with its value clamped at eps but the gradient of the unclamped norm (as PyTorch)."""
    n = _ops.norm(x, 2, dim, keepdim=True)
    raw = n.detach()
    return n + (raw.clamp_min(eps) - raw)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """`Σ (x1/‖x1‖)·(x2/‖x2‖)` over `dim`, norms clamped at `eps`; inputs broadcast."""
    from .. import dtypes as _dt

    common = _dt.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {_dt_name(common)}")
    x1, x2 = x1.to(common), x2.to(common)
    x1, x2 = _ops.broadcast_tensors(x1, x2)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


def _dt_name(dt: Any) -> str:
    from ..ops.linalg.common import TYPE_NAME

    return TYPE_NAME[dt.name]


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """`‖x1 - x2 + eps‖_p` over the last dim: (N, D), (N, D) -> (N,)."""
    dim = max(x1._data.ndim, x2._data.ndim) - 1
    return _ops.norm(x1 - x2 + eps, p, dim, keepdim=keepdim)

