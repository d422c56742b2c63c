"""Scaled dot-product attention and the pixel (un)shuffles of torch.nn.functional.

Part of `functional_layers` (split for size). Attention is composed of
retrograd ops (two matrix products around a softmax), so its derivatives of
any order come from theirs. Rows whose keys are all masked out give zeros (and
zero gradients), as PyTorch 2.13's safe softmax does, instead of NaN.
"""

from __future__ import annotations

import math

import numpy as np

from ..ops.activation.along_dim import softmax
from ..ops.elementwise.clamp_where import where
from ..ops.linalg.common import C10_NAME, TYPE_NAME
from ..tensor import Tensor

__all__ = ["scaled_dot_product_attention", "pixel_shuffle", "pixel_unshuffle"]


def _check_qkv(query: Tensor, key: Tensor, value: Tensor) -> None:
    q, k, v = query._data, key._data, value._data
    if not (q.dtype == k.dtype == v.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{C10_NAME[query.dtype.name]} key.dtype: {C10_NAME[key.dtype.name]} and value.dtype: "
            f"{C10_NAME[value.dtype.name]} instead."
        )
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
            f"{q.ndim} key.dim: {k.ndim} and value.dim: {v.ndim} instead."
        )
    if q.dtype.kind != "f":
        raise RuntimeError(f"expected scalar type Float but found {TYPE_NAME[query.dtype.name]}")


def _repeat_heads(query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
    """Grouped-query attention: repeat each key/value head for its group of query heads (dim -3)."""
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hq % hk or hq % hv:
        # PyTorch 2.13's message stops short, as here
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    return key.repeat_interleave(hq // hk, -3), value.repeat_interleave(hq // hv, -3)


def _mask_scores(scores: Tensor, attn_mask: Tensor | None, is_causal: bool, query: Tensor) -> tuple:
    """Scores with -inf at masked positions (or the float mask added), and the fully masked rows."""
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(
                "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"
            )
        L, S = scores.shape[-2], scores.shape[-1]
        attn_mask = Tensor._make(np.tril(np.ones((L, S), dtype=bool)))
    if attn_mask is None:
        return scores, None
    kind = attn_mask._data.dtype
    if kind.kind == "b":
        scores = scores.masked_fill(~attn_mask, -math.inf)
    elif kind == query._data.dtype or kind == np.float32:  # a float32 mask works with any query dtype
        scores = scores + attn_mask.to(query.dtype)
    else:
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: "
            f"{C10_NAME[attn_mask.dtype.name]} and  query.dtype: {C10_NAME[query.dtype.name]} instead."
        )
    blocked = (scores._data == -math.inf).all(axis=-1, keepdims=True)
    return scores, (Tensor._make(blocked) if blocked.any() else None)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """`softmax(Q Kᵀ · scale + mask) V`: (*, L, E), (*, S, E), (*, S, Ev) -> (*, L, Ev).

    A bool `attn_mask` marks the positions that take part; a float one is added to
    the scores. `is_causal` masks keys after each query (top-left aligned).
    `scale` defaults to 1/√E; `dropout_p` drops attention weights.
    """
    _check_qkv(query, key, value)
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if enable_gqa and query._data.ndim >= 3:
        key, value = _repeat_heads(query, key, value)
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * s
    scores, blocked = _mask_scores(scores, attn_mask, is_causal, query)
    if blocked is not None:  # rows with no allowed key: a finite softmax, zeroed afterwards
        scores = where(blocked, 0.0, scores)
    weights = softmax(scores, -1)
    if blocked is not None:
        weights = where(blocked, 0.0, weights)
    if dropout_p > 0.0:
        from .functional_layers import dropout

        weights = dropout(weights, dropout_p, True)
    return weights @ value


# --- pixel shuffle ---------------------------------------------------------------------------


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) -> (*, C, H·r, W·r)."""
    shape = input._data.shape
    if len(shape) < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with {len(shape)} dimension(s)"
        )
    r = upscale_factor
    c, h, w = shape[-3:]
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, "
            f"but input.size(-3)={c} is not divisible by {r * r}"
        )
    lead = shape[:-3]
    n = len(lead)
    x = input.reshape(lead + (c // (r * r), r, r, h, w))
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(lead + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) -> (*, C·r², H, W)."""
    shape = input._data.shape
    if len(shape) < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {len(shape)} "
            "dimension(s)"
        )
    r = downscale_factor
    c, h, w = shape[-3:]
    for name, size, d in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but input.size({d})={size} "
                f"is not divisible by {r}"
            )
    lead = shape[:-3]
    n = len(lead)
    x = input.reshape(lead + (c, h // r, r, w // r, r))
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(lead + (c * r * r, h // r, w // r))
