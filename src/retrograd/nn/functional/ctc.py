"""torch.nn.functional.ctc_loss: the connectionist temporal classification loss.

The forward is the alpha recursion in log space over the extended label
sequence `l' = (blank, l1, blank, l2, ..., blank)` of every sample at once:
vectorised over the batch and over the label positions, one step per time
frame. It is built of differentiable ops, so the gradient is autograd's walk
back through the recursion (the beta pass in disguise).

PyTorch's own backward returns `exp(log_probs) - γ` (γ the posterior of each
label at each frame), which is the gradient through a log_softmax that produced
`log_probs`; the derivative of the loss itself is `-γ`. The two agree after a
log_softmax, and retrograd returns PyTorch's by adding a term whose value is 0
and whose gradient is `exp(log_probs)` on the frames each sample uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops as _ops
from ...tensor import Tensor

__all__ = ["ctc_loss"]

_WHERE = " (while checking arguments for ctc_loss_allocate_outputs)"


def _lengths(lengths: Any, what: str) -> np.ndarray:
    if isinstance(lengths, Tensor):
        if lengths.dtype.is_floating_point or lengths.dtype.is_complex:
            raise RuntimeError(f"{what} must be integral")
        return np.asarray(lengths.detach().cpu().numpy(), dtype=np.int64).reshape(-1)
    if isinstance(lengths, (list, tuple)) or isinstance(lengths, int):
        return np.asarray(lengths, dtype=np.int64).reshape(-1)
    raise TypeError(f"ctc_loss(): argument '{what}' must be a Tensor or a list of ints, not {type(lengths).__name__}")


def _padded_targets(targets: Tensor, target_len: np.ndarray) -> np.ndarray:
    """Targets as (N, max target length), from the padded (N, S) or the concatenated (Σ lengths,) form."""
    labels = np.asarray(targets.detach().cpu().numpy(), dtype=np.int64)
    longest = int(target_len.max()) if target_len.size else 0
    if labels.ndim == 2:
        if labels.shape[1] < longest:
            raise RuntimeError(
                f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                f"{labels.shape[1]} for argument #2 'targets'" + _WHERE
            )
        return labels[:, :longest]
    total = int(target_len.sum())
    if labels.shape[0] != total:
        raise RuntimeError(
            f"Expected tensor to have size {total} at dimension 0, but got size {labels.shape[0]} for "
            "argument #2 'targets'" + _WHERE
        )
    starts = np.concatenate([[0], np.cumsum(target_len)[:-1]])
    out = np.zeros((len(target_len), longest), dtype=np.int64)
    for row, (s, n) in enumerate(zip(starts, target_len)):
        out[row, :n] = labels[s : s + n]
    return out


def _log_add(terms: list[Tensor]) -> Tensor:
    """log Σ exp(terms), with -inf where every term is -inf and no NaN in its gradient there."""
    top = terms[0].detach()
    for t in terms[1:]:
        top = _ops.maximum(top, t.detach())
    top = top.masked_fill(top == float("-inf"), 0.0)
    total = sum((t - top).exp() for t in terms[1:])
    total = (terms[0] - top).exp() + total
    reached = total > 0
    return _ops.where(reached, _ops.where(reached, total, 1.0).log() + top, float("-inf"))


def _alphas(emit: Tensor, skip: Tensor, input_len: np.ndarray) -> Tensor:
    """The log forward variables after each sample's last frame: (N, 2L+1) from emissions (T, N, 2L+1)."""
    frames, batch, width = emit.shape
    ninf = float("-inf")
    start = _ops.tensor(np.arange(width) < 2, device=emit.device)
    alpha = _ops.where(start, emit[0], ninf)
    pad = _ops.full((batch, 2), ninf, dtype=emit.dtype, device=emit.device)
    for t in range(1, frames):
        shifted = _ops.cat([pad, alpha], 1)
        step = _log_add([alpha, shifted[:, 1:-1], _ops.where(skip, shifted[:, :-2], ninf)]) + emit[t]
        if (input_len > t).all():
            alpha = step
        else:
            going = _ops.tensor((input_len > t)[:, None], device=emit.device)
            alpha = _ops.where(going, step, alpha)
    return alpha


