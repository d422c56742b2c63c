"""Transforms acting on whole vectors or matrices: softmax, stick breaking, Cholesky factors, cat/stack."""

from __future__ import annotations

import math
from typing import Any

import retrograd as _rg
from retrograd.nn import functional as F

from . import constraints
from ._transform_base import Transform
from ._transform_elementwise import _clipped_sigmoid
from .utils import _sum_rightmost, tril_matrix_to_vec, vec_to_tril_matrix


def _too_few_dims(shape: Any, needed: int) -> None:
    if len(shape) < needed:
        raise ValueError("Too few dimensions on input")


class SoftmaxTransform(Transform):
    """Unconstrained vectors to the simplex by softmax (not bijective; the inverse is log).

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (SoftmaxTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.SoftmaxTransform()
        >>> t(retrograd.tensor([0.0, 0.0, 0.0, 0.0]))
        tensor([0.2500, 0.2500, 0.2500, 0.2500])
    """

    domain = constraints.real_vector
    codomain = constraints.simplex

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SoftmaxTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        probs = (x - x.max(-1, True)[0]).exp()
        return probs / probs.sum(-1, True)

    def _inverse(self, y: Any) -> Any:
        return y.log()

    def forward_shape(self, shape: Any) -> Any:
        _too_few_dims(shape, 1)
        return shape

    def inverse_shape(self, shape: Any) -> Any:
        _too_few_dims(shape, 1)
        return shape


class StickBreakingTransform(Transform):
    """R^(K-1) to the K-simplex by stick breaking (bijective), offset so zero maps to the centre.

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (StickBreakingTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.StickBreakingTransform()
        >>> t(retrograd.tensor([0.0, 0.0]))
        tensor([0.3333, 0.3333, 0.3333])
    """

    domain = constraints.real_vector
    codomain = constraints.simplex
    bijective = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StickBreakingTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        offset = x.shape[-1] + 1 - x.new_ones(x.shape[-1]).cumsum(-1)
        z = _clipped_sigmoid(x - offset.log())
        z_cumprod = (1 - z).cumprod(-1)
        return F.pad(z, [0, 1], value=1) * F.pad(z_cumprod, [1, 0], value=1)

    def _inverse(self, y: Any) -> Any:
        y_crop = y[..., :-1]
        offset = y.shape[-1] - y.new_ones(y_crop.shape[-1]).cumsum(-1)
        sf = 1 - y_crop.cumsum(-1)
        sf = _rg.clamp(sf, min=_rg.finfo(y.dtype).tiny)  # the remaining stick stays positive
        return y_crop.log() - sf.log() + offset.log()

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        offset = x.shape[-1] + 1 - x.new_ones(x.shape[-1]).cumsum(-1)
        x = x - offset.log()
        return (-x + F.logsigmoid(x) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape: Any) -> Any:
        _too_few_dims(shape, 1)
        return shape[:-1] + (shape[-1] + 1,)

    def inverse_shape(self, shape: Any) -> Any:
        _too_few_dims(shape, 1)
        return shape[:-1] + (shape[-1] - 1,)


class LowerCholeskyTransform(Transform):
    """Square matrices to lower-triangular ones with positive diagonal (exp of the diagonal).

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (LowerCholeskyTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.LowerCholeskyTransform()
        >>> t(retrograd.tensor([[0.0, 5.0], [2.0, 0.0]]))
        tensor([[1., 0.],
                [2., 1.]])
    """

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LowerCholeskyTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        return x.tril(-1) + x.diagonal(dim1=-2, dim2=-1).exp().diag_embed()

    def _inverse(self, y: Any) -> Any:
        return y.tril(-1) + y.diagonal(dim1=-2, dim2=-1).log().diag_embed()


