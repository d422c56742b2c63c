"""Scaled dot-product attention of torch.nn.functional.

Attention is composed of retrograd ops (two matrix products around a softmax),
so its derivatives of any order come from theirs. Rows whose keys are all
masked out give zeros (and zero gradients), as PyTorch 2.13's safe softmax
does, instead of NaN.
"""

from __future__ import annotations

import math

from ...dtypes import bool_, float32
from ...ops.activation import softmax
from ...ops.creation import ones
from ...ops.elementwise.clamp_where import where
from ...ops.shape.diagonals import tril
from ...tensor import Tensor

__all__ = ["scaled_dot_product_attention"]


def _check_qkv(query: Tensor, key: Tensor, value: Tensor) -> None:
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype.c10_name} key.dtype: {key.dtype.c10_name} and value.dtype: "
            f"{value.dtype.c10_name} instead."
        )
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
            f"{query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead."
        )
    if not query.dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Float but found {query.dtype.kind_name}")


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
        attn_mask = tril(ones((L, S), dtype=bool_))
    if attn_mask is None:
        return scores, None
    kind = attn_mask.dtype
    if kind == bool_:
        scores = scores.masked_fill(~attn_mask, -math.inf)
    elif kind == query.dtype or kind == float32:  # a float32 mask works with any query dtype
        scores = scores + attn_mask.to(query.dtype)
    else:
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: "
            f"{attn_mask.dtype.c10_name} and  query.dtype: {query.dtype.c10_name} instead."
        )
    if is_causal:  # the causal mask keeps key 0 in every row: no row is fully blocked
        return scores, None
    # rows whose every key is masked; found without reading values into Python, so a compiled
    # function keeps working when a later mask blocks different rows
    return scores, (scores.detach() == -math.inf).all(dim=-1, keepdim=True)


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

    Args:
        query (Tensor): (*, L, E).
        key (Tensor): (*, S, E).
        value (Tensor): (*, S, Ev).
        attn_mask (Tensor, optional): (L, S) or broadcastable; bool marks the positions that take part, float is
            added to the scores.
        dropout_p (float): dropout on the attention weights (default 0).
        is_causal (bool): mask keys after each query; then `attn_mask` must be None (default False).
        scale (float, optional): the scores' factor (default 1/√E).
        enable_gqa (bool): allow fewer key/value heads than query heads (grouped-query attention) (default False).

    Returns:
        Tensor: (*, L, Ev).

    Examples:
        >>> q = k = retrograd.tensor([[[1.0, 0.0], [0.0, 1.0]]])
        >>> v = retrograd.tensor([[[1.0, 2.0], [3.0, 4.0]]])
        >>> F.scaled_dot_product_attention(q, k, v, scale=100.0)
        tensor([[[1., 2.],
                 [3., 4.]]])
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True)
        tensor([[[1.0000, 2.0000],
                 [2.3395, 3.3395]]])
        >>> q, k, v = retrograd.ones(2, 4, 5, 8), retrograd.ones(2, 4, 7, 8), retrograd.ones(2, 4, 7, 3)
        >>> F.scaled_dot_product_attention(q, k, v).shape
        retrograd.Size([2, 4, 5, 3])
    """
    _check_qkv(query, key, value)
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if enable_gqa and query.dim() >= 3:
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
        from .dropouts import dropout

        weights = dropout(weights, dropout_p, True)
    return weights @ value
