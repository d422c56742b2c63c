"""Scaled dot-product attention over 4-d inputs as one primitive (PyTorch's flash-attention node on the CPU).

    forward   S = Q Kᵀ · scale, masked (bool: -inf where not allowed; float: added; causal: -inf
              above the diagonal);  P = softmax(S) (rows with no allowed key give zeros);  O = P V
    backward  dV = Pᵀ dO,  dP = dO Vᵀ,  dS = P ⊙ (dP - Σ_row dP ⊙ P),
              dQ = dS K · scale,  dK = dSᵀ Q · scale,  d(float mask) = dS

Composed from tensor ops (`weights` below, which `F.scaled_dot_product_attention` also uses when
it drops weights out), attention records ~10 nodes forward and as many backward; fused it is one,
whose first-order backward is a primitive of its own (one call in a `retrograd.compile` recording).
The forward saves P. A recorded or batched backward differentiates the composed form instead
(`recompute`), so every order of derivative stays exact.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...dtypes import bfloat16, bool_, float16
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..activation.along_dim import _softmax_forward, exp_needs_no_shift, normalized_exp, softmax
from ..creation import ones
from ..elementwise.clamp_where import where
from ..kernels.accumulate import row_sums
from ..shape.diagonals import tril
from .attention_half import HALF_BACKWARD, half_forward
from .recompute import differentiate, recorded

__all__: list[str] = []  # reached through retrograd.nn.functional.scaled_dot_product_attention


# --- composed from tensor ops -------------------------------------------------------------------


def weights(q: Tensor, k: Tensor, mask: Tensor | None, scale: float, causal: bool) -> Tensor:
    """softmax(Q Kᵀ · scale + mask) with tensor ops; rows whose every key is masked give zeros."""
    scores = (q @ k.transpose(-2, -1)) * scale
    if causal:  # key j is visible to query i when j <= i: every row keeps key 0
        mask = tril(ones((scores.shape[-2], scores.shape[-1]), dtype=bool_, device=q.device))
    if mask is None:
        return softmax(scores, -1)
    if mask.dtype == bool_:
        scores = scores.masked_fill(~mask, -math.inf)
    else:
        scores = scores + mask.to(q.dtype)
    if causal:
        return softmax(scores, -1)
    # rows whose every key is masked; found without reading values into Python, so a compiled
    # function keeps working when a later mask blocks different rows
    blocked = (scores.detach() == -math.inf).all(dim=-1, keepdim=True)
    return where(blocked, 0.0, softmax(where(blocked, 0.0, scores), -1))


def _composed(q: Tensor, k: Tensor, v: Tensor, *mask: Tensor, scale: float, causal: bool) -> Tensor:
    group = q.shape[-3] // k.shape[-3]  # grouped-query attention (half inputs): each key/value head serves `group`
    if group > 1:
        k, v = k.repeat_interleave(group, -3), v.repeat_interleave(group, -3)
    return weights(q, k, mask[0] if mask else None, scale, causal) @ v


# --- the fused kernel -----------------------------------------------------------------------------


_CAUSAL: dict = {}  # (array module, L, S, dtype) -> the additive mask; a model uses one or two


def _causal_mask(xp: Any, length: int, source: int, dtype: Any) -> Any:
    """-inf above the diagonal, 0 elsewhere, (L, S): added to the scores, ~6x faster than a boolean
    assignment of -inf (and the same result: s + 0 = s, s + -inf = -inf)."""
    key = (xp, length, source, dtype)
    mask = _CAUSAL.get(key)
    if mask is None:
        if len(_CAUSAL) > 64:
            _CAUSAL.clear()
        above = xp.triu(xp.ones((length, source), dtype=bool), 1)
        mask = _CAUSAL[key] = xp.where(above, xp.asarray(-math.inf, dtype=dtype), xp.zeros((), dtype=dtype))
    return mask


def _forward(xp: Any, q: Any, k: Any, v: Any, *mask: Any, scale: float, causal: bool) -> tuple[Any, Any]:
    scores = q @ xp.swapaxes(k, -1, -2)
    scores *= scale
    blocked = None
    if causal:
        # the scores' range is checked before the mask adds -inf (exp(-inf) = 0: each row keeps
        # its diagonal key, so its sum stays positive)
        unshifted = exp_needs_no_shift(xp, scores)
        length, source = scores.shape[-2:]
        scores += _causal_mask(xp, length, source, scores.dtype)
        if unshifted:
            p = normalized_exp(xp, xp.exp(scores, out=scores), -1)
            return _output(xp, p, q, k, v), p
    elif mask:
        m = mask[0]
        if m.dtype == bool:
            scores = xp.where(m, scores, xp.asarray(-math.inf, dtype=scores.dtype))
        else:
            scores = scores + m.astype(scores.dtype, copy=False)
        blocked = (scores == -math.inf).all(axis=-1, keepdims=True)
        scores = xp.where(blocked, xp.zeros((), scores.dtype), scores)  # a finite softmax there, zeroed below
    p = _softmax_forward(xp, scores, -1)
    if blocked is not None:
        p = xp.where(blocked, xp.zeros((), p.dtype), p)
    return _output(xp, p, q, k, v), p


def _output(xp: Any, p: Any, q: Any, k: Any, v: Any) -> Any:
    """P V, laid out as PyTorch's output: its CPU flash kernel (equal head dims, unit strides along
    them) writes an `empty_like(query)`, so heads split from (N, L, H, E) by a transpose come back
    so laid out (and `out.transpose(1, 2).view(N, L, H * E)` works); its math kernel, row-major."""
    if v.shape[-1] != q.shape[-1] or any(a.strides[-1] != a.itemsize for a in (q, k, v)):
        return p @ v
    return _product_like(xp, p, v, q)


def _product_like(xp: Any, a: Any, b: Any, like: Any) -> Any:
    """a @ b written in an array laid out as `like` (an input of the same shape), as PyTorch's
    kernel lays out each input's gradient: a multi-head model's reshapes of them are then views.
    (On NumPy, whose matmul writes into any strided output; elsewhere a fresh array.)"""
    if xp is not np or like.shape != a.shape[:-1] + b.shape[-1:]:
        return xp.matmul(a, b)
    return xp.matmul(a, b, out=xp.empty_like(like))


def _backward(xp: Any, g: Any, q: Any, k: Any, v: Any, p: Any, *, scale: float, with_mask: bool) -> tuple:
    dv = _product_like(xp, xp.swapaxes(p, -1, -2), g, v)
    dp = g @ xp.swapaxes(v, -1, -2)
    ds = dp - row_sums(xp, dp * p, -1)
    ds *= p  # the softmax's derivative: zero where a key was masked
    d_mask = (ds.copy(),) if with_mask else ()
    ds *= scale
    return (_product_like(xp, ds, k, q), _product_like(xp, xp.swapaxes(ds, -1, -2), q, k), dv, *d_mask)


_BACKWARD = {
    with_mask: Primitive(
        "attention_backward",
        _backward,  # `with_mask` comes with each call, as an attribute
        [None] * 5,
        inputs=("g", "q", "k", "v", "p"),
        n_outputs=4 if with_mask else 3,
    )
    for with_mask in (False, True)
}


def _rule(g: Tensor, inputs: tuple, p: Any, scale: float, causal: bool) -> tuple:
    if recorded(g):
        return differentiate(lambda *ts: _composed(*ts, scale=scale, causal=causal), inputs, g)
    float_mask = len(inputs) == 4 and inputs[3].is_floating_point()
    if inputs[0].dtype in (float16, bfloat16):  # PyTorch's kernel rounds along the way (attention_half.py)
        kind = False if len(inputs) == 3 else "float" if float_mask else "bool"
        grads = HALF_BACKWARD[kind](g, *inputs, scale=scale, causal=causal)
        return grads + (None,) * (len(inputs) - len(grads))
    grads = _BACKWARD[float_mask](g, *inputs[:3], Tensor._make(p), scale=scale, with_mask=float_mask)
    return grads + (None,) * (len(inputs) - len(grads))  # a bool mask takes no gradient


def _rule_qkv(g: Tensor, q: Tensor, k: Tensor, v: Tensor, p: Any, scale: float, causal: bool) -> tuple:
    return _rule(g, (q, k, v), p, scale, causal)


def _rule_masked(g: Tensor, q: Tensor, k: Tensor, v: Tensor, mask: Tensor, p: Any, scale: float,
                 causal: bool) -> tuple:
    return _rule(g, (q, k, v, mask), p, scale, causal)


_NODE = "ScaledDotProductFlashAttentionForCpuBackward0"
_ATTENTION = {
    False: Primitive("scaled_dot_product_attention", _forward, [_rule_qkv], inputs=("q", "k", "v"),
                     extras=("p",), node_name=_NODE, joint=True, half_forward=half_forward),
    True: Primitive("scaled_dot_product_attention", _forward, [_rule_masked], inputs=("q", "k", "v", "mask"),
                    extras=("p",), node_name=_NODE, joint=True, half_forward=half_forward),
}


def attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None, scale: float, causal: bool) -> Tensor:
    """`softmax(Q Kᵀ · scale + mask) V` for (N, H, L, E), (N, H, S, E), (N, H, S, Ev) tensors, as one node.

    float16/bfloat16 key and value may have fewer heads than the query (grouped-query attention:
    key/value head h serves query heads h·group ... h·group + group - 1).

    `mask` is None, bool (True where a key takes part) or float (added), broadcastable to (N, H, L, S);
    `causal` masks the keys after each query (then `mask` is None).
    """
    if mask is None:
        return _ATTENTION[False](q, k, v, scale=scale, causal=causal)
    return _ATTENTION[True](q, k, v, mask, scale=scale, causal=causal)
