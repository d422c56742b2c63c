"""The CTC loss written with tensor ops: what the fused rule (ctc.py) differentiates when its
backward is itself recorded (create_graph, forward-mode AD), so derivatives of any order exist.

The same alpha recursion as the fused forward, then a term whose value is 0 and whose gradient
is `exp(log_probs)` on the frames each sample uses: PyTorch's gradient is the one through the
log_softmax that made `log_probs`, `exp(log_probs) - posterior`, not the loss's own `-posterior`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...tensor import Tensor
from .. import cat, full, maximum, tensor, where

__all__: list[str] = []  # reached through retrograd.nn.functional.ctc_loss

_NINF = float("-inf")


def _log_add(terms: list[Tensor]) -> Tensor:
    """log Σ exp(terms), with -inf where every term is -inf and no NaN in its gradient there."""
    top = terms[0].detach()
    for t in terms[1:]:
        top = maximum(top, t.detach())
    top = top.masked_fill(top == _NINF, 0.0)
    total = (terms[0] - top).exp()
    for t in terms[1:]:
        total = total + (t - top).exp()
    reached = total > 0
    return where(reached, where(reached, total, 1.0).log() + top, _NINF)


def _last_alphas(emit: Tensor, skip: Tensor, input_len: np.ndarray) -> Tensor:
    """The log forward variables after each sample's last frame: (N, W) from emissions (T, N, W)."""
    frames, batch, width = emit.shape
    alpha = where(tensor(np.arange(width) < 2, device=emit.device), emit[0], _NINF)
    pad = full((batch, 2), _NINF, dtype=emit.dtype, device=emit.device)
    for t in range(1, frames):
        shifted = cat([pad, alpha], 1)
        step = _log_add([alpha, shifted[:, 1:-1], where(skip, shifted[:, :-2], _NINF)]) + emit[t]
        going = tensor((input_len > t)[:, None], device=emit.device)
        alpha = where(going, step, alpha)
    return alpha


def composed(lp: Tensor, ext: Any, skip: Any, input_len: Any, target_len: Any, zero_infinity: bool) -> Tensor:
    """Each sample's -log p(target), (N,), from log_probs (T, N, C), as ctc.ctc_loss's forward."""
    dev = lp.device
    index = tensor(ext, device=dev)
    emit = lp.gather(2, index.unsqueeze(0).expand(lp.shape[0], *ext.shape))
    valid = tensor(np.arange(ext.shape[1])[None, :] <= 2 * target_len[:, None], device=dev)
    alpha = _last_alphas(where(valid, emit, _NINF), tensor(skip, device=dev), input_len)
    end = alpha.gather(1, tensor((2 * target_len)[:, None], device=dev))
    before = alpha.gather(1, tensor(np.maximum(2 * target_len - 1, 0)[:, None], device=dev))
    before = where(tensor((target_len > 0)[:, None], device=dev), before, _NINF)
    nll = -_log_add([end, before]).reshape(len(target_len))
    used = tensor((np.arange(lp.shape[0])[:, None] < input_len[None, :])[:, :, None], device=dev)
    mass = (lp.exp() * used).sum((0, 2))
    loss = nll + (mass - mass.detach())
    return where(nll.detach() == float("inf"), 0.0, loss) if zero_infinity else loss
