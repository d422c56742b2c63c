"""Dirichlet distribution over the probability simplex."""

from __future__ import annotations

from typing import Any

import retrograd as _rg
from retrograd import digamma, lgamma
from retrograd.nn import functional as F

from . import constraints
from ._sampling import sample_dirichlet
from .distribution import expanded_copy
from .exp_family import ExponentialFamily

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """Dirichlet(concentration): density Γ(Σα) / ΠΓ(α_i) · Π x_i^(α_i - 1) on the simplex.

    `rsample` normalises Gamma draws; its gradient in `concentration` is PyTorch's `_dirichlet_grad`.

    Args:
        concentration (Tensor): α, positive, shape `(..., K)`.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Dirichlet): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Dirichlet(retrograd.tensor([1.0, 2.0, 3.0]))
        >>> d.mean
        tensor([0.1667, 0.3333, 0.5000])
        >>> d.log_prob(retrograd.tensor([0.2, 0.3, 0.5]))
        tensor(1.5041)
        >>> d.event_shape
        retrograd.Size([3])
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Any, validate_args: bool | None = None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Dirichlet:
        return expanded_copy(self, Dirichlet, batch_shape, _instance, {"concentration": self.event_shape})

    def rsample(self, sample_shape: Any = ()) -> Any:
        shape = self._extended_shape(sample_shape)
        return sample_dirichlet(self.concentration.expand(shape))

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return _rg.xlogy(c - 1.0, value).sum(-1) + lgamma(c.sum(-1)) - lgamma(c).sum(-1)

    @property
    def mean(self) -> Any:
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self) -> Any:
        cm1 = (self.concentration - 1).clamp(min=0.0)
        mode = cm1 / cm1.sum(-1, True)
        # with every α < 1 the density peaks at a vertex: the largest α's
        all_below_one = (self.concentration < 1).all(-1, keepdim=True)
        vertex = F.one_hot(cm1.argmax(-1), cm1.shape[-1]).to(mode.dtype)
        return _rg.where(all_below_one, vertex, mode)

    @property
    def variance(self) -> Any:
        con0 = self.concentration.sum(-1, True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def entropy(self) -> Any:
        c = self.concentration
        k = c.size(-1)
        a0 = c.sum(-1)
        return lgamma(c).sum(-1) - lgamma(a0) - (k - a0) * digamma(a0) - ((c - 1.0) * digamma(c)).sum(-1)

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration,)

    def _log_normalizer(self, x: Any) -> Any:
        return lgamma(x).sum(-1) - lgamma(x.sum(-1))
