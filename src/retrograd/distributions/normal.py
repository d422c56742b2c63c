"""Normal (Gaussian) distribution."""

from __future__ import annotations

import math
from numbers import Number
from typing import Any

import retrograd as _rg

from . import constraints
from .distribution import expanded_copy
from .exp_family import ExponentialFamily
from .utils import _standard_normal, broadcast_all

__all__ = ["Normal"]


class Normal(ExponentialFamily):
    """Normal(loc, scale): density exp(-(x - loc)² / (2 scale²)) / (scale √(2π)).

    Args:
        loc (float or Tensor): the mean.
        scale (float or Tensor): the standard deviation (positive).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Normal): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Normal(retrograd.tensor([0.0, 1.0]), retrograd.tensor([1.0, 2.0]))
        >>> d.log_prob(retrograd.tensor([0.0, 0.0]))
        tensor([-0.9189, -1.7371])
        >>> d.sample((3,)).shape
        retrograd.Size([3, 2])
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        if isinstance(loc, Number) and isinstance(scale, Number):
            batch_shape = _rg.Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Normal:
        return expanded_copy(self, Normal, batch_shape, _instance, {"loc": (), "scale": ()})

    @property
    def mean(self) -> Any:
        return self.loc

    @property
    def mode(self) -> Any:
        return self.loc

    @property
    def stddev(self) -> Any:
        return self.scale

    @property
    def variance(self) -> Any:
        return self.stddev.pow(2)

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        with _rg.no_grad():
            return _rg.normal(self.loc.expand(shape), self.scale.expand(shape))

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        eps = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale**2
        log_scale = math.log(self.scale) if isinstance(self.scale, Number) else self.scale.log()
        return -((value - self.loc) ** 2) / (2 * var) - log_scale - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + _rg.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value: Any) -> Any:
        return self.loc + self.scale * _rg.erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self) -> Any:
        return 0.5 + 0.5 * math.log(2 * math.pi) + _rg.log(self.scale)

    @property
    def _natural_params(self) -> tuple:
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, x: Any, y: Any) -> Any:
        return -0.25 * x.pow(2) / y + 0.5 * _rg.log(-math.pi / y)
