"""Elementwise transforms: exp, power, sigmoid, softplus, tanh, abs, affine, and a distribution's CDF."""

from __future__ import annotations

import math
import numbers
from typing import Any

import retrograd as _rg
from retrograd.nn import functional as F

from . import constraints
from ._transform_base import Transform
from .utils import broadcast_all


def _clipped_sigmoid(x: Any) -> Any:
    finfo = _rg.finfo(x.dtype)
    return _rg.clamp(_rg.sigmoid(x), min=finfo.tiny, max=1.0 - finfo.eps)


class ExpTransform(Transform):
    """y = exp(x).

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (ExpTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.ExpTransform()
        >>> x = retrograd.tensor([0.0, 1.0])
        >>> t(x)
        tensor([1.0000, 2.7183])
        >>> t.log_abs_det_jacobian(x, t(x))
        tensor([0., 1.])
    """

    domain = constraints.real
    codomain = constraints.positive
    bijective = True
    sign = +1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExpTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        return x.exp()

    def _inverse(self, y: Any) -> Any:
        return y.log()

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        return x


class PowerTransform(Transform):
    """y = x^exponent on positive x.

    Args:
        exponent (float or Tensor): the power.
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (PowerTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.PowerTransform(exponent=2.0)
        >>> t(retrograd.tensor([1.0, 3.0]))
        tensor([1., 9.])
        >>> t.inv(retrograd.tensor([4.0]))
        tensor([2.])
    """

    domain = constraints.positive
    codomain = constraints.positive
    bijective = True

    def __init__(self, exponent: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        (self.exponent,) = broadcast_all(exponent)

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return PowerTransform(self.exponent, cache_size=cache_size)

    @property
    def sign(self) -> Any:
        return self.exponent.sign()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PowerTransform):
            return False
        return bool(self.exponent.eq(other.exponent).all().item())

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        return x.pow(self.exponent)

    def _inverse(self, y: Any) -> Any:
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        return (self.exponent * y / x).abs().log()

    def forward_shape(self, shape: Any) -> Any:
        return _rg.broadcast_shapes(shape, getattr(self.exponent, "shape", ()))

    def inverse_shape(self, shape: Any) -> Any:
        return _rg.broadcast_shapes(shape, getattr(self.exponent, "shape", ()))


class SigmoidTransform(Transform):
    """y = 1 / (1 + exp(-x)), clipped into (0, 1) of the dtype.

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (SigmoidTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.SigmoidTransform()
        >>> t(retrograd.tensor([0.0, 2.0]))
        tensor([0.5000, 0.8808])
    """

    domain = constraints.real
    codomain = constraints.unit_interval
    bijective = True
    sign = +1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SigmoidTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        return _clipped_sigmoid(x)

    def _inverse(self, y: Any) -> Any:
        finfo = _rg.finfo(y.dtype)
        y = y.clamp(min=finfo.tiny, max=1.0 - finfo.eps)
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        return -F.softplus(-x) - F.softplus(x)


class SoftplusTransform(Transform):
    """y = log(1 + exp(x)).

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (SoftplusTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.SoftplusTransform()
        >>> t(retrograd.tensor([0.0, 1.0]))
        tensor([0.6931, 1.3133])
    """

    domain = constraints.real
    codomain = constraints.positive
    bijective = True
    sign = +1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SoftplusTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        return F.softplus(x)

    def _inverse(self, y: Any) -> Any:
        return (-y).expm1().neg().log() + y

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        return -F.softplus(-x)


class TanhTransform(Transform):
    """y = tanh(x).

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (TanhTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.TanhTransform()
        >>> t(retrograd.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7616])
    """

    domain = constraints.real
    codomain = constraints.interval(-1.0, 1.0)
    bijective = True
    sign = +1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TanhTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        return x.tanh()

    def _inverse(self, y: Any) -> Any:
        return _rg.atanh(y)

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        # log(1 - tanh²x) = 2 (log 2 - x - softplus(-2x)), stable for large |x|
        return 2.0 * (math.log(2.0) - x - F.softplus(-2.0 * x))


