"""Negative binomial distribution: failures before `total_count` successes."""

from __future__ import annotations

from typing import Any

import retrograd as _rg
from retrograd import lgamma
from retrograd.nn import functional as F

from . import constraints
from .bernoulli import one_of_probs_logits
from .distribution import Distribution, expanded_copy
from .gamma import Gamma
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["NegativeBinomial"]


class NegativeBinomial(Distribution):
    """NegativeBinomial(total_count, probs): P(k) = C(k + r - 1, k) p^k (1 - p)^r.

    Args:
        total_count (float or Tensor): r, the number of failures to stop at (non-negative).
        probs (float or Tensor, optional): the probabilities; give probs or logits, not both.
        logits (float or Tensor, optional): the log-odds instead of probs.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (NegativeBinomial): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.NegativeBinomial(retrograd.tensor(3.0), probs=retrograd.tensor(0.5))
        >>> d.log_prob(retrograd.tensor(2.0))
        tensor(-1.6740)
        >>> d.mean
        tensor(3.)
    """

    arg_constraints = {
        "total_count": constraints.greater_than_eq(0),
        "probs": constraints.half_open_interval(0.0, 1.0),
        "logits": constraints.real,
    }
    support = constraints.nonnegative_integer

    def __init__(
        self, total_count: Any, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        one_of_probs_logits(probs, logits)
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> NegativeBinomial:
        names = {"total_count": (), "probs": (), "logits": ()}
        new = expanded_copy(self, NegativeBinomial, batch_shape, _instance, names)
        new._param = new.probs if "probs" in self.__dict__ else new.logits
        return new

    @property
    def mean(self) -> Any:
        return self.total_count * _rg.exp(self.logits)

    @property
    def mode(self) -> Any:
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Any:
        return self.mean / _rg.sigmoid(-self.logits)

    @lazy_property
    def logits(self) -> Any:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Any:
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self) -> Any:
        return self._param.size()

    @lazy_property
    def _gamma(self) -> Gamma:
        # Gamma-Poisson mixture: rate ~ Gamma(r, (1 - p) / p)
        return Gamma(concentration=self.total_count, rate=_rg.exp(-self.logits), validate_args=False)

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        with _rg.no_grad():
            rate = self._gamma.sample(sample_shape=sample_shape)
            return _rg.poisson(rate)

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        log_unnormalized_prob = self.total_count * F.logsigmoid(-self.logits) + value * F.logsigmoid(self.logits)
        log_normalization = -lgamma(self.total_count + value) + lgamma(1.0 + value) + lgamma(self.total_count)
        # r + k = 0 only for r = k = 0, where P = 1
        log_normalization = log_normalization.masked_fill(self.total_count + value == 0.0, 0.0)
        return log_unnormalized_prob - log_normalization
