"""Multivariate normal distribution, parameterised by covariance, precision or a Cholesky factor."""

from __future__ import annotations

import math
from typing import Any

import retrograd as _rg

from . import constraints
from .distribution import Distribution
from .utils import _standard_normal, lazy_property

__all__ = ["MultivariateNormal"]


def _batch_mv(bmat: Any, bvec: Any) -> Any:
    """Batched matrix-vector product with broadcasting."""
    return _rg.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)


def solve_lower(L: Any, rhs: Any) -> Any:
    """L⁻¹ rhs reading only L's lower triangle (the upper part gets no gradient), as PyTorch solves it."""
    return _rg.linalg.solve_triangular(L, rhs, upper=False)


def _batch_mahalanobis(bL: Any, bx: Any) -> Any:
    """xᵀ (L Lᵀ)⁻¹ x for lower-triangular L: the squared norm of L⁻¹ x."""
    return solve_lower(bL, bx.unsqueeze(-1)).squeeze(-1).pow(2).sum(-1)


def _lower_inverse(L: Any) -> Any:
    eye = _rg.eye(L.shape[-1], dtype=L.dtype, device=L.device)
    return solve_lower(L, eye).tril()


def _precision_to_scale_tril(P: Any) -> Any:
    """Cholesky factor of P⁻¹ without inverting P: flip, factor, flip back, invert a triangle."""
    Lf = _rg.linalg.cholesky(_rg.flip(P, (-2, -1)))
    L_inv = _rg.transpose(_rg.flip(Lf, (-2, -1)), -2, -1)
    return _lower_inverse(L_inv)


class MultivariateNormal(Distribution):
    """MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril); event_shape is loc's last dim.

    Args:
        loc (Tensor): the mean, shape `(..., K)`.
        covariance_matrix (Tensor, optional): the covariance, positive definite, shape `(..., K, K)`.
        precision_matrix (Tensor, optional): the inverse covariance instead.
        scale_tril (Tensor, optional): a lower-triangular Cholesky factor of the covariance instead
            (give exactly one of the three).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (MultivariateNormal): a distribution (`sample`, `log_prob`, `mean`, `variance`, ...).

    Examples:
        >>> cov = retrograd.tensor([[2.0, 0.0], [0.0, 0.5]])
        >>> d = retrograd.distributions.MultivariateNormal(retrograd.zeros(2), covariance_matrix=cov)
        >>> d.log_prob(retrograd.tensor([1.0, 1.0]))
        tensor(-3.0879)
        >>> d.event_shape, d.batch_shape
        (retrograd.Size([2]), retrograd.Size([]))
        >>> d.variance
        tensor([2.0000, 0.5000])
    """

    arg_constraints = {
        "loc": constraints.real_vector,
        "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite,
        "scale_tril": constraints.lower_cholesky,
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self,
        loc: Any,
        covariance_matrix: Any = None,
        precision_matrix: Any = None,
        scale_tril: Any = None,
        validate_args: bool | None = None,
    ) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        matrix, name = next(
            (m, n)
            for m, n in (
                (scale_tril, "scale_tril"),
                (covariance_matrix, "covariance_matrix"),
                (precision_matrix, "precision_matrix"),
            )
            if m is not None
        )
        if matrix.dim() < 2:
            raise ValueError(
                f"{name} matrix must be at least two-dimensional, with optional leading batch dimensions"
                if name == "scale_tril"
                else f"{name} must be at least two-dimensional, with optional leading batch dimensions"
            )
        batch_shape = _rg.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        setattr(self, name, matrix.expand(batch_shape + (-1, -1)))
        self.loc = loc.expand(batch_shape + (-1,))
        event_shape = self.loc.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = _rg.linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape: Any, _instance: Any = None) -> MultivariateNormal:
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = _rg.Size(batch_shape)
        loc_shape = batch_shape + self.event_shape
        cov_shape = batch_shape + self.event_shape + self.event_shape
        new.loc = self.loc.expand(loc_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, getattr(self, name).expand(cov_shape))
        super(MultivariateNormal, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> Any:
        return self._batch_shape + self._event_shape + self._event_shape

    @lazy_property
    def scale_tril(self) -> Any:
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Any:
        L = self._unbroadcasted_scale_tril
        return _rg.matmul(L, L.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Any:
        return _rg.cholesky_inverse(self._unbroadcasted_scale_tril).expand(self._matrix_shape())

    @property
    def mean(self) -> Any:
        return self.loc

    @property
    def mode(self) -> Any:
        return self.loc

    @property
    def variance(self) -> Any:
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        shape = self._extended_shape(sample_shape)
        eps = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def _half_log_det(self) -> Any:
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        M = _batch_mahalanobis(self._unbroadcasted_scale_tril, diff)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + M) - self._half_log_det()

    def entropy(self) -> Any:
        H = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        if len(self._batch_shape) == 0:
            return H
        return H.expand(self._batch_shape)
