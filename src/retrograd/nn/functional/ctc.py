"""torch.nn.functional.ctc_loss: the connectionist temporal classification loss.

This module checks the arguments, brings the targets to one padded (N, S) form and builds each
sample's extended labels `l' = (blank, l1, blank, l2, ..., blank)`; the recursions and
PyTorch's gradient (the one through the log_softmax that made `log_probs`) are one primitive,
`ops/fused/ctc.py`. The reductions and `zero_infinity` follow as PyTorch's `ctc_loss` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops as _ops
from ...dtypes import bool_, float32, float64
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import float32 as _float32
from ...ops.fused import ctc as fused_ctc
from ...ops.kernels.arg_types import invalid_combination, is_int
from ...tensor import Tensor

__all__ = ["ctc_loss"]

_WHERE = " (while checking arguments for ctc_loss_allocate_outputs)"


_SIGNATURES = tuple(
    f"Tensor log_probs, Tensor targets, {kind} input_lengths, {kind} target_lengths, int blank = 0, "
    "int reduction = at::Reduction::Mean, bool zero_infinity = False"
    for kind in ("tuple of ints", "Tensor")
)


def _check_overload(arguments: tuple) -> None:
    """PyTorch's TypeError unless the arguments fit one of torch.ctc_loss's two signatures: both
    lengths tensors or both lists/tuples of ints (no mix, no bare int, no NumPy array), `blank` and
    `reduction` ints, `zero_infinity` a bool."""
    lengths, options = arguments[2:4], arguments[4:]
    tensors = len(lengths) == 2 and all(isinstance(n, Tensor) for n in lengths)
    int_lists = len(lengths) == 2 and all(isinstance(n, (list, tuple)) and all(is_int(v) for v in n) for n in lengths)
    kinds = (is_int, is_int, lambda v: isinstance(v, bool))
    if (tensors or int_lists) and len(options) <= 3 and all(ok(v) for ok, v in zip(kinds, options)):
        return
    raise invalid_combination("ctc_loss", arguments, _SIGNATURES)


def _lengths(lengths: Any, what: str) -> np.ndarray:
    if isinstance(lengths, Tensor):
        if lengths.dtype.is_floating_point or lengths.dtype.is_complex or lengths.dtype == bool_:
            raise RuntimeError(f"{what} must be integral")
        return np.asarray(lengths.detach().cpu().numpy(), dtype=np.int64).reshape(-1)
    return np.asarray([int(v) for v in lengths], dtype=np.int64)


def _padded_targets(targets: Tensor, target_len: np.ndarray) -> np.ndarray:
    """Targets as (N, max target length), from the padded (N, S) or the concatenated (Σ lengths,) form."""
    labels = np.asarray(targets.detach().cpu().numpy(), dtype=np.int64)
    longest = int(target_len.max()) if target_len.size else 0
    if labels.ndim == 2:
        if labels.shape[0] != len(target_len):
            raise RuntimeError(
                f"Expected tensor to have size {len(target_len)} at dimension 0, but got size {labels.shape[0]} "
                "for argument #2 'targets'" + _WHERE
            )
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


def _check_shapes(log_probs: Tensor, targets: Tensor) -> None:
    """PyTorch's first checks of the (batched) log_probs and the targets: not empty, 3-D, targets 1-D or 2-D."""
    if log_probs.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    if log_probs.dim() != 3:
        raise RuntimeError(
            f"Expected 3-dimensional tensor, but got {log_probs.dim()}-dimensional tensor for argument #1 "
            "'log_probs'" + _WHERE
        )
    if targets.dim() not in (1, 2):
        raise RuntimeError(
            f"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for argument #2 'targets'" + _WHERE
        )


def _check(log_probs: Tensor, batch: int, input_len: np.ndarray, target_len: np.ndarray, blank: int) -> None:
    """PyTorch's checks before the targets are read: the blank, the lengths' sizes, no negative target length."""
    if blank < 0 or blank >= log_probs.shape[-1]:
        raise RuntimeError("blank must be in label range")
    if input_len.size != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if target_len.size != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    for n in target_len:
        if n < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {n}" + _WHERE)


def _check_input_lengths(input_len: np.ndarray, frames: int) -> None:
    """PyTorch's checks after the targets': each input length, in batch order, within [0, T]."""
    for n in input_len:
        if n < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {n}" + _WHERE)
        if n > frames:
            raise RuntimeError(f"Expected input_lengths to have value at most {frames}, but got value {n}" + _WHERE)


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
    _check_overload((log_probs, targets, input_lengths, target_lengths, blank, 0, zero_infinity))
    return checked_ctc_loss(log_probs, targets, input_lengths, target_lengths, int(blank), reduction, zero_infinity)


def checked_ctc_loss(
    log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any, blank: int, reduction: str,
    zero_infinity: bool,
) -> Tensor:
    """The loss of arguments of the right types (both faces, `F.ctc_loss` and `torch.ctc_loss`, check
    those): PyTorch's checks of the values in its order, then the recursions and the reduction."""
    if _autocasting[0]:
        log_probs = _float32(log_probs)
    unbatched = log_probs.dim() != 3
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    input_len, target_len = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    if lp.dtype not in (float32, float64):  # PyTorch's CPU kernel has no float16/bfloat16 (nor integer) version
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{lp.dtype.kind_name}'")
    _check_shapes(lp, targets)
    batch = lp.shape[1]
    _check(lp, batch, input_len, target_len, blank)
    labels = _padded_targets(targets, target_len)
    _check_input_lengths(input_len, lp.shape[0])
    longest = labels.shape[1]
    ext = np.full((batch, 2 * longest + 1), blank, dtype=np.int64)
    ext[:, 1::2] = labels
    ext[np.arange(ext.shape[1])[None, :] > 2 * target_len[:, None]] = blank  # padding is never read
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    loss = fused_ctc.ctc_loss(lp, ext, skip, input_len, target_len, zero_infinity)
    if zero_infinity:
        loss = _ops.where(loss == float("inf"), 0.0, loss)
    if reduction == "mean":
        return (loss / _ops.tensor(np.maximum(target_len, 1), dtype=lp.dtype, device=lp.device)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.squeeze(0) if unbatched else loss
