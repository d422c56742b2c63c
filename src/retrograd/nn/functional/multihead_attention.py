"""The multi-head attention forward of PyTorch (`F.multi_head_attention_forward`) and its mask rules.

Layout is PyTorch's: query (L, N, E), key/value (S, N, E_k/E_v), or unbatched (L, E).
Boolean masks mark positions NOT allowed to attend (True = masked, as in PyTorch's
MultiheadAttention, the opposite of `scaled_dot_product_attention`); they become
additive float masks with -inf. With `need_weights` the scores go through one
`baddbmm`, a softmax and a `bmm`, and the weights come back averaged over heads;
without, the heads run through `scaled_dot_product_attention`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ... import ops
from ..._user_frames import frames_up
from ...dtypes import bool_ as _bool
from ...ops.shape.slicing import cat
from ...tensor import Tensor

__all__ = ["multi_head_attention_forward"]


def canonical_mask(
    mask: Tensor | None, mask_name: str, other_type: Any, other_name: str, target_type: Any, check_other: bool = True
) -> Tensor | None:
    """A bool mask as a float one (-inf where True, 0 elsewhere) of `target_type`; float masks pass through."""
    if mask is None:
        return None
    is_float = mask.is_floating_point()
    if mask.dtype != _bool and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(
            f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both instead.",
            stacklevel=frames_up(3),
        )
    if is_float:
        return mask
    return ops.zeros_like(mask, dtype=target_type).masked_fill(mask, -math.inf)


def none_or_dtype(input: Tensor | None) -> Any:
    """The tensor's dtype, or None."""
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                 attn_mask: Tensor | None, num_heads: int) -> bool:
    """PyTorch's rank checks; True for batched (3-D) query."""
    qd = query.dim()
    if qd not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {qd}-D query tensor")
    what = "batched (3-D)" if qd == 3 else "unbatched (2-D)"
    if key.dim() != qd or value.dim() != qd:
        raise AssertionError(
            f"For {what} `query`, expected `key` and `value` to be {qd}-D"
            f" but found {key.dim()}-D and {value.dim()}-D tensors respectively"
        )
    if key_padding_mask is not None and key_padding_mask.dim() != qd - 1:
        raise AssertionError(
            f"For {what} `query`, expected `key_padding_mask` to be `None` or {qd - 1}-D"
            f" but found {key_padding_mask.dim()}-D tensor instead"
        )
    if attn_mask is not None and attn_mask.dim() not in (2, 3):
        raise AssertionError(
            f"For {what} `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
            f" but found {attn_mask.dim()}-D tensor instead"
        )
    if qd == 2 and attn_mask is not None and attn_mask.dim() == 3:
        expected = (num_heads, query.shape[0], key.shape[0])
        if tuple(attn_mask.shape) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
    return qd == 3


