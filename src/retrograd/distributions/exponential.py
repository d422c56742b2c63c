"""Exponential distribution."""

from __future__ import annotations

from numbers import Number
from typing import Any

import retrograd as _rg

from . import constraints
from .distribution import expanded_copy
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Exponential"]


class Exponential(ExponentialFamily):
    """Exponential(rate): density rate · exp(-rate · x) on x >= 0.

    Args:
        rate (float or Tensor): the rate (positive; 1 / mean).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Exponential): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Exponential(retrograd.tensor([1.0, 2.0]))
        >>> d.mean
        tensor([1.0000, 0.5000])
        >>> d.log_prob(retrograd.tensor([1.0, 1.0]))
        tensor([-1.0000, -1.3069])
        >>> d.cdf(retrograd.tensor([1.0, 1.0]))
        tensor([0.6321, 0.8647])
    """

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        batch_shape = _rg.Size() if isinstance(rate, Number) else self.rate.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Exponential:
        return expanded_copy(self, Exponential, batch_shape, _instance, {"rate": ()})

    @property
    def mean(self) -> Any:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Any:
        return _rg.zeros_like(self.rate)

    @property
    def stddev(self) -> Any:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Any:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        return self.rate.new_empty(shape).exponential_() / self.rate

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        return 1 - _rg.exp(-self.rate * value)

    def icdf(self, value: Any) -> Any:
        return -_rg.log1p(-value) / self.rate

    def entropy(self) -> Any:
        return 1.0 - _rg.log(self.rate)

    @property
    def _natural_params(self) -> tuple:
        return (-self.rate,)

    def _log_normalizer(self, x: Any) -> Any:
        return -_rg.log(-x)
