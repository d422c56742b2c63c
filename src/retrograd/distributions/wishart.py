"""Wishart distribution over positive-definite matrices, sampled by Bartlett's decomposition."""

from __future__ import annotations

import math
import warnings
from numbers import Number
from typing import Any

import retrograd as _rg

from . import constraints
from .chi2 import Chi2
from .exp_family import ExponentialFamily
from .multivariate_normal import _precision_to_scale_tril
from .utils import lazy_property

__all__ = ["Wishart"]

_LOG_2 = math.log(2)


def _mvdigamma(x: Any, p: int) -> Any:
    """The multivariate digamma function: Σᵢ ψ(x - i/2), i = 0 … p - 1."""
    if not x.gt((p - 1) / 2).all():
        raise AssertionError("Wrong domain for multivariate digamma function.")
    halves = _rg.arange(p, dtype=x.dtype, device=x.device).div(2).expand(x.shape + (-1,))
    return _rg.digamma(x.unsqueeze(-1) - halves).sum(-1)


def _bartlett_chi2(df: Any, tril: Any, p: int, batch_shape: Any) -> Chi2:
    """The chi-squared laws of the Bartlett factor's diagonal: df, df - 1, ..., df - p + 1."""
    steps = _rg.arange(p, dtype=tril.dtype, device=tril.device)
    return Chi2(df=df.unsqueeze(-1) - steps.expand(batch_shape + (-1,)))