def _linear(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    from .linear_maps import linear

    return linear(x, w, b)


def _in_projection_packed(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | None) -> tuple[Tensor, ...]:
    """q, k, v projected by the packed (3E, E) weight; one product when they are the same tensor."""
    e = q.size(-1)
    if k is v and q is k:
        return _linear(q, w, b).chunk(3, -1)
    if k is v:
        w_q, w_kv = w.split([e, 2 * e])
        b_q, b_kv = (None, None) if b is None else b.split([e, 2 * e])
        return (_linear(q, w_q, b_q), *_linear(k, w_kv, b_kv).chunk(2, -1))
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _in_projection(q: Tensor, k: Tensor, v: Tensor, weights: tuple, bias: Tensor | None) -> tuple[Tensor, ...]:
    """q, k, v projected by separate weights (E, E), (E, E_k), (E, E_v) and the chunks of the packed bias."""
    eq = q.size(-1)
    biases = (None, None, None) if bias is None else bias.chunk(3)
    out = []
    for name, x, w, b in zip(("query", "key", "value"), (q, k, v), weights, biases):
        if tuple(w.shape) != (eq, x.size(-1)):
            raise AssertionError(f"expecting {name} weights shape of {(eq, x.size(-1))}, but got {w.shape}")
        if b is not None and tuple(b.shape) != (eq,):
            raise AssertionError(f"expecting {name} bias shape of {(eq,)}, but got {b.shape}")
        out.append(_linear(x, w, b))
    return tuple(out)


def _attn_mask_3d(attn_mask: Tensor | None, tgt_len: int, src_len: int, bsz: int, num_heads: int) -> Tensor | None:
    """attn_mask as (1 or N·heads, L, S), checking PyTorch's shapes."""
    if attn_mask is None:
        return None
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(
                f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be {(tgt_len, src_len)}."
            )
        return attn_mask.unsqueeze(0)
    if attn_mask.dim() == 3:
        if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(
                f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                f"{(bsz * num_heads, tgt_len, src_len)}."
            )
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def _pad_key(mask: Tensor | None) -> Tensor | None:
    """One more (allowed) key position at the end of the last dim."""
    if mask is None:
        return None
    return cat([mask, ops.zeros(tuple(mask.shape[:-1]) + (1,), dtype=mask.dtype, device=mask.device)], -1)


def _heads(x: Tensor, static: Tensor | None, bsz: int, num_heads: int, head_dim: int, name: str) -> Tensor:
    """(S, N, E) -> (N·heads, S, head_dim), or the given static_k/static_v after PyTorch's checks."""
    if static is None:
        return x.reshape(x.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if static.size(0) != bsz * num_heads:
        raise AssertionError(f"expecting {name}.size(0) of {bsz * num_heads}, but got {static.size(0)}")
    if static.size(2) != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.size(2)}")
    return static


def _masks(query: Tensor, key_padding_mask: Tensor | None, attn_mask: Tensor | None, is_causal: bool,
           need_weights: bool) -> tuple[Tensor | None, Tensor | None, bool]:
    """Float masks and the causal flag, by PyTorch's rules (a causal hint alone may drop attn_mask)."""
    key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask", none_or_dtype(attn_mask), "attn_mask",
                                      query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
            "`generate_square_subsequent_mask` to create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        return None, None, True  # scaled_dot_product_attention builds the causal mask itself
    attn_mask = canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
    return key_padding_mask, attn_mask, is_causal and key_padding_mask is None


def _project(query: Tensor, key: Tensor, value: Tensor, in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
             separate: tuple | None) -> tuple[Tensor, ...]:
    """The q, k, v input projections, from the packed weight or from separate ones."""
    if separate is None:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        return _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    if key.shape[:2] != value.shape[:2]:
        raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's {value.shape[:2]}")
    for name, w in zip(("q", "k", "v"), separate):
        if w is None:
            raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
    return _in_projection(query, key, value, separate, in_proj_bias)


def _weighted(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None, dropout_p: float) -> tuple[Tensor, Tensor]:
    """softmax(q kᵀ/√E + mask) and its product with v, for (B, L, E) q and (B, S, E) k, v."""
    # torch.bmm, torch.baddbmm and F.softmax are looked up when called, as PyTorch's code does, so
    # a patched one runs here too (ptflops counts attention's products and softmax by patching them)
    from ... import baddbmm, bmm
    from . import softmax

    q_scaled = q * math.sqrt(1.0 / float(q.shape[-1]))
    kt = k.transpose(-2, -1)
    scores = bmm(q_scaled, kt) if attn_mask is None else baddbmm(attn_mask, q_scaled, kt)
    weights = softmax(scores, dim=-1)
    if dropout_p > 0.0:
        from .dropouts import dropout

        weights = dropout(weights, p=dropout_p)
    return bmm(weights, v), weights


def _attend(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None, dropout_p: float, is_causal: bool,
            need_weights: bool, dims: tuple[int, ...]) -> tuple[Tensor, Tensor | None]:
    """Per-head attention: (N·heads, L, hd) q -> (L·N, E) merged heads and (N, heads, L, S) weights or None."""
    tgt_len, bsz, num_heads, head_dim, src_len = dims
    if need_weights:
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        out, weights = _weighted(q, k, v, attn_mask, dropout_p)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, num_heads * head_dim)
        return out, weights.view(bsz, num_heads, tgt_len, src_len)
    from .attention import scaled_dot_product_attention

    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    return out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, num_heads * head_dim), None


def _extend_keys(k: Tensor, v: Tensor, masks: list, extra_k: Tensor, extra_v: Tensor, dim: int) -> tuple:
    """Append one key/value position (bias_kv or zeros) along `dim`, and an allowed column to each mask."""
    return cat([k, extra_k], dim), cat([v, extra_v], dim), [_pad_key(m) for m in masks]


