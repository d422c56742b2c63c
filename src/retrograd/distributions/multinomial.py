"""Multinomial distribution: counts of `total_count` Categorical draws."""

from __future__ import annotations

from typing import Any

import retrograd as _rg
from retrograd import lgamma

from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """Multinomial(total_count, probs): event_shape is (K,); total_count is one int for the whole batch.

    Args:
        total_count (int): the number of trials, the same for the whole batch (default 1).
        probs (Tensor, optional): the weights of the K categories in the last dim (normalised); give probs or logits.
        logits (Tensor, optional): unnormalised log-probabilities instead of probs.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Multinomial): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Multinomial(4, probs=retrograd.tensor([0.5, 0.5]))
        >>> d.log_prob(retrograd.tensor([2.0, 2.0]))
        tensor(-0.9808)
        >>> d.mean
        tensor([2., 2.])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(
        self, total_count: int = 1, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Multinomial:
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = _rg.Size(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        new._binomial = self._binomial.expand(batch_shape + self.event_shape)
        super(Multinomial, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self) -> Any:
        return constraints.multinomial(self.total_count)

    @property
    def mean(self) -> Any:
        return self.probs * self.total_count

    @property
    def variance(self) -> Any:
        return self.total_count * self.probs * (1 - self.probs)

    @property
    def logits(self) -> Any:
        return self._categorical.logits

    @property
    def probs(self) -> Any:
        return self._categorical.probs

    @property
    def param_shape(self) -> Any:
        return self._categorical.param_shape

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        sample_shape = _rg.Size(sample_shape)
        samples = self._categorical.sample(_rg.Size((self.total_count,)) + sample_shape)
        # (total_count, sample..., batch...) -> (sample..., batch..., total_count), then count per category
        order = list(range(1, samples.dim())) + [0]
        samples = samples.permute(*order)
        counts = _rg.zeros(self._extended_shape(sample_shape), dtype=samples.dtype, device=samples.device)
        counts = counts.scatter_add(-1, samples, _rg.ones_like(samples))
        return counts.type_as(self.probs)

    def entropy(self) -> Any:
        # an integer tensor, as in PyTorch: lgamma(n + 1) is then float32 even for float64 probs
        n = _rg.tensor(self.total_count)
        term1 = n * self._categorical.entropy() - lgamma(n + 1)
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = _rg.exp(self._binomial.log_prob(support))
        weights = lgamma(support + 1)
        term2 = (binomial_probs * weights).sum([0, -1])
        return term1 + term2

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = lgamma(value.sum(-1) + 1)
        log_factorial_xs = lgamma(value + 1).sum(-1)
        # 0 · (-inf) is 0 here: a category of probability 0 drawn 0 times adds nothing
        logits = _rg.where((value == 0) & (logits == -float("inf")), _rg.zeros_like(logits), logits)
        log_powers = (logits * value).sum(-1)
        return log_factorial_n - log_factorial_xs + log_powers
