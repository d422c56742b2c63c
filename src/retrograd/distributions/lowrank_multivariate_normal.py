"""Multivariate normal with a low-rank-plus-diagonal covariance W Wᵀ + D."""

from __future__ import annotations

import math
from typing import Any

import retrograd as _rg

from . import constraints
from .distribution import Distribution
from .multivariate_normal import _batch_mahalanobis, _batch_mv, solve_lower
from .utils import _standard_normal, lazy_property

__all__ = ["LowRankMultivariateNormal"]


def _capacitance_tril(W: Any, D: Any) -> Any:
    """Cholesky factor of the capacitance C = I + Wᵀ D⁻¹ W, shape (..., m, m)."""
    m = W.shape[-1]
    K = _rg.matmul(W.mT / D.unsqueeze(-2), W) + _rg.eye(m, dtype=W.dtype, device=W.device)
    return _rg.linalg.cholesky(K)


def lowrank_logdet(W: Any, D: Any, C: Any) -> Any:
    """log|W Wᵀ + D| = log|C| + log|D| (matrix determinant lemma)."""
    return 2 * C.diagonal(dim1=-2, dim2=-1).log().sum(-1) + D.log().sum(-1)


def lowrank_mahalanobis(W: Any, D: Any, x: Any, C: Any) -> Any:
    """xᵀ (W Wᵀ + D)⁻¹ x = xᵀ D⁻¹ x − ‖L_C⁻¹ Wᵀ D⁻¹ x‖² (Woodbury)."""
    Wt_Dinv_x = _batch_mv(W.mT / D.unsqueeze(-2), x)
    return (x.pow(2) / D).sum(-1) - _batch_mahalanobis(C, Wt_Dinv_x)


class LowRankMultivariateNormal(Distribution):
    """LowRankMultivariateNormal(loc, cov_factor, cov_diag): covariance cov_factor @ cov_factorᵀ + diag(cov_diag).

    Determinants and inverses go through the (rank × rank) capacitance matrix
    I + Wᵀ D⁻¹ W, so a small rank keeps them cheap.

    Args:
        loc (Tensor): the mean, shape `batch_shape + (K,)`.
        cov_factor (Tensor): W, shape `batch_shape + (K, rank)`.
        cov_diag (Tensor): D's diagonal, positive, shape `batch_shape + (K,)`.
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (LowRankMultivariateNormal): a distribution (`rsample`, `log_prob`, `entropy`, `covariance_matrix`, ...).

    Examples:
        >>> d = retrograd.distributions.LowRankMultivariateNormal(
        ...     retrograd.zeros(2), retrograd.tensor([[1.0], [0.0]]), retrograd.ones(2))
        >>> d.covariance_matrix
        tensor([[2., 0.],
                [0., 1.]])
        >>> d.log_prob(retrograd.tensor([1.0, 1.0]))
        tensor(-2.9345)
    """

    arg_constraints = {
        "loc": constraints.real_vector,
        "cov_factor": constraints.independent(constraints.real, 2),
        "cov_diag": constraints.independent(constraints.positive, 1),
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Any, cov_factor: Any, cov_diag: Any, validate_args: bool | None = None) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = loc.shape[-1:]
        if cov_factor.dim() < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional leading batch dimensions")
        if cov_factor.shape[-2:-1] != event_shape:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m")
        if cov_diag.shape[-1:] != event_shape:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            loc_, self.cov_factor, diag_ = _rg.broadcast_tensors(loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1))
        except RuntimeError as e:
            raise ValueError(
                f"Incompatible batch shapes: loc {loc.shape}, cov_factor {cov_factor.shape}, cov_diag {cov_diag.shape}"
            ) from e
        self.loc = loc_[..., 0]
        self.cov_diag = diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)
        super().__init__(self.loc.shape[:-1], event_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LowRankMultivariateNormal:
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        loc_shape = _rg.Size(batch_shape) + self.event_shape
        new.loc = self.loc.expand(loc_shape)
        new.cov_diag = self.cov_diag.expand(loc_shape)
        new.cov_factor = self.cov_factor.expand(loc_shape + self.cov_factor.shape[-1:])
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        super(LowRankMultivariateNormal, new).__init__(_rg.Size(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> Any:
        return self._batch_shape + self._event_shape + self._event_shape

    @property
    def mean(self) -> Any:
        return self.loc

    @property
    def mode(self) -> Any:
        return self.loc

    @lazy_property
    def variance(self) -> Any:
        var = self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag
        return var.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def scale_tril(self) -> Any:
        # W Wᵀ + D = D^½ (I + D^-½ W Wᵀ D^-½) D^½; the middle factor's eigenvalues are >= 1,
        # so its Cholesky factorisation is well conditioned
        n = self._event_shape[0]
        sqrt_d = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        scaled_w = self._unbroadcasted_cov_factor / sqrt_d
        K = _rg.matmul(scaled_w, scaled_w.mT) + _rg.eye(n, dtype=sqrt_d.dtype, device=sqrt_d.device)
        return (sqrt_d * _rg.linalg.cholesky(K)).expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Any:
        W = self._unbroadcasted_cov_factor
        return (_rg.matmul(W, W.mT) + _rg.diag_embed(self._unbroadcasted_cov_diag)).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Any:
        # (W Wᵀ + D)⁻¹ = D⁻¹ − Aᵀ A with A = L_C⁻¹ Wᵀ D⁻¹ (Woodbury)
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        A = solve_lower(self._capacitance_tril, W.mT / D.unsqueeze(-2))
        precision = _rg.diag_embed(D.reciprocal()) - _rg.matmul(A.mT, A)
        return precision.expand(self._matrix_shape())

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        w_shape = shape[:-1] + self.cov_factor.shape[-1:]
        eps_w = _standard_normal(w_shape, dtype=self.loc.dtype, device=self.loc.device)
        eps_d = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return self.loc + _batch_mv(W, eps_w) + D.sqrt() * eps_d

    def _log_det(self) -> Any:
        return lowrank_logdet(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag, self._capacitance_tril)

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        M = lowrank_mahalanobis(W, D, value - self.loc, self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + self._log_det() + M)

    def entropy(self) -> Any:
        H = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        if len(self._batch_shape) == 0:
            return H
        return H.expand(self._batch_shape)