class AbsTransform(Transform):
    """y = |x| (not bijective; the inverse picks the positive root).

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (AbsTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.AbsTransform()
        >>> t(retrograd.tensor([-1.5, 2.0]))
        tensor([1.5000, 2.0000])
    """

    domain = constraints.real
    codomain = constraints.positive

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AbsTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        return x.abs()

    def _inverse(self, y: Any) -> Any:
        return y


class AffineTransform(Transform):
    """y = loc + scale · x, with `event_dim` rightmost dims forming one event.

    Args:
        loc (float or Tensor): the shift.
        scale (float or Tensor): the factor.
        event_dim (int): how many rightmost dims form one event (default 0).
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (AffineTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.AffineTransform(loc=1.0, scale=2.0)
        >>> x = retrograd.tensor([0.0, 1.0])
        >>> t(x)
        tensor([1., 3.])
        >>> t.inv(t(x))
        tensor([0., 1.])
        >>> t.log_abs_det_jacobian(x, t(x))
        tensor([0.6931, 0.6931])
    """

    bijective = True

    def __init__(self, loc: Any, scale: Any, event_dim: int = 0, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.loc = loc
        self.scale = scale
        self._event_dim = event_dim

    @property
    def event_dim(self) -> int:
        return self._event_dim

    @constraints.dependent_property(is_discrete=False)
    def domain(self) -> Any:
        if self.event_dim == 0:
            return constraints.real
        return constraints.independent(constraints.real, self.event_dim)

    @constraints.dependent_property(is_discrete=False)
    def codomain(self) -> Any:
        if self.event_dim == 0:
            return constraints.real
        return constraints.independent(constraints.real, self.event_dim)

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return AffineTransform(self.loc, self.scale, self.event_dim, cache_size=cache_size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AffineTransform):
            return False
        for mine, theirs in ((self.loc, other.loc), (self.scale, other.scale)):
            if isinstance(mine, numbers.Number) and isinstance(theirs, numbers.Number):
                if mine != theirs:
                    return False
            elif not bool((_rg.as_tensor(mine) == theirs).all().item()):
                return False
        return self.event_dim == other.event_dim

    __hash__ = Transform.__hash__

    @property
    def sign(self) -> Any:
        if isinstance(self.scale, numbers.Real):
            return 1 if float(self.scale) > 0 else -1 if float(self.scale) < 0 else 0
        return self.scale.sign()

    def _call(self, x: Any) -> Any:
        return self.loc + self.scale * x

    def _inverse(self, y: Any) -> Any:
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        shape = x.shape
        scale = self.scale
        if isinstance(scale, numbers.Real):
            result = _rg.full_like(x, math.log(abs(scale)))
        else:
            result = _rg.abs(scale).log()
        if self.event_dim:
            result = result.reshape(result.size()[: -self.event_dim] + (-1,)).sum(-1)
            shape = shape[: -self.event_dim]
        return result.expand(shape)

    def forward_shape(self, shape: Any) -> Any:
        return _rg.broadcast_shapes(shape, getattr(self.loc, "shape", ()), getattr(self.scale, "shape", ()))

    def inverse_shape(self, shape: Any) -> Any:
        return _rg.broadcast_shapes(shape, getattr(self.loc, "shape", ()), getattr(self.scale, "shape", ()))


class CumulativeDistributionTransform(Transform):
    """y = distribution.cdf(x): maps the distribution's support onto [0, 1].

    Args:
        distribution (Distribution): the distribution whose cdf maps x (needs `cdf` and `icdf`).
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (CumulativeDistributionTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> normal = retrograd.distributions.Normal(0.0, 1.0)
        >>> t = retrograd.distributions.CumulativeDistributionTransform(normal)
        >>> t(retrograd.tensor([0.0, 1.0]))
        tensor([0.5000, 0.8413])
    """

    bijective = True
    codomain = constraints.unit_interval
    sign = +1

    def __init__(self, distribution: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self) -> Any:  # type: ignore[override]
        return self.distribution.support

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return type(self)(self.distribution, cache_size=cache_size)

    def _call(self, x: Any) -> Any:
        return self.distribution.cdf(x)

    def _inverse(self, y: Any) -> Any:
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        return self.distribution.log_prob(x)
