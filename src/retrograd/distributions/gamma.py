"""Gamma distribution."""

from __future__ import annotations

from numbers import Number
from typing import Any

import retrograd as _rg
from retrograd import digamma, lgamma
from retrograd.special import gammainc

from . import constraints
from ._sampling import standard_gamma
from .distribution import expanded_copy
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Gamma"]


class Gamma(ExponentialFamily):
    """Gamma(concentration, rate): density rate^c x^(c-1) e^(-rate x) / Γ(c).

    `rsample` is reparameterised by implicit differentiation of the CDF in `concentration`.

    Args:
        concentration (float or Tensor): the shape c (positive).
        rate (float or Tensor): the rate (positive; 1 / scale).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Gamma): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Gamma(retrograd.tensor(2.0), retrograd.tensor(0.5))
        >>> d.mean, d.variance
        (tensor(4.), tensor(8.))
        >>> d.log_prob(retrograd.tensor(3.0))
        tensor(-1.7877)
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        if isinstance(concentration, Number) and isinstance(rate, Number):
            batch_shape = _rg.Size()
        else:
            batch_shape = self.concentration.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Gamma:
        return expanded_copy(self, Gamma, batch_shape, _instance, {"concentration": (), "rate": ()})

    @property
    def mean(self) -> Any:
        return self.concentration / self.rate

    @property
    def mode(self) -> Any:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Any:
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        # PyTorch clamps after dividing by the rate, outside the graph: the gradient stays the quotient's
        value.detach().clamp_(min=_rg.finfo(value.dtype).tiny)
        return value

    def log_prob(self, value: Any) -> Any:
        value = _rg.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (
            _rg.xlogy(self.concentration, self.rate)
            + _rg.xlogy(self.concentration - 1, value)
            - self.rate * value
            - lgamma(self.concentration)
        )

    def entropy(self) -> Any:
        c = self.concentration
        return c - _rg.log(self.rate) + lgamma(c) + (1.0 - c) * digamma(c)

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x: Any, y: Any) -> Any:
        return lgamma(x + 1) + (x + 1) * _rg.log(-y.reciprocal())

    def cdf(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)
