"""One-hot categorical distribution: Categorical with samples as one-hot vectors."""

from __future__ import annotations

from typing import Any

import retrograd as _rg
from retrograd.nn import functional as F

from . import constraints
from .categorical import Categorical
from .distribution import Distribution

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough"]


class OneHotCategorical(Distribution):
    """OneHotCategorical(probs): one-hot vectors of length K; event_shape is (K,).

    Args:
        probs (Tensor, optional): the weights of the K categories in the last dim (normalised); give probs or logits.
        logits (Tensor, optional): unnormalised log-probabilities instead of probs.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (OneHotCategorical): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.OneHotCategorical(probs=retrograd.tensor([0.2, 0.8]))
        >>> d.log_prob(retrograd.tensor([0.0, 1.0]))
        tensor(-0.2231)
        >>> d.event_shape
        retrograd.Size([2])
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> OneHotCategorical:
        new = self._get_checked_instance(OneHotCategorical, _instance)
        batch_shape = _rg.Size(batch_shape)
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def _param(self) -> Any:
        return self._categorical._param

    @property
    def probs(self) -> Any:
        return self._categorical.probs

    @property
    def logits(self) -> Any:
        return self._categorical.logits

    @property
    def mean(self) -> Any:
        return self._categorical.probs

    @property
    def mode(self) -> Any:
        probs = self._categorical.probs
        mode = probs.argmax(dim=-1)
        return F.one_hot(mode, num_classes=probs.shape[-1]).to(probs.dtype)

    @property
    def variance(self) -> Any:
        return self._categorical.probs * (1 - self._categorical.probs)

    @property
    def param_shape(self) -> Any:
        return self._categorical.param_shape

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        sample_shape = _rg.Size(sample_shape)
        probs = self._categorical.probs
        num_events = self._categorical._num_events
        indices = self._categorical.sample(sample_shape)
        return F.one_hot(indices, num_events).to(probs.dtype)

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        indices = value.max(-1)[1]
        return self._categorical.log_prob(indices)

    def entropy(self) -> Any:
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Any:
        n = self.event_shape[0]
        values = _rg.eye(n, dtype=self._param.dtype, device=self._param.device)
        values = values.view((n,) + (1,) * len(self.batch_shape) + (n,))
        if expand:
            values = values.expand((n,) + self.batch_shape + (n,))
        return values


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """OneHotCategorical whose `rsample` passes gradients straight through to `probs` (biased estimator).

    `rsample()` returns the one-hot sample in the forward pass, while backward treats it as
    if it were `probs`: `sample + (probs - probs.detach())`.

    Args:
        probs (Tensor, optional): (*, K) event probabilities (normalised along the last dim).
        logits (Tensor, optional): (*, K) unnormalised log-probabilities; give this or `probs`.
        validate_args (bool, optional): check the arguments (default: the global setting).

    Returns:
        (OneHotCategoricalStraightThrough): a distribution over one-hot vectors of length K.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> p = retrograd.tensor([0.2, 0.8], requires_grad=True)
        >>> s = retrograd.distributions.OneHotCategoricalStraightThrough(probs=p).rsample()
        >>> s
        tensor([0., 1.], grad_fn=<AddBackward0>)
        >>> (s * retrograd.tensor([1.0, 2.0])).sum().backward()
        >>> p.grad
        tensor([-0.8000,  0.2000])
    """

    has_rsample = True

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        samples = self.sample(sample_shape)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())
