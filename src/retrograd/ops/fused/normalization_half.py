"""float16/bfloat16 layer norm as PyTorch's CPU kernel computes it, and its mixed-dtype form.

    forward   in float32, the output rounded to the input's dtype once. With float32 weight and
              bias (autocast's bfloat16 activations into a float32 nn.LayerNorm) the kept mean
              and rstd stay float32; with half parameters, or none, they are rounded to the
              half dtype as PyTorch stores them.
    backward  dx in float32 from the half g, x and the kept mean and rstd by the kernel's formula
              (`input_grad`), rounded once. dw and db are summed over the
              rows into one half-dtype buffer per thread, rounded after every row:
                  buf_w = half(buf_w + g·(rstd·x - rstd·mean)),  buf_b = half(buf_b + g),
              the rows split into `get_num_threads()` contiguous chunks as `at::parallel_for`
              splits them; the buffers are then added in float32 and the sum given in the
              weight's dtype. So the weight and bias gradients depend on the thread count, in
              PyTorch as here.

Batch and group norm keep the float32-then-round-once path of other ops (engine/bfloat16.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..._threads import get_num_threads
from ...engine.bfloat16 import BF16, F16

__all__: list[str] = []  # kernels of ops/fused/normalization.py

_F32 = np.dtype(np.float32)


def _is_half(a: Any) -> bool:
    return a.dtype is BF16 or a.dtype is F16


def _wide(a: Any) -> Any:
    return a.astype(_F32) if _is_half(a) else a


def layer_forward(run: Callable[..., tuple], xp: Any, a: Any, *wb: Any, **attrs: Any) -> tuple:
    """`run` (layer norm's forward: out, mean, rstd, x̂) on float32 copies, rounded as PyTorch."""
    half = a.dtype
    out, mean, rstd, xhat = run(xp, _wide(a), *[_wide(t) for t in wb], **attrs)
    if _is_half(a) and not any(t.dtype is _F32 for t in wb):  # not mixed: statistics in the half dtype
        mean, rstd, xhat = mean.astype(half), rstd.astype(half), xhat.astype(half)
    return out.astype(half), mean, rstd, xhat


def _thread_chunks(rows: int) -> tuple[int, int]:
    """(chunks, rows per chunk) of `at::parallel_for(0, rows, 1, ...)` over get_num_threads() threads."""
    threads = max(1, min(get_num_threads(), rows))
    per = -(-rows // threads) if rows else 0
    return (-(-rows // per) if per else 1), per


def _padded(a: Any, chunks: int, per: int) -> Any:
    """(rows, ...) as (chunks, per, ...), zero rows after the last (adding g = 0 leaves a buffer as it is)."""
    pad = chunks * per - a.shape[0]
    if pad:
        a = np.concatenate([a, np.zeros((pad,) + a.shape[1:], a.dtype)])
    return a.reshape((chunks, per) + a.shape[1:])


def _fma(a: Any, b: Any, c: Any) -> Any:
    """float32 a·b + c rounded once, as the kernel's fused multiply-adds (a float32 product is exact in float64)."""
    return (a.astype(np.float64) * b + c).astype(_F32)


def affine_grads(g: Any, a: Any, mean: Any, rstd: Any, view: tuple, half: Any) -> tuple[Any, Any]:
    """dw, db of a half layer norm on its (M, N) view, in float32, summed as PyTorch's kernel sums them."""
    rows, width = view
    chunks, per = _thread_chunks(rows)
    r = rstd.astype(_F32).reshape(-1, 1)
    shift = -r * mean.astype(_F32).reshape(-1, 1)
    gs = _padded(g.astype(_F32).reshape(view), chunks, per)
    xs = _padded(a.astype(_F32).reshape(view), chunks, per)
    rs, shifts = _padded(r, chunks, per), _padded(shift, chunks, per)
    dw = np.zeros((chunks, width), _F32)
    db = np.zeros((chunks, width), _F32)
    for i in range(per):  # the chunks' i-th rows at once, each buffer rounded after each row
        dw = _fma(gs[:, i], _fma(rs[:, i], xs[:, i], shifts[:, i]), dw).astype(half).astype(_F32)
        db = (db + gs[:, i]).astype(half).astype(_F32)
    total_w, total_b = dw[0].copy(), db[0].copy()
    for k in range(1, chunks):
        total_w += dw[k]
        total_b += db[k]
    return total_w, total_b


def input_grad(g: Any, a: Any, w: Any, mean: Any, rstd: Any, view: tuple) -> Any:
    """A half layer norm's dx in float32 by PyTorch's formula, from x itself and the kept mean and rstd:
    ds = Σ g·w·x, db = Σ g·w per row;  b = (db·mean - ds)·rstd³/N,  c = -b·mean - db·rstd/N;
    dx = rstd·g·w + b·x + c (b·x and the sum fused).  The sums' order is NumPy's, not the kernel's
    vector lanes': float16 results still differ in the last bit now and then."""
    gv, x = g.astype(_F32).reshape(view), a.astype(_F32).reshape(view)
    gw = gv if w is None else gv * w.astype(_F32).reshape(-1)  # the sums' terms
    r, m = rstd.astype(_F32).reshape(-1, 1), mean.astype(_F32).reshape(-1, 1)
    scale = np.float32(1) / np.float32(view[1])
    ds = (gw * x).sum(axis=1, keepdims=True)
    db = gw.sum(axis=1, keepdims=True)
    b = (db * m - ds) * r * r * r * scale
    c = -b * m - db * r * scale
    first = r * gv if w is None else (r * gv) * w.astype(_F32).reshape(-1)  # (rstd·g)·w, in the kernel's order
    return _fma(b, x, first) + c


def norm_backward(run: Callable[..., Any], xp: Any, g: Any, a: Any, *w: Any, view: tuple, dims: tuple,
                  mean: Any, rstd: Any, fixed: bool, n: int, xhat: Any = None) -> Any:
    """The norms' backward (`run`) for half arrays: in float32, dx rounded to the input's dtype; a layer
    norm's dw and db summed per thread (`affine_grads`), other kernels' rounded once."""
    half = g.dtype if _is_half(g) else a.dtype
    wide = run(xp, _wide(g), _wide(a), *[_wide(t) for t in w], view=view, dims=dims, mean=_wide(mean),
               rstd=_wide(rstd), fixed=fixed, n=n, xhat=None if xhat is None else _wide(xhat))
    if n == 1:
        if dims == (1,) and len(view) == 2 and not fixed:
            return input_grad(g, a, None, mean, rstd, view).reshape(a.shape).astype(half)
        return wide.astype(half)
    grads = [t.astype(half) for t in wide]
    if dims == (1,) and len(view) == 2 and not fixed:  # layer norm: its weight and bias run along the rows
        grads[0] = input_grad(g, a, w[0] if w else None, mean, rstd, view).reshape(a.shape).astype(half)
        dw, db = affine_grads(g, a, mean, rstd, view, half)
        target = w[0].dtype
        grads[1:] = [dw.reshape(w[0].shape).astype(target), db.reshape(w[0].shape).astype(target)][: n - 1]
    return tuple(grads)