class PositiveDefiniteTransform(Transform):
    """Square matrices to positive-definite ones: L Lᵀ with L from LowerCholeskyTransform.

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (PositiveDefiniteTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.PositiveDefiniteTransform()
        >>> t(retrograd.tensor([[0.0, 5.0], [2.0, 0.0]]))
        tensor([[1., 2.],
                [2., 5.]])
    """

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PositiveDefiniteTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        x = LowerCholeskyTransform()(x)
        return x @ x.mT

    def _inverse(self, y: Any) -> Any:
        y = _rg.linalg.cholesky(y)
        return LowerCholeskyTransform().inv(y)


class CorrCholeskyTransform(Transform):
    """Vectors of D(D-1)/2 reals to Cholesky factors of D×D correlation matrices (tanh, then stick breaking).

    Args:
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (CorrCholeskyTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> t = retrograd.distributions.CorrCholeskyTransform()
        >>> t(retrograd.tensor([0.0]))
        tensor([[1., 0.],
                [0., 1.]])
    """

    domain = constraints.real_vector
    codomain = constraints.corr_cholesky
    bijective = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CorrCholeskyTransform)

    __hash__ = Transform.__hash__

    def _call(self, x: Any) -> Any:
        x = _rg.tanh(x)
        eps = _rg.finfo(x.dtype).eps
        x = x.clamp(min=-1 + eps, max=1 - eps)
        r = vec_to_tril_matrix(x, diag=-1)
        z1m_cumprod_sqrt = (1 - r**2).sqrt().cumprod(-1)
        r = r + _rg.eye(r.shape[-1], dtype=r.dtype, device=r.device)
        return r * F.pad(z1m_cumprod_sqrt[..., :-1], [1, 0], value=1)

    def _inverse(self, y: Any) -> Any:
        y_cumsum = 1 - _rg.cumsum(y * y, dim=-1)
        y_cumsum_shifted = F.pad(y_cumsum[..., :-1], [1, 0], value=1)
        y_vec = tril_matrix_to_vec(y, diag=-1)
        y_cumsum_vec = tril_matrix_to_vec(y_cumsum_shifted, diag=-1)
        t = y_vec / y_cumsum_vec.sqrt()
        return (t.log1p() - t.neg().log1p()) / 2  # atanh

    def log_abs_det_jacobian(self, x: Any, y: Any, intermediates: Any = None) -> Any:
        y1m_cumsum = 1 - (y * y).cumsum(dim=-1)
        stick_breaking_logdet = 0.5 * tril_matrix_to_vec(y1m_cumsum, diag=-2).log().sum(-1)
        tanh_logdet = -2 * (x + F.softplus(-2 * x) - math.log(2.0)).sum(dim=-1)
        return stick_breaking_logdet + tanh_logdet

    def forward_shape(self, shape: Any) -> Any:
        _too_few_dims(shape, 1)
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattend lower-diagonal number")
        return shape[:-1] + (d, d)

    def inverse_shape(self, shape: Any) -> Any:
        _too_few_dims(shape, 2)
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        d = shape[-1]
        return shape[:-2] + (d * (d - 1) // 2,)


class CatTransform(Transform):
    """Applies each transform of `tseq` to its slice (of `lengths`) along `dim`, as torch.cat joins them.

    Args:
        tseq (sequence of Transform): one transform per slice.
        dim (int): the dim along which the slices lie (default 0).
        lengths (sequence of int, optional): each slice's size along dim (default 1 each).
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (CatTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> exp, tanh = retrograd.distributions.ExpTransform(), retrograd.distributions.TanhTransform()
        >>> t = retrograd.distributions.CatTransform([exp, tanh], dim=0, lengths=[1, 1])
        >>> t(retrograd.tensor([0.0, 0.0]))
        tensor([1., 0.])
    """

    def __init__(self, tseq: Any, dim: int = 0, lengths: Any = None, cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError("All elements of tseq must be Transform instances")
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.transforms)
        if len(self.lengths) != len(self.transforms):
            raise AssertionError(f"lengths ({len(self.lengths)}) must match transforms ({len(self.transforms)})")
        self.dim = dim

    @property
    def event_dim(self) -> int:
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        return sum(self.lengths)

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    def _check(self, t: Any, name: str) -> None:
        if not (-t.dim() <= self.dim < t.dim()):
            raise AssertionError(f"dim {self.dim} out of range for tensor with {t.dim()} dimensions")
        if t.size(self.dim) != self.length:
            raise AssertionError(f"{name}.size({self.dim}) = {t.size(self.dim)} must equal length {self.length}")

    def _slices(self, t: Any) -> list:
        out, start = [], 0
        for length in self.lengths:
            out.append(t.narrow(self.dim, start, length))
            start += length
        return out

    def _call(self, x: Any) -> Any:
        self._check(x, "x")
        return _rg.cat([t(s) for t, s in zip(self.transforms, self._slices(x))], dim=self.dim)

    def _inverse(self, y: Any) -> Any:
        self._check(y, "y")
        return _rg.cat([t.inv(s) for t, s in zip(self.transforms, self._slices(y))], dim=self.dim)

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        self._check(x, "x")
        self._check(y, "y")
        terms = []
        for t, xs, ys in zip(self.transforms, self._slices(x), self._slices(y)):
            term = t.log_abs_det_jacobian(xs, ys)
            if t.event_dim < self.event_dim:
                term = _sum_rightmost(term, self.event_dim - t.event_dim)
            terms.append(term)
        dim = self.dim - x.dim() if self.dim >= 0 else self.dim
        dim = dim + self.event_dim
        return _rg.cat(terms, dim=dim) if dim < 0 else sum(terms)

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self) -> Any:
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @constraints.dependent_property
    def codomain(self) -> Any:
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)


