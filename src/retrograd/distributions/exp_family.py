"""ExponentialFamily: entropy from the log-normaliser by automatic differentiation (Bregman divergence)."""

from __future__ import annotations

from typing import Any

import retrograd as _rg

from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Distributions with density exp(<t(x), θ> - F(θ) + k(x)); subclasses give θ, F and E[k(x)].

    Args:
        batch_shape (Size): the shape of independent draws (default ()).
        event_shape (Size): the shape of one draw (default ()).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (ExponentialFamily): the base of Normal, Gamma, Bernoulli and the other exponential
            families; its `entropy()` comes from the Bregman divergence of F.

    Examples:
        >>> d = retrograd.distributions.Exponential(retrograd.tensor(2.0))
        >>> isinstance(d, retrograd.distributions.ExponentialFamily)
        True
        >>> d.entropy()
        tensor(0.3069)
    """

    @property
    def _natural_params(self) -> tuple:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params: Any) -> Any:
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> Any:
        raise NotImplementedError

    def entropy(self) -> Any:
        """H = F(θ) - <θ, ∇F(θ)> - E[k(x)], with ∇F from autograd."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = _rg.autograd.grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for np_, g in zip(nparams, gradients):
            result = result - (np_ * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
