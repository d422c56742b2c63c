"""Generalized Pareto distribution (loc, scale, concentration), as in TensorFlow Probability and PyTorch."""

from __future__ import annotations

import math
from numbers import Number
from typing import Any

import retrograd as _rg

from . import constraints
from .distribution import Distribution, expanded_copy
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """GeneralizedPareto(loc, scale, ξ): survival (1 + ξz)^(-1/ξ) with z = (x - loc)/scale (e^(-z) at ξ = 0).

    Exponential (loc 0, ξ 0), Pareto (ξ > 0, loc = scale/ξ) and Uniform (ξ = -1) are special
    cases. The support is [loc, loc - scale/ξ] for ξ < 0, [loc, ∞) otherwise.

    Args:
        loc (float or Tensor): the location.
        scale (float or Tensor): the scale (positive).
        concentration (float or Tensor): the shape ξ.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (GeneralizedPareto): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> loc, scale, xi = retrograd.tensor(0.0), retrograd.tensor(1.0), retrograd.tensor(0.5)
        >>> d = retrograd.distributions.GeneralizedPareto(loc, scale, xi)
        >>> d.log_prob(retrograd.tensor(1.0))
        tensor(-1.2164)
        >>> d.mean
        tensor(2.)
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        scalar = all(isinstance(v, Number) for v in (loc, scale, concentration))
        super().__init__(_rg.Size() if scalar else self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> GeneralizedPareto:
        params = {"loc": (), "scale": (), "concentration": ()}
        return expanded_copy(self, GeneralizedPareto, batch_shape, _instance, params)

    def _zero_and_safe_concentration(self) -> tuple[Any, Any]:
        """(ξ ≈ 0, ξ with 1 where ξ ≈ 0): the ξ → 0 limit is taken by its own formula."""
        at_zero = _rg.isclose(self.concentration, _rg.zeros_like(self.concentration))
        return at_zero, _rg.where(at_zero, _rg.ones_like(self.concentration), self.concentration)

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        return self.icdf(_rg.rand(shape, dtype=self.loc.dtype, device=self.loc.device))

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        at_zero, xi = self._zero_and_safe_concentration()
        power = 1 / xi + _rg.ones_like(z)  # log p = -log σ - (1 + 1/ξ)·log(1 + ξz)
        nonzero = _rg.where(power == 0, power, power * _rg.log1p(xi * z))
        log_scale = math.log(self.scale) if isinstance(self.scale, Number) else self.scale.log()
        return -log_scale - _rg.where(at_zero, z, nonzero)

    def log_survival_function(self, value: Any) -> Any:
        """log P(X > value)."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        at_zero, xi = self._zero_and_safe_concentration()
        return _rg.where(at_zero, -z, -_rg.log1p(xi * z) / xi)

    def log_cdf(self, value: Any) -> Any:
        """log P(X <= value)."""
        return _rg.log1p(-_rg.exp(self.log_survival_function(value)))

    def cdf(self, value: Any) -> Any:
        return _rg.exp(self.log_cdf(value))

    def icdf(self, value: Any) -> Any:
        at_zero, xi = self._zero_and_safe_concentration()
        log_u = _rg.log1p(-value)
        nonzero = self.loc + self.scale / xi * _rg.expm1(-xi * log_u)
        return _rg.where(at_zero, self.loc - self.scale * log_u, nonzero)

    @property
    def mean(self) -> Any:
        valid = self.concentration < 1  # infinite otherwise: NaN, as PyTorch
        xi = _rg.where(valid, self.concentration, 0.5)
        return _rg.where(valid, self.loc + self.scale / (1 - xi), float("nan"))

    @property
    def variance(self) -> Any:
        valid = self.concentration < 0.5
        xi = _rg.where(valid, self.concentration, 0.25)
        return _rg.where(valid, self.scale**2 / ((1 - xi) ** 2 * (1 - 2 * xi)), float("nan"))

    def entropy(self) -> Any:
        return _rg.broadcast_to(_rg.log(self.scale) + self.concentration + 1, self._batch_shape)

    @property
    def mode(self) -> Any:
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> Any:
        upper = _rg.where(self.concentration < 0, self.loc - self.scale / self.concentration, float("inf"))
        return constraints.interval(self.loc, upper)
