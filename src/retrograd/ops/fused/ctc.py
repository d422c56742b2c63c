"""The CTC loss as one primitive: PyTorch's CPU alpha and beta recursions in array code.

Over the extended labels l' = (blank, l1, blank, ..., lS, blank) of each sample (width W = 2S + 1):

    forward   α[0, 0] = lp[0, blank],  α[0, 1] = lp[0, l'1]
              α[t, s] = logsumexp(α[t-1, s], α[t-1, s-1], α[t-1, s-2] if l's ≠ l's-2) + lp[t, l's]
              nll = -logsumexp(α[T-1, 2S], α[T-1, 2S-1])
    backward  β the same recursion from the last frame; for each class c, γ[t, c] = log Σ_{l's = c} α β
              d nll / d lp[t, c] = exp(lp[t, c]) - exp(γ[t, c] + nll - lp[t, c])

The backward is PyTorch's: the gradient through a log_softmax that produced `lp` (the loss's own
derivative is the second term alone). Each sum of exponentials is added in PyTorch's order and its
max taken first, with float32 exp and log computed in float64 and rounded once (the C library's
`expf`/`logf`, correctly rounded but for rare ties); γ gathers its terms from the last label
position down. Vectorised over the batch; the loops run over frames (and label positions for γ).
The backward is a primitive of its own; when it is itself recorded, the rule differentiates the
same loss written with tensor ops (ctc_composed.py) instead, so derivatives of any order exist.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...tensor import Tensor
from .ctc_composed import composed
from .recompute import differentiate, recorded

__all__: list[str] = []  # reached through retrograd.nn.functional.ctc_loss

_NINF = float("-inf")


def _exp(xp: Any, a: Any) -> Any:
    """e^a in a's dtype, float32 through float64 (one rounding, as the C library's expf)."""
    return xp.exp(a.astype(np.float64)).astype(a.dtype) if a.dtype == np.float32 else xp.exp(a)


def _log(xp: Any, a: Any) -> Any:
    with np.errstate(divide="ignore"):  # log 0 = -inf: a path no alignment takes, not a mistake to report
        return xp.log(a.astype(np.float64)).astype(a.dtype) if a.dtype == np.float32 else xp.log(a)


def _log_add(xp: Any, terms: list) -> Any:
    """log(e^(t0-m) + e^(t1-m) + ...) + m, summed left to right, m the max (0 where all are -inf)."""
    top = terms[0]
    for t in terms[1:]:
        top = xp.maximum(top, t)
    top = xp.where(top == _NINF, xp.zeros((), top.dtype), top)
    total = _exp(xp, terms[0] - top)
    for t in terms[1:]:
        total = total + _exp(xp, t - top)
    return _log(xp, total) + top


def _shifted(xp: Any, a: Any, by: int) -> Any:
    """a[:, s - by] at each s (-inf off the edge): by > 0 looks left, by < 0 right.

    The edge may be wider than `a` (width 1 when every target is empty)."""
    width = a.shape[1]
    edge = min(abs(by), width)
    pad = xp.full((a.shape[0], edge), _NINF, a.dtype)
    return xp.concatenate([pad, a[:, : width - edge]], 1) if by > 0 else xp.concatenate([a[:, edge:], pad], 1)


def _on_device(xp: Any, *arrays: Any) -> tuple:
    """The labels and lengths (host arrays) where the log-probabilities are (CuPy needs them there)."""
    return tuple(xp.asarray(a) for a in arrays)


def _forward(xp: Any, lp: Any, *, ext: Any, skip: Any, input_len: Any, target_len: Any,
             zero_infinity: bool) -> tuple:
    ext, skip, input_len, target_len = _on_device(xp, ext, skip, input_len, target_len)
    frames, batch, _ = lp.shape
    width = ext.shape[1]
    emit = xp.take_along_axis(lp, xp.broadcast_to(ext[None], (frames, batch, width)), axis=2)
    valid = xp.arange(width)[None, :] <= 2 * target_len[:, None]
    alpha = xp.full((frames, batch, width), _NINF, lp.dtype)
    if frames:
        alpha[0, :, :2] = xp.where(valid[:, :2], emit[0, :, :2], _NINF)
    for t in range(1, frames):
        prev = alpha[t - 1]
        left2 = xp.where(skip, _shifted(xp, prev, 2), _NINF)
        step = _log_add(xp, [prev, _shifted(xp, prev, 1), left2]) + emit[t]
        alpha[t] = xp.where(valid & (t < input_len)[:, None], step, _NINF)
    rows = xp.arange(batch)
    last = alpha[xp.maximum(input_len - 1, 0), rows]
    end = last[rows, 2 * target_len]
    before = xp.where(target_len > 0, last[rows, xp.maximum(2 * target_len - 1, 0)], _NINF)
    nll = -_log_add(xp, [end, before])
    # an empty input: -log 1 (PyTorch's -0.0) for an empty target, else -log 0
    empty = xp.where(target_len == 0, xp.full((), -0.0, lp.dtype), xp.full((), np.inf, lp.dtype))
    return xp.where(input_len == 0, empty, nll), alpha, emit


def _betas_into(xp: Any, grad: Any, t: Any, alpha: Any, beta: Any, emit: Any, ext: Any, skip: Any,
                input_len: Any, target_len: Any) -> None:
    """β[t] for every sample and the log Σ αβ per class at frame t, gathered into grad[t] (-inf before)."""
    batch, width = ext.shape
    rows = xp.arange(batch)
    valid = xp.arange(width)[None, :] <= 2 * target_len[:, None]
    if t + 1 < beta.shape[0]:
        after = beta[t + 1]
        right2 = xp.where(_skip_right(xp, skip), _shifted(xp, after, -2), _NINF)
        step = _log_add(xp, [after, _shifted(xp, after, -1), right2]) + emit[t]
        beta[t] = xp.where(valid & (t < input_len - 1)[:, None], step, _NINF)
    ending = t == input_len - 1
    end, before = 2 * target_len, xp.maximum(2 * target_len - 1, 0)
    beta[t, rows, end] = xp.where(ending, emit[t, rows, end], beta[t, rows, end])
    has = ending & (target_len > 0)
    beta[t, rows, before] = xp.where(has, emit[t, rows, before], beta[t, rows, before])
    # PyTorch's kernel sets (not adds) the last frame's two terms, taking their labels for different:
    # a last target label equal to the blank (a target PyTorch does not refuse) keeps only its own term
    overwritten = has & (ext[rows, before] == ext[rows, end])
    g = grad[t]
    for s in range(width - 1, -1, -1):  # PyTorch's order: the last label position first
        both = alpha[t, :, s] + beta[t, :, s]
        cls = ext[:, s]
        held = g[rows, cls]
        top = xp.maximum(held, both)
        added = _log(xp, _exp(xp, held - top) + _exp(xp, both - top)) + top
        new = xp.where(held == _NINF, both, added)
        counted = valid[:, s] & (t < input_len) & ~(overwritten & (end == s))
        g[rows, cls] = xp.where(counted, new, held)


def _skip_right(xp: Any, skip: Any) -> Any:
    """Whether s may jump to s + 2 (l's+2 ≠ l's): the forward's skip of position s + 2."""
    return xp.concatenate([skip[:, 2:], xp.zeros((skip.shape[0], min(2, skip.shape[1])), bool)], 1)


