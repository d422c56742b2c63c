"""Categorical distribution over {0, ..., K-1}, parameterised by `probs` or `logits`."""

from __future__ import annotations

import math
from typing import Any

import retrograd as _rg

from . import constraints
from .bernoulli import one_of_probs_logits
from .distribution import Distribution, expanded_copy
from .utils import lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Categorical"]


class Categorical(Distribution):
    """Categorical(probs): index i with probability probs[..., i] (probs are normalised over the last dim).

    Args:
        probs (Tensor, optional): the weights of the K categories in the last dim (normalised); give probs or logits.
        logits (Tensor, optional): unnormalised log-probabilities instead of probs.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Categorical): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Categorical(probs=retrograd.tensor([0.2, 0.3, 0.5]))
        >>> d.log_prob(retrograd.tensor(2))
        tensor(-0.6931)
        >>> d.entropy()
        tensor(1.0297)
        >>> d.sample((4,)).shape
        retrograd.Size([4])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        one_of_probs_logits(probs, logits)
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.size()[-1]
        batch_shape = self._param.size()[:-1] if self._param.ndimension() > 1 else _rg.Size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Categorical:
        trailing = (self._num_events,)
        new = expanded_copy(self, Categorical, batch_shape, _instance, {"probs": trailing, "logits": trailing})
        new._param = new.probs if "probs" in self.__dict__ else new.logits
        new._num_events = self._num_events
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> Any:
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Any:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Any:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> Any:
        return self._param.size()

    @property
    def mean(self) -> Any:
        return _rg.full(self._extended_shape(), math.nan, dtype=self.probs.dtype, device=self.probs.device)

    @property
    def mode(self) -> Any:
        return self.probs.argmax(dim=-1)

    @property
    def variance(self) -> Any:
        return _rg.full(self._extended_shape(), math.nan, dtype=self.probs.dtype, device=self.probs.device)

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        if not isinstance(sample_shape, _rg.Size):
            sample_shape = _rg.Size(sample_shape)
        probs_2d = self.probs.reshape(-1, self._num_events)
        with _rg.no_grad():
            samples_2d = _rg.multinomial(probs_2d, sample_shape.numel(), True).T
        return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = _rg.broadcast_tensors(value, self.logits)
        return log_pmf.gather(-1, value[..., :1]).squeeze(-1)

    def entropy(self) -> Any:
        min_real = _rg.finfo(self.logits.dtype).min
        logits = _rg.clamp(self.logits, min=min_real)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Any:
        values = _rg.arange(self._num_events, dtype=_rg.long, device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + self._batch_shape)
        return values
