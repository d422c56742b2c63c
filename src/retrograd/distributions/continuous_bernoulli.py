"""Continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem and Cunningham, NeurIPS 2019)."""

from __future__ import annotations

import math
from numbers import Number
from typing import Any

import retrograd as _rg
from retrograd.nn import functional as F

from . import constraints
from .bernoulli import one_of_probs_logits
from .distribution import expanded_copy
from .exp_family import ExponentialFamily
from .utils import broadcast_all, clamp_probs, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ExponentialFamily):
    """ContinuousBernoulli(probs λ): density C(λ)·λ^x·(1-λ)^(1-x) on [0, 1].

    C(λ) = 2·artanh(1-2λ)/(1-2λ), i.e. log C = log|log(1-λ) - log λ| - log|1 - 2λ|. Near λ = ½
    (inside `lims`) that and the moments are replaced by their Taylor series, as PyTorch does.

    Args:
        probs (float or Tensor, optional): the probabilities; give probs or logits, not both.
        logits (float or Tensor, optional): the log-odds instead of probs.
        lims (tuple of float): around 0.5 the density is computed by a Taylor expansion, inside (lims[0], lims[1]).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (ContinuousBernoulli): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.ContinuousBernoulli(probs=retrograd.tensor(0.3))
        >>> d.log_prob(retrograd.tensor(0.5))
        tensor(-0.0297)
        >>> d.mean
        tensor(0.4302)
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs: Any = None, logits: Any = None, lims: tuple[float, float] = (0.499, 0.501),
                 validate_args: bool | None = None) -> None:  # fmt: skip
        one_of_probs_logits(probs, logits)
        if probs is not None:
            scalar = isinstance(probs, Number)
            (self.probs,) = broadcast_all(probs)
            if validate_args is not None and not bool(self.arg_constraints["probs"].check(self.probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            scalar = isinstance(logits, Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        super().__init__(_rg.Size() if scalar else self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> ContinuousBernoulli:
        new = expanded_copy(self, ContinuousBernoulli, batch_shape, _instance, {"probs": (), "logits": ()})
        new._lims = self._lims
        new._param = new.probs if "probs" in self.__dict__ else new.logits
        return new

    @lazy_property
    def logits(self) -> Any:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Any:
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self) -> Any:
        return self._param.size()

    def _stable(self) -> Any:
        """Where λ is outside (lims[0], lims[1]]: the closed forms are accurate there."""
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self) -> Any:
        """λ, with lims[0] inside the unstable region (so the closed forms stay finite there)."""
        return _rg.where(self._stable(), self.probs, self._lims[0] * _rg.ones_like(self.probs))

    def _cont_bern_log_norm(self) -> Any:
        """log C(λ)."""
        cut = self._cut_probs()
        below = _rg.where(cut <= 0.5, cut, _rg.zeros_like(cut))
        above = _rg.where(cut >= 0.5, cut, _rg.ones_like(cut))
        closed = _rg.log(_rg.abs(_rg.log1p(-cut) - _rg.log(cut))) - _rg.where(
            cut <= 0.5, _rg.log1p(-2.0 * below), _rg.log(2.0 * above - 1.0)
        )
        x = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return _rg.where(self._stable(), closed, taylor)

    @property
    def mean(self) -> Any:
        cut = self._cut_probs()
        closed = cut / (2.0 * cut - 1.0) + 1.0 / (_rg.log1p(-cut) - _rg.log(cut))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x
        return _rg.where(self._stable(), closed, taylor)

    @property
    def variance(self) -> Any:
        cut = self._cut_probs()
        closed = cut * (cut - 1.0) / (1.0 - 2.0 * cut).pow(2) + 1.0 / (_rg.log1p(-cut) - _rg.log(cut)).pow(2)
        x = (self.probs - 0.5).pow(2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return _rg.where(self._stable(), closed, taylor)

    @property
    def stddev(self) -> Any:
        return _rg.sqrt(self.variance)

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        with _rg.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        return self.icdf(_rg.rand(shape, dtype=self.probs.dtype, device=self.probs.device))

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none") + self._cont_bern_log_norm()

    def cdf(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        closed = (cut.pow(value) * (1.0 - cut).pow(1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        inside = _rg.where(self._stable(), closed, value)
        return _rg.where(value <= 0.0, _rg.zeros_like(value), _rg.where(value >= 1.0, _rg.ones_like(value), inside))

    def icdf(self, value: Any) -> Any:
        cut = self._cut_probs()
        closed = (_rg.log1p(-cut + value * (2.0 * cut - 1.0)) - _rg.log1p(-cut)) / (_rg.log(cut) - _rg.log1p(-cut))
        return _rg.where(self._stable(), closed, value)

    def entropy(self) -> Any:
        log_q, log_p = _rg.log1p(-self.probs), _rg.log(self.probs)
        return self.mean * (log_q - log_p) - self._cont_bern_log_norm() - log_q

    @property
    def _natural_params(self) -> tuple:
        return (self.logits,)

    def _log_normalizer(self, x: Any) -> Any:
        """log C as a function of the natural parameter η = logit λ: log|expm1 η| - log|η| (Taylor near 0)."""
        stable = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = _rg.where(stable, x, (self._lims[0] - 0.5) * _rg.ones_like(x))
        closed = _rg.log(_rg.abs(_rg.expm1(cut))) - _rg.log(_rg.abs(cut))
        taylor = 0.5 * x + x.pow(2) / 24.0 - x.pow(4) / 2880.0
        return _rg.where(stable, closed, taylor)
