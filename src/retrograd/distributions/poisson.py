"""Poisson distribution."""

from __future__ import annotations

from numbers import Number
from typing import Any

import retrograd as _rg
from retrograd import lgamma

from . import constraints
from .distribution import expanded_copy
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    """Poisson(rate): P(k) = rate^k e^(-rate) / k!.

    Args:
        rate (float or Tensor): the mean number of events (non-negative).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Poisson): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Poisson(retrograd.tensor([1.0, 4.0]))
        >>> d.log_prob(retrograd.tensor([0.0, 2.0]))
        tensor([-1.0000, -1.9206])
        >>> d.mean
        tensor([1., 4.])
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        batch_shape = _rg.Size() if isinstance(rate, Number) else self.rate.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Poisson:
        return expanded_copy(self, Poisson, batch_shape, _instance, {"rate": ()})

    @property
    def mean(self) -> Any:
        return self.rate

    @property
    def mode(self) -> Any:
        return self.rate.floor()

    @property
    def variance(self) -> Any:
        return self.rate

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        with _rg.no_grad():
            return _rg.poisson(self.rate.expand(shape))

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - lgamma(value + 1)

    @property
    def _natural_params(self) -> tuple:
        return (_rg.log(self.rate),)

    def _log_normalizer(self, x: Any) -> Any:
        return _rg.exp(x)
