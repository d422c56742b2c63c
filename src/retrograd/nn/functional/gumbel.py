"""torch.nn.functional.gumbel_softmax: differentiable samples from a categorical distribution."""

from __future__ import annotations

import warnings

from ... import ops as _ops
from ...tensor import Tensor

__all__ = ["gumbel_softmax"]


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """`softmax((logits + g) / tau)` with Gumbel(0, 1) noise g = -log(Exp(1)) drawn from retrograd's generator.

    With `hard`, the result is the one-hot of the sample's argmax in value and the soft sample in gradient
    (the straight-through estimator: `y_hard - y_soft.detach() + y_soft`). `eps` is deprecated and unused.
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", UserWarning, stacklevel=2)
    gumbels = -_ops.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _ops.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
