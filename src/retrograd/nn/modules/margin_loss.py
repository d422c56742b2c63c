"""The multi-class and multi-label margin losses, TripletMarginWithDistanceLoss and CTCLoss, as in torch.nn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .distance import PairwiseDistance
from .loss import _Loss, _WeightedLoss

__all__ = [
    "MultiMarginLoss",
    "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss",
    "TripletMarginWithDistanceLoss",
    "CTCLoss",
]


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss `Σ_{i≠y} w_y · max(0, margin - x_y + x_i)^p / C`.

    Args:
        p (int): 1 or 2, the power of each hinge term (default 1).
        margin (float): the required gap between the target's score and the others (default 1).
        weight (Tensor, optional): a rescaling weight per class, shape `(C,)`.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (MultiMarginLoss): a module; `loss(input, target)` with scores `(N, C)` or `(C,)` and
            class indices `(N,)` or `()` gives a 0-d tensor (with `reduction='none'`, one loss per
            sample).

    Examples:
        >>> scores = retrograd.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> nn.MultiMarginLoss()(scores, retrograd.tensor([3]))
        tensor(0.3250)
        >>> nn.MultiMarginLoss(p=2, margin=0.5)(scores, retrograd.tensor([0]))
        tensor(0.6100)
    """

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight: Tensor | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D instead")
        self.p = p
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(
            input, target, p=self.p, margin=self.margin, weight=self.weight, reduction=self.reduction
        )


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge loss over (target, non-target) class pairs; targets listed and ended by -1.

    Args:
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (MultiLabelMarginLoss): a module; `loss(input, target)` with scores `(N, C)` or `(C,)`
            and an int64 `target` of the same shape (the target classes first, then -1 and
            anything) gives a 0-d tensor (with `reduction='none'`, one loss per sample).

    Examples:
        >>> scores = retrograd.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> nn.MultiLabelMarginLoss()(scores, retrograd.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss averaged over the classes: `-mean_c w_c (y log σ(x) + (1 - y) log σ(-x))`.

    Args:
        weight (Tensor, optional): a rescaling weight per class, shape `(C,)`.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (MultiLabelSoftMarginLoss): a module; `loss(input, target)` with logits `(N, C)` and 0/1
            targets of the same shape gives a 0-d tensor (with `reduction='none'`, one loss per
            sample).

    Examples:
        >>> logits = retrograd.tensor([[0.0, 2.0, -1.0]])
        >>> nn.MultiLabelSoftMarginLoss()(logits, retrograd.tensor([[1.0, 1.0, 0.0]]))
        tensor(0.3778)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """`max(0, d(a, p) - d(a, n) + margin)` with any distance function (pairwise_distance by default).

    Args:
        distance_function (callable, optional): maps two `(N, D)` tensors to `(N,)` distances
            (default `pairwise_distance`).
        margin (float): the required gap between the negative and positive distances (default 1).
        swap (bool): use the smaller of d(a, n) and d(p, n) as the negative distance (default
            False).
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (TripletMarginWithDistanceLoss): a module; `loss(anchor, positive, negative)` gives a
            0-d tensor (with `reduction='none'`, one loss per triplet).

    Examples:
        >>> a = retrograd.tensor([[0.0, 0.0]])
        >>> pos, neg = retrograd.tensor([[1.0, 0.0]]), retrograd.tensor([[0.0, 1.5]])
        >>> l1 = lambda x, y: (x - y).abs().sum(dim=-1)
        >>> nn.TripletMarginWithDistanceLoss(distance_function=l1, margin=1.0)(a, pos, neg)
        tensor(0.5000)
    """

    def __init__(
        self,
        *,
        distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
        margin: float = 1.0,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average=None, reduce=None, reduction=reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} instead"
            )
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor,
            positive,
            negative,
            distance_function=self.distance_function,
            margin=self.margin,
            swap=self.swap,
            reduction=self.reduction,
        )


class CTCLoss(_Loss):
    """Connectionist temporal classification loss of log-probabilities (T, N, C) against unaligned targets.

    Args:
        blank (int): the index of the blank label (default 0).
        reduction (str): `'mean'` (default: each loss divided by its target length, then the
            batch mean), `'sum'` or `'none'`.
        zero_infinity (bool): replace infinite losses (targets too long for their input) and
            their gradients by 0 (default False).

    Returns:
        (CTCLoss): a module; `loss(log_probs, targets, input_lengths, target_lengths)` with
            `log_probs` `(T, N, C)` (log_softmax over C), `targets` `(N, S)` or concatenated,
            and int lengths `(N,)` gives a 0-d tensor (with `reduction='none'`, `(N,)`).

    Examples:
        >>> log_probs = retrograd.full((3, 1, 2), 0.5).log()
        >>> ctc = nn.CTCLoss()
        >>> ctc(log_probs, retrograd.tensor([[1]]), retrograd.tensor([3]), retrograd.tensor([1]))
        tensor(0.2877)
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor, target_lengths: Tensor) -> Tensor:
        return F.ctc_loss(
            log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction, self.zero_infinity
        )