class Wishart(ExponentialFamily):
    """Wishart(df, covariance_matrix | precision_matrix | scale_tril): sums of `df` outer products of normals.

    A draw is L A Aᵀ Lᵀ with L the scale's Cholesky factor and A lower triangular, with square
    roots of chi-squared draws (df - i degrees of freedom) on its diagonal and standard normals
    below (Bartlett's decomposition). The draws are PyTorch's after the same `manual_seed`,
    including its redraw: PyTorch's `rsample` flags the positive-definite draws as singular,
    warns "Singular sample detected." and draws those once more.

    Args:
        df (float or Tensor): the degrees of freedom, greater than the matrices' size minus one.
        covariance_matrix (Tensor, optional): the scale matrix, positive definite, `(..., p, p)`.
        precision_matrix (Tensor, optional): its inverse instead.
        scale_tril (Tensor, optional): its lower Cholesky factor instead (give exactly one of the three).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Wishart): a distribution (`rsample`, `log_prob`, `entropy`, `mean`, `variance`, ...).

    Examples:
        >>> d = retrograd.distributions.Wishart(retrograd.tensor(4.0), covariance_matrix=retrograd.eye(2))
        >>> d.mean
        tensor([[4., 0.],
                [0., 4.]])
        >>> d.log_prob(retrograd.eye(2) * 3)
        tensor(-5.1256)
    """

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self) -> dict:
        return {
            "covariance_matrix": constraints.positive_definite,
            "precision_matrix": constraints.positive_definite,
            "scale_tril": constraints.lower_cholesky,
            "df": constraints.greater_than(self.event_shape[-1] - 1),
        }

    def __init__(
        self,
        df: Any,
        covariance_matrix: Any = None,
        precision_matrix: Any = None,
        scale_tril: Any = None,
        validate_args: bool | None = None,
    ) -> None:
        given = [(m, n) for m, n in ((covariance_matrix, "covariance_matrix"), (precision_matrix, "precision_matrix"),
                                    (scale_tril, "scale_tril")) if m is not None]  # fmt: skip
        if len(given) != 1:
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        param, name = given[0]
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional leading batch dimensions")
        if isinstance(df, Number):
            batch_shape = _rg.Size(param.shape[:-2])
            self.df = _rg.tensor(df, dtype=param.dtype, device=param.device)
        else:
            batch_shape = _rg.broadcast_shapes(param.shape[:-2], df.shape)
            self.df = df.expand(batch_shape)
        event_shape = param.shape[-2:]
        p = event_shape[-1]
        if self.df.le(p - 1).any():
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        setattr(self, name, param.expand(batch_shape + (-1, -1)))
        if self.df.lt(p).any():
            warnings.warn(
                "Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < ndim.",
                stacklevel=2,
            )
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = _rg.linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)
        self._dist_chi2 = _bartlett_chi2(self.df, self._unbroadcasted_scale_tril, p, batch_shape)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Wishart:
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = _rg.Size(batch_shape)
        matrix_shape = batch_shape + self.event_shape
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(matrix_shape)
        new.df = self.df.expand(batch_shape)
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, getattr(self, name).expand(matrix_shape))
        new._dist_chi2 = _bartlett_chi2(new.df, new._unbroadcasted_scale_tril, self.event_shape[-1], batch_shape)
        super(Wishart, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self) -> Any:
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self) -> Any:
        tril = self._unbroadcasted_scale_tril
        return (tril @ tril.transpose(-2, -1)).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self) -> Any:
        tril = self._unbroadcasted_scale_tril
        identity = _rg.eye(self._event_shape[-1], device=tril.device, dtype=tril.dtype)
        return _rg.cholesky_solve(identity, tril).expand(self._batch_shape + self._event_shape)

    @property
    def mean(self) -> Any:
        return self.df.view(self._batch_shape + (1, 1)) * self.covariance_matrix

    @property
    def mode(self) -> Any:
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor[factor <= 0] = math.nan  # no mode for df <= p + 1
        return factor.view(self._batch_shape + (1, 1)) * self.covariance_matrix

    @property
    def variance(self) -> Any:
        V = self.covariance_matrix
        diag_V = V.diagonal(dim1=-2, dim2=-1)
        return self.df.view(self._batch_shape + (1, 1)) * (V.pow(2) + _rg.einsum("...i,...j->...ij", diag_V, diag_V))

    def _bartlett_sampling(self, sample_shape: Any = _rg.Size()) -> Any:
        """L A Aᵀ Lᵀ: A's diagonal the chi draws (clamped above eps), standard normals below it."""
        p = self._event_shape[-1]
        roots = self._dist_chi2.rsample(sample_shape).sqrt().clamp(min=_rg.finfo(self.df.dtype).eps)
        noise = roots.diag_embed(dim1=-2, dim2=-1)
        i, j = _rg.tril_indices(p, p, offset=-1)
        below = _rg.randn(_rg.Size(sample_shape) + self._batch_shape + (p * (p - 1) // 2,), dtype=noise.dtype,
                          device=noise.device)  # fmt: skip
        noise[..., i, j] = below
        chol = self._unbroadcasted_scale_tril @ noise
        return chol @ chol.transpose(-2, -1)

    def rsample(self, sample_shape: Any = _rg.Size(), max_try_correction: int | None = None) -> Any:
        """Draws with gradients through df and the scale; redrawn where flagged, up to `max_try_correction` times.

        As in PyTorch, the flag is the support check itself (true for positive-definite draws), so
        the usual draw is redrawn once, with the warning "Singular sample detected.".
        """
        max_try_correction = 10 if max_try_correction is None else max_try_correction
        sample_shape = _rg.Size(sample_shape)
        sample = self._bartlett_sampling(sample_shape)
        flagged = self.support.check(sample)
        if self._batch_shape:
            flagged = flagged.amax(self._batch_dims)
        if flagged.any():
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):
                redrawn = self._bartlett_sampling(flagged[flagged].shape)
                sample[flagged] = redrawn
                still = ~self.support.check(redrawn)
                if self._batch_shape:
                    still = still.amax(self._batch_dims)
                flagged[flagged.clone()] = still
                if not flagged.any():
                    break
        return sample

    def log_prob(self, value: Any) -> Any:
        if self._validate_args:
            self._validate_sample(value)
        nu = self.df
        p = self._event_shape[-1]
        log_det_scale = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        trace_term = _rg.cholesky_solve(value, self._unbroadcasted_scale_tril).diagonal(dim1=-2, dim2=-1).sum(dim=-1)
        return (
            -nu * (p * _LOG_2 / 2 + log_det_scale)
            - _rg.mvlgamma(nu / 2, p=p)
            + (nu - p - 1) / 2 * _rg.linalg.slogdet(value).logabsdet
            - trace_term / 2
        )

    def entropy(self) -> Any:
        nu = self.df
        p = self._event_shape[-1]
        log_det_scale = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return (
            (p + 1) * (p * _LOG_2 / 2 + log_det_scale)
            + _rg.mvlgamma(nu / 2, p=p)
            - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p=p)
            + nu * p / 2
        )

    @property
    def _natural_params(self) -> tuple:
        nu = self.df
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (nu - p - 1) / 2

    def _log_normalizer(self, x: Any, y: Any) -> Any:
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-_rg.linalg.slogdet(-2 * x).logabsdet + _LOG_2 * p) + _rg.mvlgamma(
            y + (p + 1) / 2, p=p
        )
