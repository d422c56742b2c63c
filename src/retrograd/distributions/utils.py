"""Helpers shared by the distributions: broadcasting parameters, logits <-> probs, lazy properties."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from functools import update_wrapper
from typing import Any

import retrograd as _rg
from retrograd.nn import functional as F

__all__ = [
    "broadcast_all",
    "clamp_probs",
    "lazy_property",
    "logits_to_probs",
    "probs_to_logits",
    "tril_matrix_to_vec",
    "vec_to_tril_matrix",
]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def broadcast_all(*values: Any) -> tuple:
    """Broadcast tensors and numbers together; numbers become tensors of the first tensor's dtype.

    With no tensor among `values`, numbers take the default dtype.
    """
    if not all(isinstance(v, (_rg.Tensor, numbers.Number)) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, _rg.Tensor) for v in values):
        options: dict[str, Any] = {"dtype": _rg.get_default_dtype()}
        for value in values:
            if isinstance(value, _rg.Tensor):
                options = {"dtype": value.dtype, "device": value.device}
                break
        values = tuple(v if isinstance(v, _rg.Tensor) else _rg.tensor(v, **options) for v in values)
    return tuple(_rg.broadcast_tensors(*values))


def _standard_normal(shape: Any, dtype: Any, device: Any) -> Any:
    """Standard normal draws from the global generator (the same stream as PyTorch's `normal_`)."""
    return _rg.empty(shape, dtype=dtype, device=device).normal_()


def _sum_rightmost(value: Any, dim: int) -> Any:
    """Sum out the `dim` rightmost dimensions of `value`."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1)


def logits_to_probs(logits: Any, is_binary: bool = False) -> Any:
    """Probabilities from logits: sigmoid for binary, softmax over the last dim otherwise."""
    if is_binary:
        return _rg.sigmoid(logits)
    return F.softmax(logits, dim=-1)


def clamp_probs(probs: Any) -> Any:
    """Clamp probabilities into [eps, 1 - eps] of their dtype."""
    eps = _rg.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Any, is_binary: bool = False) -> Any:
    """Logits from probabilities (log-odds for binary, log-probabilities otherwise)."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return _rg.log(ps_clamped) - _rg.log1p(-ps_clamped)
    return _rg.log(ps_clamped)


class lazy_property:
    """A non-data descriptor that computes an attribute on first access and stores it on the instance."""

    def __init__(self, wrapped: Callable[[Any], Any]) -> None:
        self.wrapped = wrapped
        update_wrapper(self, wrapped)  # type: ignore[arg-type]

    def __get__(self, instance: Any, obj_type: Any = None) -> Any:
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with _rg.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What a lazy_property looks like on the class: a property to documentation tools, lazy to validation."""

    def __init__(self, wrapped: Callable[[Any], Any]) -> None:
        property.__init__(self, wrapped)


def _tril_mask(n: int, diag: int, device: Any) -> Any:
    arange = _rg.arange(n, device=device)
    return arange < arange.view(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat: Any, diag: int = 0) -> Any:
    """The lower-triangular entries (below diagonal `diag`) of a (batch of) matrix, in row order."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag, mat.device)]


def vec_to_tril_matrix(vec: Any, diag: int = 0) -> Any:
    """Inverse of `tril_matrix_to_vec`: a lower-triangular matrix filled in row order from `vec`."""
    # D is the positive root of D² + (1 + 2·diag)·D - |diag|·(diag + 1) - 2·len = 0
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    eps = _rg.finfo(vec.dtype).eps
    if round(n) - n > eps:
        raise ValueError(
            f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
            + "the lower triangular part of a square D x D matrix."
        )
    n = round(n)
    mask = _tril_mask(n, diag, vec.device)
    flat_index = _rg.nonzero(mask.reshape(-1)).reshape(-1)
    flat = vec.new_zeros(vec.shape[:-1] + (n * n,))
    flat = flat.index_add(-1, flat_index, vec)
    return flat.reshape(vec.shape[:-1] + (n, n))