class StackTransform(Transform):
    """Applies each transform of `tseq` to its index along `dim`, as torch.stack joins them.

    Args:
        tseq (sequence of Transform): one transform per index along dim.
        dim (int): the dim along which to split and stack (default 0).
        cache_size (int): 1 remembers the last (x, y) pair, 0 caches nothing (default 0).

    Returns:
        (StackTransform): a transform: call it on x; `.inv` maps y back,
            `log_abs_det_jacobian(x, y)` gives log|dy/dx|.

    Examples:
        >>> exp, tanh = retrograd.distributions.ExpTransform(), retrograd.distributions.TanhTransform()
        >>> t = retrograd.distributions.StackTransform([exp, tanh], dim=0)
        >>> t(retrograd.tensor([1.0, 1.0]))
        tensor([2.7183, 0.7616])
    """

    def __init__(self, tseq: Any, dim: int = 0, cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError("All elements of tseq must be Transform instances")
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.dim = dim

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return StackTransform(self.transforms, self.dim, cache_size)

    def _slice(self, z: Any) -> list:
        return [z.select(self.dim, i) for i in range(z.size(self.dim))]

    def _check(self, t: Any) -> None:
        if not (-t.dim() <= self.dim < t.dim()):
            raise AssertionError(f"dim {self.dim} out of range for tensor with {t.dim()} dimensions")
        if t.size(self.dim) != len(self.transforms):
            raise AssertionError(f"size({self.dim}) = {t.size(self.dim)} must equal {len(self.transforms)}")

    def _call(self, x: Any) -> Any:
        self._check(x)
        return _rg.stack([t(s) for s, t in zip(self._slice(x), self.transforms)], dim=self.dim)

    def _inverse(self, y: Any) -> Any:
        self._check(y)
        return _rg.stack([t.inv(s) for s, t in zip(self._slice(y), self.transforms)], dim=self.dim)

    def log_abs_det_jacobian(self, x: Any, y: Any) -> Any:
        self._check(x)
        self._check(y)
        pairs = zip(self._slice(x), self._slice(y), self.transforms)
        return _rg.stack([t.log_abs_det_jacobian(xs, ys) for xs, ys, t in pairs], dim=self.dim)

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self) -> Any:
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @constraints.dependent_property
    def codomain(self) -> Any:
        return constraints.stack([t.codomain for t in self.transforms], self.dim)
