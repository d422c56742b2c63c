"""The von Mises distribution: the circle's normal distribution."""

from __future__ import annotations

import math
from typing import Any

import retrograd as _rg

from . import constraints
from .distribution import Distribution, expanded_copy
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]

# Polynomial approximations of log I₀ and log I₁ (Abramowitz and Stegun 9.8.1-9.8.4), the
# coefficients PyTorch uses: for x < 3.75 in (x / 3.75)², above it in 3.75 / x
_SMALL = (
    (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2),
    (0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3),
)
_LARGE = (
    (0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1,
     -0.1647633e-1, 0.392377e-2),
    (0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1,
     0.1787654e-1, -0.420059e-2),
)  # fmt: skip


def _polynomial(y: Any, coefficients: tuple) -> Any:
    """c₀ + c₁y + c₂y² + ..., by Horner's rule from the highest coefficient down."""
    result = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = c + y * result
    return result


def _log_bessel(x: Any, order: int) -> Any:
    """log Iₒ(x) for x > 0 and order 0 or 1."""
    near = _polynomial((x / 3.75) ** 2, _SMALL[order])
    if order == 1:
        near = x.abs() * near
    far = x - 0.5 * x.log() + _polynomial(3.75 / x, _LARGE[order]).log()
    return _rg.where(x < 3.75, near.log(), far)


class VonMises(Distribution):
    """VonMises(loc, concentration): density e^(κ cos(x - loc)) / (2π I₀(κ)) on angles.

    `loc` and samples are angles in radians (any real value is accepted; samples land in
    [-π, π)); `mean` and `variance` are the circular ones. Samples are drawn as PyTorch draws
    them (Best and Fisher's rejection sampler, in float64, on `rand` draws), so seeded samples
    are PyTorch's.

    Args:
        loc (float or Tensor): the mean direction.
        concentration (float or Tensor): κ > 0; larger is narrower (κ → 0 is uniform on the circle).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (VonMises): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...); no `rsample`.

    Examples:
        >>> d = retrograd.distributions.VonMises(retrograd.tensor(0.0), retrograd.tensor(2.0))
        >>> d.log_prob(retrograd.tensor([0.0, 1.0]))
        tensor([-0.6619, -1.5813])
        >>> d.variance
        tensor(0.3022)
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, _rg.Size(), validate_args)

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        density = self.concentration * _rg.cos(value - self.loc)
        return density - math.log(2 * math.pi) - _log_bessel(self.concentration, 0)

    @lazy_property
    def _loc(self) -> Any:
        return self.loc.to(_rg.double)

    @lazy_property
    def _concentration(self) -> Any:
        return self.concentration.to(_rg.double)

    @lazy_property
    def _proposal_r(self) -> Any:
        kappa = self._concentration
        tau = 1 + (1 + 4 * kappa**2).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
        r = (1 + rho**2) / (2 * rho)
        return _rg.where(kappa < 1e-5, 1 / kappa + kappa, r)  # small κ: r's expansion around 0

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        """Best and Fisher's rejection sampler, in float64 (float32 can stall for tiny κ)."""
        with _rg.no_grad():
            shape = self._extended_shape(sample_shape)
            x = _rg.empty(shape, dtype=_rg.double, device=self.loc.device)
            kappa, r = self._concentration, self._proposal_r
            done = _rg.zeros(shape, dtype=_rg.bool, device=self.loc.device)
            while not done.all():
                u1, u2, u3 = _rg.rand((3, *shape), dtype=_rg.double, device=self.loc.device).unbind()
                z = _rg.cos(math.pi * u1)
                f = (1 + r * z) / (r + z)
                c = kappa * (r - f)
                accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
                if accept.any():  # (an accepted point is redrawn by a later round's acceptance, as in PyTorch)
                    x = _rg.where(accept, (u3 - 0.5).sign() * f.acos(), x)
                    done = done | accept
            return ((x + math.pi + self._loc) % (2 * math.pi) - math.pi).to(self.loc.dtype)

    def expand(self, batch_shape: Any, _instance: Any = None) -> VonMises:
        return expanded_copy(self, VonMises, batch_shape, _instance, {"loc": (), "concentration": ()})

    @property
    def mean(self) -> Any:
        """The circular mean: `loc`."""
        return self.loc

    @property
    def mode(self) -> Any:
        return self.loc

    @lazy_property
    def variance(self) -> Any:
        """The circular variance, 1 - I₁(κ)/I₀(κ)."""
        return 1 - (_log_bessel(self.concentration, 1) - _log_bessel(self.concentration, 0)).exp()
