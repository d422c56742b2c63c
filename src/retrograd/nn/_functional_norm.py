"""Normalisation functions of torch.nn.functional: layer, batch, group, instance and RMS norm.

Part of `functional_layers` (split for size). layer_norm, batch_norm and
group_norm run one fused kernel each (`retrograd.ops._norm`): the statistics are
computed once on arrays, and the derivative is the closed form of the
normalisation's backward. rms_norm is composed of ops, as in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import backend
from ..engine.grad_mode import no_grad
from ..ops import _norm
from ..ops._linalg_util import TYPE_NAME
from ..ops._zero_batch import empty_result
from ..tensor import Tensor

__all__ = ["layer_norm", "batch_norm", "group_norm", "rms_norm", "instance_norm"]


def _check_params(input: Tensor, *params: Tensor | None) -> None:
    """PyTorch's CPU kernels want weight and bias in the input's dtype."""
    for t in params:
        if t is not None and t._data.dtype != input._data.dtype and input._data.dtype.kind == "f":
            kind = TYPE_NAME[input.dtype.name]
            raise RuntimeError(f"mixed dtype (CPU): expect parameter to have scalar type of {kind}")


def _shape_str(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _floating(input: Tensor, kernel: str) -> None:
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{TYPE_NAME[input.dtype.name]}'")


def _check_normalized_shape(name: str, input: Tensor, normalized_shape: Any, sep: str = ", ") -> tuple:
    if isinstance(normalized_shape, int) or not isinstance(normalized_shape, (tuple, list)):
        kind = type(normalized_shape).__name__
        raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of ints, not {kind}")
    shape = tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or input._data.shape[input._data.ndim - k:] != shape or input._data.ndim < k:
        expected = "[*" + sep + ", ".join(str(s) for s in shape) + "]"
        raise RuntimeError(
            f"Given normalized_shape={_shape_str(shape)}, expected input with shape {expected}, but got input of "
            f"size{_shape_str(input.shape)}"
        )
    return shape


def _check_affine(name: str, t: Tensor | None, shape: tuple) -> None:
    if t is not None and tuple(t._data.shape) != shape:
        raise RuntimeError(
            f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
            f"{_shape_str(t.shape)} and normalized_shape = {_shape_str(shape)}"
        )


def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the trailing `normalized_shape` dims, then `* weight + bias` (same shape)."""
    shape = _check_normalized_shape("layer_norm", input, normalized_shape)
    _check_affine("weight", weight, shape)
    _check_affine("bias", bias, shape)
    _floating(input, "LayerNormKernelImpl")
    _check_params(input, weight, bias)
    xp = backend.namespace(input._data)
    d = math.prod(shape)
    view = (input._data.size // d if d else 0, d)
    dims = (1,)
    mean, var = _norm.moments(xp, input._data, view, dims)
    return _norm.normalize("layer", input, weight, bias, view, dims, mean, _norm.rstd_of(xp, var, eps), eps)


def _channel_param(t: Tensor | None, nd: int) -> Tensor | None:
    """A per-channel (C,) tensor shaped (C, 1, ...) to broadcast against (N, C, *)."""
    if t is None or nd <= 2:
        return t
    return t.reshape(t._data.shape + (1,) * (nd - 2))


def _check_channels(name: str, t: Tensor | None, c: int) -> None:
    if t is not None and t._data.size != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")


def _update_running(running: Tensor | None, batch: Any, momentum: float) -> None:
    if running is not None:
        with no_grad():
            new = running._data * (1 - momentum) + batch.reshape(running._data.shape) * momentum
            running._data[...] = new.astype(running._data.dtype, copy=False)
            running._version.value += 1


def _batch_stats(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, momentum: float,
                 eps: float) -> tuple:
    """Batch mean and rstd (kept dims); updates the running averages (unbiased variance)."""
    xp = backend.namespace(input._data)
    shape = input._data.shape
    dims = (0,) + tuple(range(2, len(shape)))
    mean, var = _norm.moments(xp, input._data, shape, dims)
    n = input._data.size // shape[1] if shape[1] else 0
    _update_running(running_mean, mean, momentum)
    _update_running(running_var, var * (n / max(n - 1, 1)), momentum)
    return shape, dims, mean, _norm.rstd_of(xp, var, eps)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of (N, C, *) by batch statistics (training) or the running ones."""
    shape = input._data.shape
    c = shape[1] if len(shape) > 1 else 1
    if training:
        n = shape[0] * math.prod(shape[2:])
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape!r}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _check_channels(name, t, c)
    _floating(input, "batch_norm")
    _check_params(input, weight, bias)
    if input._data.size == 0:  # nothing to normalise; the running statistics stay as they are
        return empty_result(tuple(input._data.shape), input, weight, bias)
    nd = len(shape)
    w, b = _channel_param(weight, nd), _channel_param(bias, nd)
    if training:
        view, dims, mean, rstd = _batch_stats(input, running_mean, running_var, momentum, eps)
        return _norm.normalize("batch", input, w, b, view, dims, mean, rstd, eps)
    if running_mean is None or running_var is None:
        which = "running_mean" if running_mean is None else "running_var"
        raise RuntimeError(f"{which} must be defined in evaluation mode")
    xp = backend.namespace(input._data)
    kept = (1, c) + (1,) * (nd - 2)
    mean = running_mean._data.reshape(kept).astype(input._data.dtype, copy=False)
    var = running_var._data.reshape(kept).astype(input._data.dtype, copy=False)
    dims = (0,) + tuple(range(2, nd))
    return _norm.normalize("batch", input, w, b, shape, dims, mean, _norm.rstd_of(xp, var, eps), eps, fixed=True)


def group_norm(
    input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5,
) -> Tensor:
    """Normalise (N, C, *) over groups of C / num_groups channels (and all of *), then per-channel affine."""
    shape = input._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {len(shape)}")
    c = shape[1]
    if c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{_shape_str(shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t._data.ndim != 1 or t._data.size != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in input, but got "
                f"{name} of shape {_shape_str(t.shape)} and input of shape {_shape_str(shape)}"
            )
    _floating(input, "GroupNormKernelImpl")
    _check_params(input, weight, bias)
    xp = backend.namespace(input._data)
    view = (shape[0], num_groups, input._data.size // (shape[0] * num_groups) if shape[0] * num_groups else 0)
    mean, var = _norm.moments(xp, input._data, view, (2,))
    nd = len(shape)
    w, b = _channel_param(weight, nd), _channel_param(bias, nd)
    return _norm.normalize("group", input, w, b, view, (2,), mean, _norm.rstd_of(xp, var, eps), eps)


def rms_norm(
    input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None, eps: float | None = None,
) -> Tensor:
    """`input / √(mean(input²) + eps) * weight` over the trailing `normalized_shape` dims."""
    shape = _check_normalized_shape("rms_norm", input, normalized_shape, sep="")
    _check_affine("weight", weight, shape)
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps) if input._data.dtype.kind == "f" else 1.1920928955078125e-07
    dims = tuple(range(input._data.ndim - len(shape), input._data.ndim))
    out = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each (sample, channel) of (N, C, *) over *; running stats average over the batch."""
    shape = input._data.shape
    if use_input_stats:
        n_spatial = math.prod(shape[2:])
        if n_spatial == 1:
            raise ValueError(
                f"Expected more than 1 spatial element when training, got input size {input.shape!r}"
            )
    # batch norm of a (1, N·C, *) view, with weights and running stats repeated over the batch
    n, c = shape[0], shape[1]
    folded = input.reshape((1, n * c) + shape[2:])
    rm = None if running_mean is None else Tensor._make(np.tile(running_mean._data, n))
    rv = None if running_var is None else Tensor._make(np.tile(running_var._data, n))
    w = None if weight is None else weight.repeat(n)
    b = None if bias is None else bias.repeat(n)
    out = batch_norm(folded, rm, rv, w, b, use_input_stats, momentum, eps).reshape(shape)
    for run, rep in ((running_mean, rm), (running_var, rv)):
        if run is not None and use_input_stats:
            with no_grad():
                run._data[...] = rep._data.reshape(n, c).mean(axis=0).astype(run._data.dtype)
                run._version.value += 1
    return out
