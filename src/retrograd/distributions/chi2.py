"""Chi-squared distribution: Gamma(df / 2, 1 / 2)."""

from __future__ import annotations

from typing import Any

from . import constraints
from .gamma import Gamma

__all__ = ["Chi2"]


class Chi2(Gamma):
    """Chi2(df): the sum of `df` squared standard normals.

    Args:
        df (float or Tensor): the degrees of freedom (positive).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Chi2): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Chi2(retrograd.tensor(4.0))
        >>> d.mean, d.variance
        (tensor(4.), tensor(8.))
        >>> d.log_prob(retrograd.tensor(2.0))
        tensor(-1.6931)
    """

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df: Any, validate_args: bool | None = None) -> None:
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Chi2:
        new = self._get_checked_instance(Chi2, _instance)
        return super().expand(batch_shape, new)

    @property
    def df(self) -> Any:
        return self.concentration * 2
