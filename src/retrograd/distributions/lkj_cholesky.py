"""LKJ distribution over the Cholesky factors of correlation matrices."""

from __future__ import annotations

import math
from typing import Any

import retrograd as _rg

from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """LKJCholesky(dim, concentration): lower Cholesky factors L of correlation matrices L Lᵀ.

    The correlation matrix M = L Lᵀ has density proportional to det(M)^(η - 1), η the
    concentration: η = 1 is uniform over correlation matrices, η > 1 favours the identity,
    η < 1 strong correlations. Samples are built row by row (the onion method of Lewandowski,
    Kurowicka and Joe): row i's squared length off the diagonal is a Beta draw, its direction a
    normalised Gaussian; the diagonal entry completes the row to unit length. The draws are
    PyTorch's after the same `manual_seed`.

    Args:
        dim (int): the matrices' size, at least 2.
        concentration (float or Tensor): η > 0 (a tensor gives a batch of distributions).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (LKJCholesky): a distribution (`sample`, `log_prob`); events are (dim, dim) matrices.

    Examples:
        >>> d = retrograd.distributions.LKJCholesky(3, 2.0)
        >>> L = d.sample()
        >>> L.shape, retrograd.allclose((L @ L.T).diagonal(), retrograd.ones(3))
        (retrograd.Size([3, 3]), True)
        >>> d.log_prob(retrograd.eye(3))
        tensor(-0.6155)
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0, validate_args: bool | None = None) -> None:
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        # row i (0-based) off the diagonal has squared length ~ Beta(i/2, η + (dim - 2)/2 - (i - 1)/2);
        # row 0 has none (its Beta is drawn too, as in PyTorch, and then not used)
        steps = _rg.arange(dim - 1, dtype=self.concentration.dtype, device=self.concentration.device)
        steps = _rg.cat([steps.new_zeros((1,)), steps])
        marginal = self.concentration + 0.5 * (dim - 2)
        self._beta = Beta(steps + 0.5, marginal.unsqueeze(-1) - 0.5 * steps)
        super().__init__(self.concentration.size(), _rg.Size((dim, dim)), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LKJCholesky:
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = _rg.Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        squared_lengths = self._beta.sample(sample_shape).unsqueeze(-1)
        gaussian = _rg.randn(self._extended_shape(sample_shape), dtype=squared_lengths.dtype).tril(-1)
        directions = gaussian / gaussian.norm(dim=-1, keepdim=True)
        directions[..., 0, :].fill_(0.0)  # row 0 is (1, 0, ..., 0): its 0/0 directions are dropped
        w = squared_lengths.sqrt() * directions
        tiny = _rg.finfo(w.dtype).tiny
        diagonal = _rg.clamp(1 - (w**2).sum(dim=-1), min=tiny).sqrt()
        return w + _rg.diag_embed(diagonal)

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        # log det(M)^(η-1) plus the Jacobian of M -> L: Σᵢ (2(η - 1) + dim - i) log Lᵢᵢ for i = 2..dim
        diagonal = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = _rg.arange(2, self.dim + 1, device=self.concentration.device)
        powers = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = (powers * diagonal.log()).sum(dim=-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalizer = 0.5 * dm1 * math.log(math.pi) + _rg.mvlgamma(alpha - 0.5, dm1) - _rg.lgamma(alpha) * dm1
        return unnormalized - normalizer