def _backward(xp: Any, g: Any, lp: Any, nll: Any, alpha: Any, emit: Any, *, ext: Any, skip: Any, input_len: Any,
              target_len: Any, zero_infinity: bool) -> Any:
    ext, skip, input_len, target_len = _on_device(xp, ext, skip, input_len, target_len)
    frames = lp.shape[0]
    grad = xp.full(lp.shape, _NINF, lp.dtype)
    beta = xp.full(alpha.shape, _NINF, lp.dtype)
    for t in range(frames - 1, -1, -1):
        _betas_into(xp, grad, t, alpha, beta, emit, ext, skip, input_len, target_len)
    grad = (_exp(xp, lp) - _exp(xp, grad + nll[None, :, None] - lp)) * g[None, :, None]
    used = xp.arange(frames)[:, None] < input_len[None, :]
    if zero_infinity:
        used = used & (nll != np.inf)[None, :]
    return xp.where(used[:, :, None], grad, xp.zeros((), lp.dtype))


_BACKWARD = Primitive("ctc_loss_backward", _backward, [None] * 5, inputs=("g", "lp", "nll", "alpha", "emit"))


def _rule(g: Tensor, lp: Tensor, out: Tensor, alpha: Any, emit: Any, ext: Any, skip: Any, input_len: Any,
          target_len: Any, zero_infinity: bool) -> Tensor:
    if recorded(g):  # the backward is recorded or batched: differentiate the composed loss
        args = (ext, skip, input_len, target_len, zero_infinity)
        return differentiate(lambda x: composed(x, *args), (lp,), g)[0]
    return _BACKWARD(g, lp, out.detach(), Tensor._make(alpha), Tensor._make(emit), ext=ext, skip=skip,
                     input_len=input_len, target_len=target_len, zero_infinity=zero_infinity)


_CTC = Primitive("ctc_loss", _forward, [_rule], inputs=("lp",), extras=("alpha", "emit"), node_name="CtcLossBackward0")


def ctc_loss(log_probs: Tensor, ext: Any, skip: Any, input_len: Any, target_len: Any, zero_infinity: bool) -> Tensor:
    """Each sample's -log p(target): log_probs (T, N, C), ext (N, W) extended labels, skip (N, W)
    whether position s may come from s - 2, lengths (N,) integer arrays -> (N,)."""
    return _CTC(log_probs, ext=ext, skip=skip, input_len=input_len, target_len=target_len,
                zero_infinity=zero_infinity)
