"""The class-index margin losses that PyTorch records as one node each (`MultiMarginLossBackward0`,
`MultilabelMarginLossBackward0`).

nn.functional reads the (non-differentiable) class indices once and hands the primitives constant
arrays: for multi_margin_loss the target of each row `idx` (N, 1), a 0/1 mask `others` of the
non-target classes (N, C) and the target's weight `w` (N, 1); for multilabel_margin_loss the weight
`pairs` (N, C, C) of each (target j, non-target i) pair. With C classes:

    multi_margin:      ℓ_n = Σ_{i≠y} w_y · max(0, m - x_y + x_i)^p / C
                       dℓ_n/dx_i = w_y · p · h_i^(p-1) · [h_i > 0] / C  (i ≠ y),  dℓ_n/dx_y = -Σ_{i≠y} of those
    multilabel_margin: ℓ_n = Σ_{j,i} pairs_ji · max(0, 1 - x_j + x_i) / C
                       dℓ_n/dx_i = Σ_j s_ji,  dℓ_n/dx_j = -Σ_i s_ji,  s_ji = pairs_ji · [h_ji > 0] / C

The rules use retrograd ops only, so the p = 2 loss has second derivatives.
"""

from __future__ import annotations

from typing import Any

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.accumulate import mean_of_sum, wide_sum

__all__: list[str] = []  # nothing public: nn.functional wraps these with PyTorch's checks


def _reduce(losses: Any, reduction: str, out_shape: tuple) -> Any:
    """Per-sample losses (N,) as the caller asked: reshaped to `out_shape`, averaged or summed."""
    if reduction == "none":
        return losses.reshape(out_shape)
    if reduction == "mean":
        return mean_of_sum(losses, (0,))
    return wide_sum(losses)


def _per_sample(g: Tensor, reduction: str, batch: int) -> Tensor:
    """The incoming gradient of each sample's loss, shaped (N, 1)."""
    if reduction == "none":
        return g.reshape(batch, 1)
    return g / batch if reduction == "mean" else g


def _multi_margin_forward(
    xp: Any, a: Any, idx: Any, others: Any, w: Any, p: int, margin: float, reduction: str, out_shape: tuple
) -> Any:
    x = a.reshape(others.shape)
    hinge = xp.maximum(margin - xp.take_along_axis(x, idx, 1) + x, 0)
    if p == 2:
        hinge = hinge * hinge
    losses = (hinge * w * others).sum(1) / others.shape[1]
    return _reduce(losses, reduction, out_shape)


def _multi_margin_slope(
    g: Tensor, a: Tensor, a_shape: tuple, idx: Any, others: Any, w: Any, p: int, margin: float, reduction: str
) -> Tensor:
    batch, n_classes = others.shape
    x = a.reshape(batch, n_classes)
    hinge = margin - x.gather(1, Tensor._make(idx)) + x
    live = Tensor._make(others) * (hinge > 0)
    # clamp, not a mask product, for p = 2: a dead hinge's slope is +0 as in PyTorch, never -0 (negative × 0)
    slope = (live if p == 1 else 2 * hinge.clamp(min=0) * Tensor._make(others)) * Tensor._make(w / n_classes)
    # the target's score enters every hinge with a minus sign
    slope = slope - Tensor._make(1 - others) * slope.sum(1, keepdim=True)
    return (_per_sample(g, reduction, batch) * slope).reshape(a_shape)


_multi_margin = Primitive("multi_margin_loss", _multi_margin_forward, [_multi_margin_slope], quiet=True)


def multi_margin_loss(
    input: Tensor, idx: Tensor, others: Tensor, w: Tensor, p: int, margin: float, reduction: str, out_shape: tuple
) -> Tensor:
    """The multi-class hinge loss of scores `(N, C)` or `(C,)`, given the constants above (as tensors)."""
    return _multi_margin(
        input,
        idx=idx._data,
        others=others._data,
        w=w._data,
        p=p,
        margin=margin,
        reduction=reduction,
        out_shape=out_shape,
    )


def _multilabel_margin_forward(xp: Any, a: Any, pairs: Any, reduction: str, out_shape: tuple) -> Any:
    x = a.reshape(pairs.shape[:2])
    hinge = xp.maximum(1 - x[:, :, None] + x[:, None, :], 0)
    losses = (hinge * pairs).sum((1, 2)) / pairs.shape[1]
    return _reduce(losses, reduction, out_shape)


def _multilabel_margin_slope(g: Tensor, a: Tensor, a_shape: tuple, pairs: Any, reduction: str) -> Tensor:
    batch, n_classes = pairs.shape[:2]
    x = a.reshape(batch, n_classes)
    live = Tensor._make(pairs / n_classes) * ((1 - x.unsqueeze(2) + x.unsqueeze(1)) > 0)
    slope = live.sum(1) - live.sum(2)  # x_i gains what pairs (·, i) give; x_j loses what (j, ·) give
    return (_per_sample(g, reduction, batch) * slope).reshape(a_shape)


_multilabel_margin = Primitive(
    "multilabel_margin_loss", _multilabel_margin_forward, [_multilabel_margin_slope], quiet=True
)


def multilabel_margin_loss(input: Tensor, pairs: Tensor, reduction: str, out_shape: tuple) -> Tensor:
    """The multi-label hinge loss of scores `(N, C)` or `(C,)`, given the constant pair weights."""
    return _multilabel_margin(input, pairs=pairs._data, reduction=reduction, out_shape=out_shape)
