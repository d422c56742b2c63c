"""torch.nn.functional.gumbel_softmax: differentiable samples from a categorical distribution."""

from __future__ import annotations

import warnings

from ... import ops as _ops
from ..._user_frames import frames_up
from ...tensor import Tensor

__all__ = ["gumbel_softmax"]


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """`softmax((logits + g) / tau)` with Gumbel(0, 1) noise g = -log(Exp(1)) drawn from retrograd's generator.

    With `hard`, the result is the one-hot of the sample's argmax in value and the soft sample in gradient
    (the straight-through estimator: `y_hard - y_soft.detach() + y_soft`). `eps` is deprecated and unused.

    Args:
        logits (Tensor): unnormalised log-probabilities, (*, num_features).
        tau (float): the temperature; smaller is closer to one-hot (default 1).
        hard (bool): return one-hot samples that pass the soft sample's gradient (default False).
        eps (float): deprecated and unused (default 1e-10).
        dim (int): the dim of the categories (default -1).

    Returns:
        Tensor: samples of `logits`' shape, summing to 1 along `dim` (one-hot with `hard`).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> logits = retrograd.tensor([[1.0, 2.0, 3.0]])
        >>> F.gumbel_softmax(logits, tau=0.5)
        tensor([[5.4419e-04, 3.2693e-02, 9.6676e-01]])
        >>> F.gumbel_softmax(logits, hard=True)
        tensor([[0., 0., 1.]])
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", UserWarning, stacklevel=frames_up(2))
    gumbels = -_ops.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _ops.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