def multi_head_attention_forward(
    query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None, bias_v: Tensor | None,
    add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
    training: bool = True, key_padding_mask: Tensor | None = None, need_weights: bool = True,
    attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
    static_v: Tensor | None = None, average_attn_weights: bool = True, is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention: query (L, N, E), key (S, N, E_k), value (S, N, E_v) -> ((L, N, E), weights).

    The weights are (N, L, S) averaged over heads, (N, heads, L, S) otherwise, None without need_weights.

    Args:
        query (Tensor): (L, N, E) or unbatched (L, E).
        key (Tensor): (S, N, E_k) or (S, E_k).
        value (Tensor): (S, N, E_v) or (S, E_v).
        embed_dim_to_check (int): E, checked against `query`.
        num_heads (int): the number of heads; E must divide by it.
        in_proj_weight (Tensor, optional): the packed q, k, v projection (3E, E), unless `use_separate_proj_weight`.
        in_proj_bias (Tensor, optional): its bias (3E,).
        bias_k (Tensor, optional): a bias step (1, 1, E) appended to the keys.
        bias_v (Tensor, optional): a bias step (1, 1, E) appended to the values.
        add_zero_attn (bool): append a step of zeros to the keys and values.
        dropout_p (float): dropout on the attention weights.
        out_proj_weight (Tensor): the output projection (E, E).
        out_proj_bias (Tensor, optional): its bias (E,).
        training (bool): apply the dropout (default True).
        key_padding_mask (Tensor, optional): (N, S) or (S,); True (or -inf) marks keys to ignore.
        need_weights (bool): also return the attention weights (default True).
        attn_mask (Tensor, optional): (L, S) or (N·heads, L, S); bool True masks, float is added to the scores.
        use_separate_proj_weight (bool): use `q_proj_weight`, `k_proj_weight`, `v_proj_weight` instead of
            `in_proj_weight` (default False).
        q_proj_weight (Tensor, optional): (E, E).
        k_proj_weight (Tensor, optional): (E, E_k).
        v_proj_weight (Tensor, optional): (E, E_v).
        static_k (Tensor, optional): precomputed projected keys (N·heads, S, E/heads).
        static_v (Tensor, optional): precomputed projected values (N·heads, S, E/heads).
        average_attn_weights (bool): average the returned weights over the heads (default True).
        is_causal (bool): a hint that `attn_mask` is the causal mask (default False).

    Returns:
        tuple: (output (L, N, E) or (L, E), weights (N, L, S) averaged over heads, (N, heads, L, S) otherwise, or
            None without need_weights).

    Examples:
        >>> E, heads = 4, 2
        >>> x = retrograd.randn(3, 1, E)
        >>> w_in, w_out = retrograd.randn(3 * E, E), retrograd.randn(E, E)
        >>> out, weights = F.multi_head_attention_forward(x, x, x, E, heads, w_in, None, None, None, False, 0.0,
        ...                                               w_out, None)
        >>> out.shape, weights.shape
        (retrograd.Size([3, 1, 4]), retrograd.Size([1, 3, 3]))
        >>> weights.sum(dim=-1)
        tensor([[1., 1., 1.]])
    """
    batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = _unsqueeze_same(query, key, value)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    key_padding_mask, attn_mask, is_causal = _masks(query, key_padding_mask, attn_mask, is_causal, need_weights)
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    separate = (q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight else None
    q, k, v = _project(query, key, value, in_proj_weight, in_proj_bias, separate)
    masks = [_attn_mask_3d(attn_mask, tgt_len, key.shape[0], bsz, num_heads), key_padding_mask]
    q, k, v, masks = _split_heads(q, k, v, masks, (bias_k, bias_v), (static_k, static_v), add_zero_attn, num_heads)
    attn_mask = _merge_padding(masks, bsz, num_heads, k.size(1))
    out, weights = _attend(q, k, v, attn_mask, dropout_p if training else 0.0, is_causal, need_weights,
                           (tgt_len, bsz, num_heads, head_dim, k.size(1)))
    # the size spelled out: -1 is ambiguous when the batch is empty
    out = _linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, out_proj_weight.shape[0])
    if weights is not None and average_attn_weights:
        weights = weights.mean(dim=1)
    if not batched:
        out = out.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return out, weights


def _split_heads(q: Tensor, k: Tensor, v: Tensor, masks: list, bias_kv: tuple, static_kv: tuple, add_zero_attn: bool,
                 num_heads: int) -> tuple[Tensor, Tensor, Tensor, list]:
    """(L, N, E) projections -> (N·heads, L, head_dim), with bias_k/bias_v and a zero key appended if asked."""
    bsz, head_dim = q.shape[1], q.shape[2] // num_heads
    bias_k, bias_v = bias_kv
    static_k, static_v = static_kv
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError(f"bias cannot be added to static {'key' if static_k is not None else 'value'}.")
        k, v, masks = _extend_keys(k, v, masks, bias_k.repeat(1, bsz, 1), bias_v.repeat(1, bsz, 1), 0)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    q = _heads(q, None, bsz, num_heads, head_dim, "q")
    k = _heads(k, static_k, bsz, num_heads, head_dim, "static_k")
    v = _heads(v, static_v, bsz, num_heads, head_dim, "static_v")
    if add_zero_attn:
        zeros = ops.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k, v, masks = _extend_keys(k, v, masks, zeros, zeros, 1)
    return q, k, v, masks


def _unsqueeze_same(query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Add the batch dim (1) to unbatched inputs, keeping `query is key is value` where it holds."""
    q = query.unsqueeze(1)
    k = q if key is query else key.unsqueeze(1)
    v = k if value is key else (q if value is query else value.unsqueeze(1))
    return q, k, v


def _merge_padding(masks: list, bsz: int, num_heads: int, src_len: int) -> Tensor | None:
    """attn_mask plus the key padding mask spread over heads: (N·heads, 1, S)."""
    attn_mask, key_padding_mask = masks
    if key_padding_mask is None:
        return attn_mask
    if key_padding_mask.shape[0] != bsz:
        raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}")
    if key_padding_mask.shape[1] != src_len:
        raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got {key_padding_mask.shape[1]}")
    spread = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
    spread = spread.reshape(bsz * num_heads, 1, src_len)
    return spread if attn_mask is None else attn_mask + spread