def _check(log_probs: Tensor, batch: int, input_len: np.ndarray, target_len: np.ndarray, blank: int) -> None:
    frames, n_classes = log_probs.shape[0], log_probs.shape[-1]
    if blank < 0 or blank >= n_classes:
        raise RuntimeError("blank must be in label range")
    if input_len.size != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if target_len.size != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    if input_len.size and input_len.max() > frames:
        raise RuntimeError(
            f"Expected input_lengths to have value at most {frames}, but got value {int(input_len.max())}" + _WHERE
        )


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """`-log p(target | log_probs)` summed over alignments; log_probs (T, N, C) or (T, C), targets (N, S) or (Σ S_n,).

    'mean' divides each sample's loss by its target length (at least 1), then averages over the batch;
    `zero_infinity` turns the infinite losses of impossible alignments (and their gradients) into zeros.

    Args:
        log_probs (Tensor): (T, N, C) or (T, C), log_softmax over the C classes.
        targets (Tensor): (N, S) padded, or all targets concatenated (Σ target_lengths,); no blanks.
        input_lengths (Tensor or tuple of int): (N,), each input's length <= T.
        target_lengths (Tensor or tuple of int): (N,), each target's length.
        blank (int): the blank label (default 0).
        reduction (str): `'mean'` (default: each loss over its target length, then the batch mean), `'sum'` or `'none'`.
        zero_infinity (bool): replace infinite losses and their gradients by 0 (default False).

    Returns:
        Tensor: a 0-d tensor; with `reduction='none'`, (N,).

    Examples:
        >>> log_probs = retrograd.full((3, 1, 2), 0.5).log()
        >>> lengths = retrograd.tensor([3]), retrograd.tensor([1])
        >>> F.ctc_loss(log_probs, retrograd.tensor([[1]]), *lengths, reduction='sum')
        tensor(0.2877)
        >>> too_long = retrograd.tensor([2]), retrograd.tensor([2])  # '1 1' needs a blank between: 3 steps
        >>> F.ctc_loss(log_probs, retrograd.tensor([[1, 1]]), *too_long, zero_infinity=True)
        tensor(0.)
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    input_len, target_len = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    batch = lp.shape[1]
    _check(lp, batch, input_len, target_len, blank)
    labels = _padded_targets(targets, target_len)
    longest = labels.shape[1]
    ext = np.full((batch, 2 * longest + 1), blank, dtype=np.int64)
    ext[:, 1::2] = labels
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = (ext[:, 3::2] != ext[:, 1:-2:2]) & (ext[:, 3::2] != blank)
    index = _ops.tensor(ext, device=lp.device)
    emit = lp.gather(2, index.unsqueeze(0).expand(lp.shape[0], batch, ext.shape[1]))
    alpha = _alphas(emit, _ops.tensor(skip, device=lp.device), input_len)
    last = _ops.tensor((2 * target_len)[:, None], device=lp.device)
    before = _ops.tensor(np.maximum(2 * target_len - 1, 0)[:, None], device=lp.device)
    has_labels = _ops.tensor((target_len > 0)[:, None], device=lp.device)
    ll = _log_add([alpha.gather(1, last), _ops.where(has_labels, alpha.gather(1, before), float("-inf"))])
    loss = -ll.reshape(batch) + _softmax_term(lp, input_len)
    if zero_infinity:
        loss = _ops.where(loss == float("inf"), 0.0, loss)
    if reduction == "mean":
        return (loss / _ops.tensor(np.maximum(target_len, 1), dtype=lp.dtype, device=lp.device)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.squeeze(0) if unbatched else loss


def _softmax_term(lp: Tensor, input_len: np.ndarray) -> Tensor:
    """0 in value, `exp(log_probs)` in gradient on each sample's frames: PyTorch's backward of ctc_loss (see above)."""
    used = _ops.tensor((np.arange(lp.shape[0])[:, None] < input_len[None, :])[:, :, None], device=lp.device)
    mass = (lp.exp() * used).sum((0, 2))
    return mass - mass.detach()
