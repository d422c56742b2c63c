"""float16/bfloat16 attention as PyTorch's CPU flash kernel computes it, forward and backward.

    forward   per block of 512 keys (online softmax): S = Q Kᵀ · scale + mask in float32,
              E = exp(S - running max), row sums of E in float32; E rounded to the half dtype
              before O += E V; O scaled by 1 / row sum and rounded once. lse = max + log(sum).
    backward  P = exp(S - lse) in float32;  dsum = Σ_row dO ⊙ O;  dS = P ⊙ (dO Vᵀ - dsum);
              P and dS rounded to the half dtype for the products
              dV += Pᵀ dO,  dQ += scale · dS K,  dK += scale · dSᵀ Q,
              each sum rounded to the half dtype after every block (queries in blocks of 32, 64
              or 256 by length, keys in blocks of 512), as the kernel writes into half tensors.

Rounding only the results (the float32-then-round-once path of other ops) is a few ulps off.
The backward recomputes the forward's output and log-sum-exp (PyTorch saves them).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...engine.primitive import Primitive

__all__: list[str] = []  # kernels of ops/fused/attention.py

_KV_BLOCK = 512
_F32 = np.dtype(np.float32)


def _q_block(length: int) -> int:
    """PyTorch's query block for a sequence of `length` queries."""
    return 256 if length >= 768 else 64 if length >= 192 else 32


def _scores(xp: Any, q: Any, k: Any, masks: list, scale: float, causal: bool) -> Any:
    scores = q @ xp.swapaxes(k, -1, -2)
    scores *= scale
    if causal:
        above = xp.triu(xp.ones(scores.shape[-2:], dtype=bool), 1)
        return xp.where(above, xp.asarray(-math.inf, dtype=_F32), scores)
    if masks:
        m = masks[0]
        return xp.where(m, scores, xp.asarray(-math.inf, dtype=_F32)) if m.dtype == bool else scores + m.astype(_F32)
    return scores


def _expand(xp: Any, a: Any, heads: int) -> Any:
    """Key or value heads repeated for their groups of query heads (grouped-query attention)."""
    return a if a.shape[-3] == heads else xp.repeat(a, heads // a.shape[-3], axis=-3)


def _attention(xp: Any, q: Any, k: Any, v: Any, masks: list, scale: float, causal: bool) -> tuple:
    """(O in the half dtype, S, lse, rows with no key) from float32 copies of the inputs."""
    half = v.dtype
    q, k, v, *masks = (a.astype(_F32) if a.dtype == half else a for a in (q, k, v, *masks))
    k, v = _expand(xp, k, q.shape[-3]), _expand(xp, v, q.shape[-3])
    scores = _scores(xp, q, k, masks, scale, causal)
    rows = scores.shape[:-1] + (1,)
    out = xp.zeros(scores.shape[:-1] + v.shape[-1:], dtype=_F32)
    row_max, row_sum = xp.full(rows, -math.inf, dtype=_F32), xp.zeros(rows, dtype=_F32)
    for start in range(0, scores.shape[-1], _KV_BLOCK):
        block = scores[..., start : start + _KV_BLOCK]
        new_max = xp.maximum(row_max, block.max(axis=-1, keepdims=True))
        shift = xp.where(new_max == -math.inf, xp.zeros((), _F32), new_max)  # no key yet: exp(-inf) = 0
        e = xp.exp(block - shift)
        correction = xp.exp(row_max - shift)
        row_sum = row_sum * correction + e.sum(axis=-1, keepdims=True)
        out = out * correction + e.astype(half).astype(_F32) @ v[..., start : start + _KV_BLOCK, :]
        row_max = new_max
    blocked = row_sum == 0  # every key masked: zeros, as PyTorch 2.13's safe softmax
    inverse = xp.where(blocked, xp.zeros((), _F32), 1 / xp.where(blocked, xp.ones((), _F32), row_sum))
    lse = xp.where(blocked, xp.zeros((), _F32), row_max + xp.log(xp.where(blocked, xp.ones((), _F32), row_sum)))
    return (out * inverse).astype(half), scores, lse, blocked


def half_forward(xp: Any, q: Any, k: Any, v: Any, *mask: Any, scale: float, causal: bool) -> tuple[Any, Any]:
    """The attention primitive's forward on half inputs: O and the weights P (in the half dtype)."""
    out, scores, lse, blocked = _attention(xp, q, k, v, list(mask), scale, causal)
    p = xp.where(blocked, xp.zeros((), _F32), xp.exp(scores - lse))
    return out, p.astype(v.dtype)


def _backward(xp: Any, g: Any, q: Any, k: Any, v: Any, *mask: Any, scale: float, causal: bool) -> tuple:
    half = v.dtype
    out, scores, lse, blocked = _attention(xp, q, k, v, list(mask), scale, causal)
    g, q, k, v, out = (a.astype(_F32) for a in (g, q, k, v, out))
    attn = xp.where(blocked, xp.zeros((), _F32), xp.exp(scores - lse))
    d_scores = attn * (g @ xp.swapaxes(_expand(xp, v, q.shape[-3]), -1, -2) - (g * out).sum(axis=-1, keepdims=True))
    attn, d_half = (a.astype(half).astype(_F32) for a in (attn, d_scores))
    dq, dk, dv = (xp.zeros(a.shape, dtype=_F32) for a in (q, k, v))
    group, step = q.shape[-3] // k.shape[-3], _q_block(q.shape[-2])
    for r in range(group):  # query heads r, r + group, ...: one for each key/value head, in the kernel's order
        heads = slice(r, None, group)
        for m in range(0, q.shape[-2], step):
            rows = slice(m, m + step)
            for n in range(0, k.shape[-2], _KV_BLOCK):
                keys = slice(n, n + _KV_BLOCK)
                d_block, p_block = d_half[..., heads, rows, keys], attn[..., heads, rows, keys]
                dv[..., keys, :] = (dv[..., keys, :] + xp.swapaxes(p_block, -1, -2) @ g[..., heads, rows, :]
                                    ).astype(half)  # fmt: skip
                dq[..., heads, rows, :] = (dq[..., heads, rows, :] + scale * (d_block @ k[..., keys, :])).astype(half)
                dk[..., keys, :] = (dk[..., keys, :] + scale * (xp.swapaxes(d_block, -1, -2) @ q[..., heads, rows, :])
                                    ).astype(half)  # fmt: skip
    grads = (dq.astype(half), dk.astype(half), dv.astype(half))
    if mask and mask[0].dtype != bool:
        return (*grads, d_scores.astype(mask[0].dtype))
    return grads


# (with a float mask: its gradient too)
HALF_BACKWARD = {
    with_mask: Primitive(
        "attention_backward_half", _backward, [None] * (5 if with_mask else 4),
        inputs=("g", "q", "k", "v", "mask") if with_mask else ("g", "q", "k", "v"),
        n_outputs=4 if with_mask == "float" else 3, half_forward=_backward,
    )  # fmt: skip
    for with_mask in (False, "bool", "float")
}
