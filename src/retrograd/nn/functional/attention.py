"""Scaled dot-product attention of torch.nn.functional.

The maths lives in `ops/fused/attention.py`: 4-d inputs without dropout run as one fused
node (PyTorch's flash-attention node on the CPU); other inputs, and dropout on the weights,
use the same attention composed of tensor ops. Rows whose keys are all masked out give zeros
(and zero gradients), as PyTorch 2.13's safe softmax does, instead of NaN.
"""

from __future__ import annotations

import math

from ... import _global_flags
from ... import ops as _ops
from ...dtypes import bfloat16, bool_, float16, float32
from ...engine.numpy_errors import broadcast_mismatch
from ...engine.vmap_hook import hook as _vmap
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import lower_precision as _lower_precision
from ...ops.fused import attention as _fused
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


def _check_mask(attn_mask: Tensor | None, query: Tensor, key: Tensor) -> None:
    """PyTorch's error for a mask of a dtype it does not take, or of a shape that does not
    broadcast to the scores' (*, L, S) (its broadcast error, the scores being tensor a)."""
    if attn_mask is None:
        return
    kind = attn_mask.dtype
    if kind != bool_ and kind != query.dtype and kind != float32:  # a float32 mask works with any query dtype
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: "
            f"{attn_mask.dtype.c10_name} and  query.dtype: {query.dtype.c10_name} instead."
        )
    if query.dim() >= 2 and key.dim() >= 2:  # (fewer dims fail later, at the product, as PyTorch's)
        scores = (*query.shape[:-1], key.shape[-2])
        mismatch = broadcast_mismatch([scores, tuple(attn_mask.shape)])
        if mismatch is not None:  # (NumPy's failure inside the kernel would name the wrong operands)
            raise mismatch
        n = max(len(scores), attn_mask.dim())
        padded = (1,) * (n - len(scores)) + scores
        broadcast = [max(a, b) for a, b in zip(padded, (1,) * (n - attn_mask.dim()) + tuple(attn_mask.shape))]
        if broadcast != list(scores):  # PyTorch adds the mask to the scores in place
            raise RuntimeError(f"output with shape {list(scores)} doesn't match the broadcast shape {broadcast}")


def _and_causal(attn_mask: Tensor, length: int, source: int) -> Tensor:
    """`attn_mask` with the keys after each query masked too (bool: and; float: -inf added)."""
    causal = _ops.tril(_ops.ones((length, source), dtype=bool_, device=attn_mask.device))
    if attn_mask.dtype == bool_:
        return attn_mask & causal
    return attn_mask.masked_fill(~causal, -math.inf)


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
        is_causal (bool): mask keys after each query (default False); with `attn_mask` too (4-D
            inputs only, as PyTorch) both apply.
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
    if _autocasting[0]:
        query, key, value, attn_mask = _lower_precision(query, key, value, attn_mask)
    _check_qkv(query, key, value)
    if not (_global_flags.sdp_enabled("math") or _global_flags.sdp_enabled("flash")):  # PyTorch's CPU kernels
        raise RuntimeError(
            "No viable backend for scaled_dot_product_attention was found. This is likely due to turning off both "
            "the math kernel and the fused kernels."
        )
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    fused = dropout_p == 0.0 and query.dim() == key.dim() == value.dim() == 4 and not _vmap.active
    if enable_gqa and query.dim() >= 3:
        repeated = _repeat_heads(query, key, value)
        if not (fused and query.dtype in (float16, bfloat16)):  # (there PyTorch's kernel reads each key/value
            key, value = repeated  # head for its group of query heads and adds up their gradients, in order)
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    _check_mask(attn_mask, query, key)
    if attn_mask is not None and is_causal:
        if not query.dim() == key.dim() == value.dim() == 4:  # PyTorch's math kernel refuses both
            raise RuntimeError(
                "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True"
            )
        # its 4-D kernels apply both masks
        attn_mask, is_causal = _and_causal(attn_mask, query.shape[-2], key.shape[-2]), False
    fits = query.shape[-1] == key.shape[-1] and key.shape[-2] == value.shape[-2]  # else the products' errors
    if fused and fits:
        mismatch = broadcast_mismatch([query.shape[:-2], (*key.shape[:-3], query.shape[-3])])
        if mismatch is not None:  # PyTorch's Q Kᵀ product names the batch dims (NumPy's, in the kernel, would not)
            raise mismatch
        return _fused.attention(query, key, value, attn_mask, s, is_causal)  # one node, as PyTorch's flash kernel
    return _math_attention(query, key, value, attn_mask, dropout_p, s, is_causal)


def _math_attention(
    query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None, dropout_p: float, scale: float,
    is_causal: bool,
) -> Tensor:
    """PyTorch's math kernel: composed of tensor ops, float16/bfloat16 inputs computed in float32
    and the result rounded back once (as its CPU kernel keeps them "in high precision")."""
    dtype = query.dtype
    if dtype in (float16, bfloat16):
        query, key, value = query.float(), key.float(), value.float()
    weights = _fused.weights(query, key, attn_mask, scale, is_causal)
    if dropout_p > 0.0:
        from .dropouts import dropout

        weights = dropout(weights, dropout_p, True)
    return (weights @ value).to(dtype)
