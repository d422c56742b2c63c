"""Logistic-normal distribution: a Normal vector pushed onto the simplex by stick breaking."""

from __future__ import annotations

from typing import Any

from . import constraints
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import StickBreakingTransform

__all__ = ["LogisticNormal"]


class LogisticNormal(TransformedDistribution):
    """LogisticNormal(loc, scale): StickBreakingTransform of Normal(loc, scale); event_shape is (K + 1,).

    Args:
        loc (Tensor): the mean of the underlying Normal, shape `(..., K)`.
        scale (Tensor): its standard deviation (positive), shape `(..., K)`.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (LogisticNormal): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.LogisticNormal(retrograd.zeros(2), retrograd.ones(2))
        >>> d.event_shape
        retrograd.Size([3])
        >>> d.log_prob(retrograd.tensor([0.2, 0.3, 0.5]))
        tensor(1.2980)
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        base_dist: Any = Normal(loc, scale, validate_args=validate_args)
        if not base_dist.batch_shape:
            base_dist = base_dist.expand([1])
        super().__init__(base_dist, StickBreakingTransform(), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LogisticNormal:
        new = self._get_checked_instance(LogisticNormal, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def loc(self) -> Any:
        return self.base_dist.base_dist.loc

    @property
    def scale(self) -> Any:
        return self.base_dist.base_dist.scale
