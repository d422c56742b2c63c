"""Gradient clipping: clip_grad_norm_ and clip_grad_value_, as torch.nn.utils.clip_grad."""

from __future__ import annotations

import math
import warnings
from typing import Any

from ... import ops
from ...engine.grad_mode import no_grad
from ...ops.reduction.norms import vector_norm
from ...ops.shape.slicing import stack
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grad_norm", "clip_grads_with_norm_", "get_total_norm"]


def _as_list(parameters: Any) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(
    parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach: Any = None
) -> Tensor:
    """Scale gradients in place so their joint `norm_type`-norm is at most `max_norm`; returns the norm.

    As in PyTorch, the joint norm is the norm of the per-gradient norms, each in its gradient's dtype.

    Args:
        parameters (Tensor or iterable of Tensor): the parameters whose `.grad` to change (those with no grad are
            skipped).
        max_norm (float): the largest total norm allowed.
        norm_type (float or str): the p of the norm; 'inf' for the max norm (default 2).
        error_if_nonfinite (bool): raise RuntimeError if the total norm is nan or inf (default False).
        foreach (bool, optional): accepted for PyTorch compatibility; every path computes the same.

    Returns:
        Tensor: the total norm of the gradients before clipping, 0-d.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(2))
        >>> w.grad = retrograd.tensor([3.0, 4.0])
        >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    parameters_with_grads = [p for p in _as_list(parameters) if p.grad is not None]
    grads = [p.grad for p in parameters_with_grads if p.grad is not None]  # all of them (for mypy)
    if not grads:
        return ops.tensor(0.0)
    norm_type = float(norm_type)
    with no_grad():
        total = vector_norm(stack([vector_norm(g, norm_type) for g in grads]), norm_type)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    # the factor is a tensor, as PyTorch's: its float32 rounding, and no value read (meta grads)
    clip_grads_with_norm_(parameters_with_grads, max_norm, total)
    return total


def clip_grad_value_(parameters: Any, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value] in place.

    Args:
        parameters (Tensor or iterable of Tensor): the parameters whose `.grad` to change (those with no grad are
            skipped).
        clip_value (float): the largest absolute value allowed.
        foreach (bool, optional): accepted for PyTorch compatibility; every path computes the same.

    Returns:
        None: the gradients are changed in place.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(3))
        >>> w.grad = retrograd.tensor([-2.0, 0.5, 3.0])
        >>> nn.utils.clip_grad_value_(w, 1.0)
        >>> w.grad
        tensor([-1.0000,  0.5000,  1.0000])
    """
    clip_value = float(clip_value)  # as PyTorch: a tensor or numeric string works, anything else raises here
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def get_total_norm(tensors: Any, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: Any = None) -> Tensor:
    """The `norm_type`-norm of all `tensors` together (the norm of their norms).

    Args:
        tensors (Tensor or iterable of Tensor): the tensors (e.g. gradients); None entries are skipped.
        norm_type (float or str): the p of the norm; 'inf' for the max norm (default 2).
        error_if_nonfinite (bool): raise RuntimeError if the total norm is nan or inf (default False).
        foreach (bool, optional): accepted for PyTorch compatibility; every path computes the same.

    Returns:
        Tensor: the total norm, 0-d.

    Examples:
        >>> nn.utils.get_total_norm([retrograd.tensor([3.0]), retrograd.tensor([4.0])])
        tensor(5.)
        >>> nn.utils.get_total_norm([retrograd.tensor([3.0, -5.0])], norm_type='inf')
        tensor(5.)
    """
    tensors = _as_list(tensors)
    if not tensors:
        return ops.tensor(0.0)
    norm_type = float(norm_type)
    with no_grad():
        total = vector_norm(stack([vector_norm(t, norm_type) for t in tensors]), norm_type)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return total


def clip_grads_with_norm_(parameters: Any, max_norm: float, total_norm: Tensor, foreach: Any = None) -> None:
    """Scale the gradients in place by min(max_norm / (total_norm + 1e-6), 1).

    Args:
        parameters (Tensor or iterable of Tensor): the parameters whose `.grad` to change (those with no grad are
            skipped).
        max_norm (float): the largest total norm allowed.
        total_norm (Tensor): the gradients' total norm, e.g. from `get_total_norm`.
        foreach (bool, optional): accepted for PyTorch compatibility; every path computes the same.

    Returns:
        None: the gradients are scaled in place.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(2))
        >>> w.grad = retrograd.tensor([3.0, 4.0])
        >>> total = nn.utils.get_total_norm([w.grad])
        >>> nn.utils.clip_grads_with_norm_([w], 1.0, total)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    with no_grad():
        coef = ops.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))


def clip_grad_norm(parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: Any = None) -> Tensor:
    """Deprecated spelling of clip_grad_norm_ (warns as PyTorch does).

    Args:
        parameters (Tensor or iterable of Tensor): the parameters whose `.grad` to change (those with no grad are
            skipped).
        max_norm (float): the largest total norm allowed.
        norm_type (float or str): the p of the norm; 'inf' for the max norm (default 2).
        error_if_nonfinite (bool): raise RuntimeError if the total norm is nan or inf (default False).
        foreach (bool, optional): accepted for PyTorch compatibility; every path computes the same.

    Returns:
        Tensor: the total norm before clipping, as `clip_grad_norm_` (with a FutureWarning).

    Examples:
        >>> import warnings
        >>> w = nn.Parameter(retrograd.zeros(2))
        >>> w.grad = retrograd.tensor([3.0, 4.0])
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     total = nn.utils.clip_grad_norm([w], 2.5)
        >>> total, w.grad
        (tensor(5.), tensor([1.5000, 2.0000]))
    """
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
        FutureWarning, stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)
