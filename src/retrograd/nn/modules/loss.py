"""Loss modules: thin holders of a loss's options around the function of nn.functional.

As in PyTorch, every loss takes `reduction` ('mean', 'sum', 'none'; the legacy
`size_average`/`reduce` flags still work, with a warning) and class weights are
registered as buffers (so they follow `.to()` and appear in `state_dict`).
"""

from __future__ import annotations

import math
from typing import Any

from ...tensor import Tensor
from .. import functional as F
from ..functional.classification_loss import reduction_of
from .linear import Linear
from .linear_cross_entropy_options import LinearCrossEntropyOptions
from .module import Module

__all__ = [
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    "KLDivLoss", "CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss", "SoftMarginLoss",
    "HingeEmbeddingLoss", "PoissonNLLLoss", "GaussianNLLLoss", "LinearCrossEntropyLoss", "LinearCrossEntropyOptions",
]


class _Loss(Module):
    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = reduction_of(size_average, reduce, reduction)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: `(input - target)²`, reduced.

    Args:
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (MSELoss): a module; `loss(input, target)` gives a 0-d tensor (or, with
            `reduction='none'`, the squared errors).

    Examples:
        >>> loss = nn.MSELoss()
        >>> loss(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 4.0]))
        tensor(2.)
        >>> nn.MSELoss(reduction="sum")(retrograd.tensor([1.0, 2.0]), retrograd.zeros(2))
        tensor(5.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: `|input - target|`, reduced.

    Args:
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (L1Loss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            `input` and `target` have the same shape.

    Examples:
        >>> loss = nn.L1Loss()
        >>> loss(retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([1.0, 4.0, 2.0]))
        tensor(1.)
        >>> nn.L1Loss(reduction="none")(retrograd.tensor([1.0, 2.0]), retrograd.tensor([0.0, 4.0]))
        tensor([1., 2.])
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Quadratic below `beta`, linear above.

    Args:
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        beta (float): where the loss switches from `0.5 x² / beta` to `|x| - 0.5 beta`; >= 0
            (default 1).

    Returns:
        (SmoothL1Loss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).

    Examples:
        >>> loss = nn.SmoothL1Loss(reduction="none")
        >>> loss(retrograd.tensor([0.5, 3.0]), retrograd.zeros(2))
        tensor([0.1250, 2.5000])
        >>> nn.SmoothL1Loss(beta=2.0)(retrograd.tensor([0.5, 3.0]), retrograd.zeros(2))
        tensor(1.0312)
    """

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Quadratic below `delta`, `delta`-scaled linear above.

    Args:
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        delta (float): where the loss switches from `0.5 x²` to `delta (|x| - 0.5 delta)`; > 0
            (default 1).

    Returns:
        (HuberLoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).

    Examples:
        >>> loss = nn.HuberLoss(delta=2.0, reduction="none")
        >>> loss(retrograd.tensor([0.5, 3.0]), retrograd.zeros(2))
        tensor([0.1250, 4.0000])
        >>> nn.HuberLoss()(retrograd.tensor([0.5, 3.0]), retrograd.zeros(2))
        tensor(1.3125)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        if not isinstance(delta, (float, int)):
            raise TypeError(f"delta must be a float or int, got: {type(delta)}")
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits `(N, C, *)` with class indices `(N, *)` or class probabilities `(N, C, *)`.

    Takes raw scores: it applies `log_softmax` over the class dim itself.

    Args:
        weight (Tensor, optional): a weight for each of the C classes.
        size_average (bool, optional): deprecated; use `reduction`.
        ignore_index (int): targets with this class index add nothing (default -100).
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        label_smoothing (float): mix this much of the uniform distribution into the targets (default 0).

    Returns:
        (CrossEntropyLoss): a module; `loss(input, target)` gives a 0-d tensor (or, with
            `reduction='none'`, one loss per sample).

    Examples:
        >>> loss = nn.CrossEntropyLoss()
        >>> logits = retrograd.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
        >>> loss(logits, retrograd.tensor([0, 2]))
        tensor(0.6691)
        >>> nn.CrossEntropyLoss(reduction="none")(logits, retrograd.tensor([0, 2]))
        tensor([0.2395, 1.0986])
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class LinearCrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of inputs mapped to logits by the module's own linear layer (`self.linear`).

    `F.linear_cross_entropy` with the layer's weight viewed as (C, *out_features, in_features);
    with `options`, the loss is computed a chunk of rows at a time, never holding the whole logits
    (an LLM's head: C a vocabulary, N the batch's tokens).

    Args:
        in_features (int): size of each input sample.
        num_classes (int): C.
        out_features (tuple of int): (d1, ..., dK) for a K-dimensional loss (default ()).
        bias (bool): whether the linear layer adds a bias (default False).
        device, dtype: of the linear layer's parameters.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        weight (Tensor, optional): a weight for each of the C classes.
        ignore_index (int, optional): a class index that adds nothing (None: -100 for class indices).
        label_smoothing (float): in [0, 1] (default 0).
        options (LinearCrossEntropyOptions, optional): chunking; None computes the whole logits.

    Returns:
        (LinearCrossEntropyLoss): a module; `loss(input, target)` gives the loss.

    Examples:
        >>> loss = nn.LinearCrossEntropyLoss(4, 10)
        >>> loss.linear
        Linear(in_features=4, out_features=10, bias=False)
        >>> loss(retrograd.zeros(2, 4), retrograd.tensor([1, 7]))
        tensor(2.3026, grad_fn=<NllLossBackward0>)
    """

    def __init__(self, in_features: int, num_classes: int, *, out_features: tuple[int, ...] = (), bias: bool = False,
                 device: Any = None, dtype: Any = None, reduction: str = "mean", weight: Tensor | None = None,
                 ignore_index: int | None = None, label_smoothing: float = 0.0, options: Any = None) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight, None, None, reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        # a 2-d weight (Linear's), viewed as (C, *out_features, in) in forward
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias, device=device,
                             dtype=dtype)
        self.options = options

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        shape = (self.num_classes, *self.out_features)
        bias = self.linear.bias
        return F.linear_cross_entropy(
            input, self.linear.weight.reshape(*shape, self.linear.in_features), target,
            linear_bias=None if bias is None else bias.reshape(shape), weight=self.weight, reduction=self.reduction,
            ignore_index=self.ignore_index, label_smoothing=self.label_smoothing, options=self.options,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, reduction={self.reduction}, "
                f"ignore_index={self.ignore_index}, label_smoothing={self.label_smoothing}, options={self.options}")


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (N, C, *) at class indices (N, *).

    Args:
        weight (Tensor, optional): a rescaling weight per class, shape `(C,)`.
        size_average (bool, optional): deprecated; use `reduction`.
        ignore_index (int): a target value that adds nothing to the loss or to the mean's
            denominator (default -100).
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`. The mean is weighted by the targets' class weights.

    Returns:
        (NLLLoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            `input` is `(N, C, *)` or `(C,)` floating, `target` `(N, *)` or `()` int64 in [0, C).

    Examples:
        >>> logp = retrograd.tensor([[0.0, -1.0, -2.0], [-3.0, -0.5, -1.0]])
        >>> nn.NLLLoss()(logp, retrograd.tensor([0, 2]))
        tensor(0.5000)
        >>> nn.NLLLoss(reduction="none")(logp, retrograd.tensor([1, 1]))
        tensor([1.0000, 0.5000])
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities.

    Args:
        weight (Tensor, optional): a rescaling weight broadcast against the elements.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (BCELoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            `input` holds probabilities in [0, 1], `target` has its shape; logs are clamped at
            -100.

    Examples:
        >>> loss = nn.BCELoss()
        >>> loss(retrograd.tensor([0.5, 0.9, 0.2]), retrograd.tensor([1.0, 1.0, 0.0]))
        tensor(0.3406)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits (a stable sigmoid + BCE), with optional `pos_weight`.

    Args:
        weight (Tensor, optional): a rescaling weight broadcast against the elements.
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.
        pos_weight (Tensor, optional): a weight on the positive term, broadcast along the last
            (class) dim, e.g. shape `(C,)`.

    Returns:
        (BCEWithLogitsLoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            `input` holds logits, `target` has its shape with values in [0, 1].

    Examples:
        >>> logits = retrograd.tensor([0.0, 2.0, -1.0])
        >>> target = retrograd.tensor([1.0, 1.0, 0.0])
        >>> nn.BCEWithLogitsLoss()(logits, target)
        tensor(0.3778)
        >>> nn.BCEWithLogitsLoss(pos_weight=retrograd.tensor([3.0]))(logits, target)
        tensor(0.9245)
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of log-probabilities `input` from `target`.

    Args:
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default, over all elements), `'batchmean'` (the sum divided
            by the batch size, the true KL divergence), `'sum'` or `'none'`.
        log_target (bool): whether `target` is given as log-probabilities too (default False).

    Returns:
        (KLDivLoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            The pointwise loss is `target * (log(target) - input)`.

    Examples:
        >>> logq = retrograd.tensor([[0.25, 0.75]]).log()
        >>> p = retrograd.tensor([[0.5, 0.5]])
        >>> nn.KLDivLoss(reduction="batchmean")(logq, p)
        tensor(0.1438)
        >>> nn.KLDivLoss(reduction="batchmean", log_target=True)(logq, p.log())
        tensor(0.1438)
    """

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(_Loss):
    """`1 - cos` for similar pairs (target 1), `max(0, cos - margin)` for dissimilar ones (-1).

    Args:
        margin (float): the allowed cosine for dissimilar pairs, in [-1, 1] (default 0).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (CosineEmbeddingLoss): a module; `loss(input1, input2, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            `input1`, `input2` are `(N, D)` or `(D,)`; `target` is `(N,)` or `()` of 1 / -1.

    Examples:
        >>> a = retrograd.tensor([[1.0, 0.0], [1.0, 1.0]])
        >>> b = retrograd.tensor([[0.0, 1.0], [1.0, 1.0]])
        >>> nn.CosineEmbeddingLoss(reduction="none")(a, b, retrograd.tensor([1, -1]))
        tensor([1., 1.])
    """

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """`max(0, -target · (input1 - input2) + margin)`.

    Args:
        margin (float): how far apart the ranked inputs must be for zero loss (default 0).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (MarginRankingLoss): a module; `loss(input1, input2, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            All three have the same shape; `target` is 1 where `input1` should rank higher,
            -1 where `input2` should.

    Examples:
        >>> x1, x2 = retrograd.tensor([1.0, 2.0, 0.5]), retrograd.tensor([0.0, 3.0, 0.5])
        >>> nn.MarginRankingLoss(margin=0.5, reduction="none")(x1, x2, retrograd.tensor([1.0, 1.0, -1.0]))
        tensor([0.0000, 1.5000, 0.5000])
    """

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """`max(0, d(a, p) - d(a, n) + margin)` with p-norm distances.

    Args:
        margin (float): the required gap between the negative and positive distances (default 1).
        p (float): the norm degree of the pairwise distance (default 2).
        eps (float): added to the differences before the norm, for stability (default 1e-6).
        swap (bool): use the smaller of d(a, n) and d(p, n) as the negative distance (default
            False).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (TripletMarginLoss): a module; `loss(anchor, positive, negative)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            The three inputs are `(N, D)` or `(D,)`.

    Examples:
        >>> a = retrograd.tensor([[0.0, 0.0]])
        >>> pos, neg = retrograd.tensor([[1.0, 0.0]]), retrograd.tensor([[0.0, 1.5]])
        >>> nn.TripletMarginLoss(margin=1.0, eps=0.0)(a, pos, neg)
        tensor(0.5000)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """`log(1 + exp(-target · input))` for targets ±1.

    Args:
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (SoftMarginLoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            `target` has `input`'s shape, with values 1 or -1.

    Examples:
        >>> nn.SoftMarginLoss()(retrograd.tensor([0.0, 2.0]), retrograd.tensor([1.0, -1.0]))
        tensor(1.4100)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """`input` for target 1, `max(0, margin - input)` for target -1.

    Args:
        margin (float): the margin for targets -1 (default 1).
        size_average (bool, optional): deprecated; use `reduction`.
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (HingeEmbeddingLoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            `target` has `input`'s shape, with values 1 or -1.

    Examples:
        >>> loss = nn.HingeEmbeddingLoss(margin=1.0, reduction="none")
        >>> loss(retrograd.tensor([0.3, 0.3, 2.0]), retrograd.tensor([1.0, -1.0, -1.0]))
        tensor([0.3000, 0.7000, 0.0000])
    """

    def __init__(self, margin: float = 1.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood of `log_input` (or rates) against counts `target`.

    Args:
        log_input (bool): `input` is the log-rate, loss `exp(input) - target * input` (default);
            if False, the rate itself, loss `input - target * log(input + eps)`.
        full (bool): add the Stirling term `t log t - t + 0.5 log(2πt)` for targets > 1
            (default False).
        size_average (bool, optional): deprecated; use `reduction`.
        eps (float): keeps the log finite when `log_input=False` (default 1e-8).
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (PoissonNLLLoss): a module; `loss(input, target)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).

    Examples:
        >>> nn.PoissonNLLLoss(reduction="none")(retrograd.tensor([0.0, 1.0]), retrograd.tensor([1.0, 2.0]))
        tensor([1.0000, 0.7183])
        >>> nn.PoissonNLLLoss(log_input=False)(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 2.0]))
        tensor(0.8069)
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average: Any = None, eps: float = 1e-8,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood of means `input` with variances `var`.

    Args:
        full (bool): add the constant `0.5 log(2π)` (default False).
        eps (float): the variances are clamped below at it, for stability (default 1e-6).
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (GaussianNLLLoss): a module; `loss(input, target, var)` gives a 0-d tensor
            (with `reduction='none'`, the unreduced losses).
            The pointwise loss is `0.5 (log(var) + (input - target)² / var)`; `var` has
            `input`'s shape, or it with the last dim 1, or one dim fewer (homoscedastic).

    Examples:
        >>> mean, target = retrograd.tensor([0.0, 1.0]), retrograd.tensor([1.0, 1.0])
        >>> nn.GaussianNLLLoss(reduction="none")(mean, target, retrograd.tensor([1.0, 2.0]))
        tensor([0.5000, 0.3466])
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)
