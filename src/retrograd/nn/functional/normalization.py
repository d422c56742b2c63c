"""torch.nn.functional's normalisation: layer, batch, group, instance and RMS norm, and normalize.

layer_norm, batch_norm and group_norm run one fused kernel each
(`retrograd.ops.fused.normalization`): the statistics are computed once on arrays, and the
derivative is the closed form of the normalisation's backward. rms_norm and
normalize are composed of ops, as in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import ops as _ops
from ..._layouts import channels_last, channels_last_3d
from ...dtypes import bfloat16, float16, float32
from ...engine.grad_mode import no_grad
from ...engine.vmap_hook import unbatched_target
from ...ops import nn_support
from ...ops.kernels.arg_types import tensor_arg
from ...ops.kernels.out_arg import write_out
from ...ops.kernels.zero_batch import empty_result
from ...tensor import Tensor

_REDUCED = (float16, bfloat16)

__all__ = [
    "layer_norm", "batch_norm", "group_norm", "rms_norm", "instance_norm", "normalize", "local_response_norm",
]


def _mixed(input: Tensor, *params: Tensor | None) -> bool:
    """PyTorch's CPU norms' dtype rule; True for float16/bfloat16 input with float32 parameters, which
    are computed in float32 and give the input's dtype.

    The first given parameter decides: of another dtype than the input's, every parameter must be
    float32 and the input float16/bfloat16; of the input's, every parameter must be of it too.
    """
    given = [t for t in params if t is not None]
    if given and given[0].dtype != input.dtype:
        if any(t.dtype != float32 for t in given):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input.dtype not in _REDUCED:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return True
    for t in given:
        if t.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype.kind_name} but found {t.dtype.kind_name}")
    return False


def _float32(t: Tensor | None) -> Tensor | None:
    return None if t is None else t.float()


def _shape_str(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _floating(input: Tensor, kernel: str) -> None:
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.kind_name}'")


def _check_normalized_shape(name: str, input: Tensor, normalized_shape: Any, sep: str = ", ") -> tuple:
    if isinstance(normalized_shape, int) or not isinstance(normalized_shape, (tuple, list)):
        kind = type(normalized_shape).__name__
        raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of ints, not {kind}")
    shape = tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or input.shape[input.dim() - k:] != shape or input.dim() < k:
        expected = "[*" + sep + ", ".join(str(s) for s in shape) + "]"
        raise RuntimeError(
            f"Given normalized_shape={_shape_str(shape)}, expected input with shape {expected}, but got input of "
            f"size{_shape_str(input.shape)}"
        )
    return shape


def _check_affine(name: str, t: Tensor | None, shape: tuple) -> None:
    if t is not None and tuple(t.shape) != shape:
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
    """Normalise over the trailing `normalized_shape` dims, then `* weight + bias` (same shape).

    Args:
        input (Tensor): (*, *normalized_shape).
        normalized_shape (int or sequence of int): the trailing dims to normalise over.
        weight (Tensor, optional): a scale of shape `normalized_shape`.
        bias (Tensor, optional): a shift of shape `normalized_shape`.
        eps (float): added to the variance (or norm) for stability (default 1e-5).

    Returns:
        Tensor: `input`'s shape, zero mean and unit (biased) variance over the trailing dims before the affine map.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
        >>> F.layer_norm(x, (3,))
        tensor([[-1.2247,  0.0000,  1.2247],
                [ 0.0000,  0.0000,  0.0000]])
        >>> F.layer_norm(x, (3,), weight=retrograd.full((3,), 2.0), bias=retrograd.ones(3))
        tensor([[-1.4495,  1.0000,  3.4495],
                [ 1.0000,  1.0000,  1.0000]])
    """
    for name, position, value in (("input", 1, input), ("weight", 3, weight), ("bias", 4, bias)):
        if value is not None:
            tensor_arg("layer_norm", name, position, value)
    _mixed(input, weight, bias)  # PyTorch checks dtypes before shapes here; mixed ones run in the kernel
    shape = _check_normalized_shape("layer_norm", input, normalized_shape)
    _check_affine("weight", weight, shape)
    _check_affine("bias", bias, shape)
    _floating(input, "LayerNormKernelImpl")
    d = math.prod(shape)
    view = (input.numel() // d if d else 0, d)
    return nn_support.layer_norm(input, weight, bias, view, eps)


def _check_channels(name: str, t: Tensor | None, c: int) -> None:
    if t is not None and t.numel() != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def _update_running(running: Tensor | None, batch: Tensor, momentum: float) -> None:
    if running is not None:
        with no_grad():  # float16/bfloat16 statistics: updated in float32, rounded once (as PyTorch's CPU kernel)
            kept = running.float() if running.dtype in _REDUCED else running
            running.copy_(kept * (1 - momentum) + batch.reshape(running.shape) * momentum)


def _stats_dtype_differs(input: Tensor, *running: Tensor | None) -> bool:
    return any(r is not None and (r.dtype != input.dtype or r.device != input.device) for r in running)


def _batch_stats_norm(input: Tensor, w: Tensor | None, b: Tensor | None, running_mean: Tensor | None,
                      running_var: Tensor | None, momentum: float, eps: float) -> Tensor:
    """Batch norm by the batch's statistics; updates the running averages (unbiased variance)."""
    if any(unbatched_target(r, input) for r in (running_mean, running_var)):
        raise RuntimeError(
            "Batch norm got a batched tensor as input while the running_mean or running_var, which will be updated "
            "in place, were not batched.\nIf you are using a module and do not need eval mode, please set "
            "`track_running_stats` to be False.If you are using a prebuilt module and do not need eval mode, please "
            "see the functorch website for resources on how to patch your module to work with vmap"
        )
    shape = input.shape
    n = input.numel() // shape[1] if shape[1] else 0
    fast = None if _stats_dtype_differs(input, running_mean, running_var) else nn_support.cpu_batch_norm(
        input, w, b, eps)
    if fast is not None:  # float32/float64 on the CPU: PyTorch's own arithmetic, bit for bit
        _update_running(running_mean, fast[1], momentum)
        if running_var is not None:  # m·unbiased + (1-m)·running, fused in float32 (measured against PyTorch)
            unbiased = fast[2].reshape(running_var.shape) / max(n - 1, 1)
            with no_grad():
                if running_var.dtype == float32:
                    running_var.copy_((running_var * (1 - momentum)).add(unbiased, alpha=momentum))
                else:
                    running_var.copy_(running_var * (1 - momentum) + unbiased * momentum)
        return fast[0]
    dims = (0,) + tuple(range(2, len(shape)))
    out, mean, var = nn_support.normalize("batch", input, w, b, shape, dims, eps)
    if input.dtype in _REDUCED:  # the output uses the statistics rounded to the input's dtype, the update does not
        wide = input.detach().float()
        mean, var = wide.mean(dims, keepdim=True), wide.var(dims, unbiased=False, keepdim=True)
    _update_running(running_mean, mean, momentum)
    _update_running(running_var, var * (n / max(n - 1, 1)), momentum)
    return out


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
    """Normalise each channel of (N, C, *) by batch statistics (training) or the running ones.

    Args:
        input (Tensor): (N, C, *).
        running_mean (Tensor, optional): (C,), used in eval and updated in place in training.
        running_var (Tensor, optional): (C,), the same for the (unbiased) variance.
        weight (Tensor, optional): a per-channel scale, (C,).
        bias (Tensor, optional): a per-channel shift, (C,).
        training (bool): normalise by the batch's statistics (and update the running ones) instead of the running
            ones (default False).
        momentum (float): the running statistics' update weight (default 0.1).
        eps (float): added to the variance (or norm) for stability (default 1e-5).

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([[1.0], [3.0]])
        >>> mean, var = retrograd.zeros(1), retrograd.ones(1)
        >>> F.batch_norm(x, mean, var, training=True)
        tensor([[-1.0000],
                [ 1.0000]])
        >>> mean, var
        (tensor([0.2000]), tensor([1.1000]))
        >>> F.batch_norm(x, mean, var)
        tensor([[0.7628],
                [2.6697]])
    """
    shape = input.shape
    c = shape[1] if len(shape) > 1 else 1
    if training:
        n = shape[0] * math.prod(shape[2:])
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape!r}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _check_channels(name, t, c)
    _floating(input, "batch_norm")
    if input.numel() == 0:  # nothing to normalise; the running statistics stay as they are
        return empty_result(tuple(input.shape), input, weight, bias)
    if _mixed(input, weight, bias, running_mean, running_var):
        out = batch_norm(input.float(), running_mean, running_var, _float32(weight), _float32(bias), training, momentum,
                         eps)
        return out.to(input.dtype)
    nd = len(shape)
    # weight and bias (C,) as they are: the kernel's node leads to the parameters, as PyTorch's
    if training:
        return _batch_stats_norm(input, weight, bias, running_mean, running_var, momentum, eps)
    if running_mean is None or running_var is None:
        which = "running_mean" if running_mean is None else "running_var"
        raise RuntimeError(f"{which} must be defined in evaluation mode")
    kept = (1, c) + (1,) * (nd - 2)
    stats = (running_mean.reshape(kept).to(input.dtype), running_var.reshape(kept).to(input.dtype))
    dims = (0,) + tuple(range(2, nd))
    return nn_support.normalize("batch", input, weight, bias, shape, dims, eps, stats)[0]


def group_norm(
    input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5,
) -> Tensor:
    """Normalise (N, C, *) over groups of C / num_groups channels (and all of *), then per-channel affine.

    Args:
        input (Tensor): (N, C, *).
        num_groups (int): the number of groups; C must divide by it.
        weight (Tensor, optional): a per-channel scale, (C,).
        bias (Tensor, optional): a per-channel shift, (C,).
        eps (float): added to the variance (or norm) for stability (default 1e-5).

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([[1.0, 3.0, 0.0, 4.0]])
        >>> F.group_norm(x, 2)
        tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
        >>> F.group_norm(retrograd.randn(2, 6, 5), 3).shape
        retrograd.Size([2, 6, 5])
    """
    shape = input.shape
    if len(shape) < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {len(shape)}")
    c = shape[1]
    if c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{_shape_str(shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in input, but got "
                f"{name} of shape {_shape_str(t.shape)} and input of shape {_shape_str(shape)}"
            )
    mixed = _mixed(input, weight, bias)  # before the dtype's kernel check, as PyTorch
    _floating(input, "GroupNormKernelImpl")
    if mixed:
        return group_norm(input.float(), num_groups, _float32(weight), _float32(bias), eps).to(input.dtype)
    view = (shape[0], num_groups, input.numel() // (shape[0] * num_groups) if shape[0] * num_groups else 0)
    # weight and bias (C,) as they are: the kernel's node leads to the parameters, as PyTorch's
    return nn_support.normalize("group", input, weight, bias, view, (2,), eps)[0]


def rms_norm(
    input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None, eps: float | None = None,
) -> Tensor:
    """`input / √(mean(input²) + eps) * weight` over the trailing `normalized_shape` dims.

    Args:
        input (Tensor): (*, *normalized_shape).
        normalized_shape (sequence of int): the trailing dims to normalise over.
        weight (Tensor, optional): a scale of shape `normalized_shape`.
        eps (float, optional): added to the mean square; None uses the machine epsilon of the dtype
            it is computed in (float32's for float16 and bfloat16 input, which compute in float32).

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> F.rms_norm(retrograd.tensor([[3.0, 4.0]]), [2])
        tensor([[0.8485, 1.1314]])
        >>> F.rms_norm(retrograd.tensor([[3.0, 4.0]]), [2], weight=retrograd.tensor([1.0, 2.0]))
        tensor([[0.8485, 2.2627]])
    """
    shape = _check_normalized_shape("rms_norm", input, normalized_shape, sep="")
    _check_affine("weight", weight, shape)
    reduced = input.dtype in _REDUCED  # as PyTorch: float16 and bfloat16 computed in float32
    if eps is None:  # the epsilon of the dtype computed in (float32's for float16 and bfloat16)
        exact = input.dtype.is_floating_point and not reduced
        eps = float(np.finfo(input.dtype.np).eps) if exact else 1.1920928955078125e-07
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    x = input.float() if reduced else input
    out = x * (x.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    out = out if weight is None else out * weight
    out = out if out.dtype == input.dtype else out.to(input.dtype)  # the result in the input's dtype
    # as PyTorch, row-major unless the input is laid out channels-last (a transposed input's result is copied)
    return out if _row_major_or_channels_last(out) else out.contiguous()


def _row_major_or_channels_last(t: Tensor) -> bool:
    if t.is_contiguous():
        return True
    return (t.dim() == 4 and t.is_contiguous(memory_format=channels_last)) or (
        t.dim() == 5 and t.is_contiguous(memory_format=channels_last_3d)
    )


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
    """Normalise each (sample, channel) of (N, C, *) over *; running stats average over the batch.

    Args:
        input (Tensor): (N, C, *).
        running_mean (Tensor, optional): (C,), updated with the batch's average when given.
        running_var (Tensor, optional): (C,), the same for the variance.
        weight (Tensor, optional): a per-channel scale, (C,).
        bias (Tensor, optional): a per-channel shift, (C,).
        use_input_stats (bool): normalise by each instance's statistics; if False by the running ones (default True).
        momentum (float): the running statistics' update weight (default 0.1).
        eps (float): added to the variance (or norm) for stability (default 1e-5).

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0], [2.0, 2.0]]])
        >>> F.instance_norm(x)
        tensor([[[-1.0000,  1.0000],
                 [ 0.0000,  0.0000]]])
    """
    shape = input.shape
    if use_input_stats:
        n_spatial = math.prod(shape[2:])
        if n_spatial == 1:
            raise ValueError(
                f"Expected more than 1 spatial element when training, got input size {input.shape!r}"
            )
    # batch norm of a (1, N·C, *) view, with weights and running stats repeated over the batch
    n, c = shape[0], shape[1]
    folded = input.reshape((1, n * c) + shape[2:])
    # PyTorch's instance_norm takes running stats of any float dtype (only weight and bias are checked)
    rm = None if running_mean is None else running_mean.detach().repeat(n).to(input.dtype)
    rv = None if running_var is None else running_var.detach().repeat(n).to(input.dtype)
    w = None if weight is None else weight.repeat(n)
    b = None if bias is None else bias.repeat(n)
    out = batch_norm(folded, rm, rv, w, b, use_input_stats, momentum, eps).reshape(shape)
    for run, rep in ((running_mean, rm), (running_var, rv)):
        if run is not None and use_input_stats:
            with no_grad():
                run.copy_(rep.reshape(n, c).mean(0))
    return out


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Tensor:
    """`input / max(‖input‖_p over dim, eps)`.

    Args:
        input (Tensor): any shape.
        p (float): the norm's degree (default 2).
        dim (int or tuple): the dim(s) to normalise along (default 1).
        eps (float): the smallest divisor (default 1e-12).
        out (Tensor, optional): where to write the result.

    Returns:
        Tensor: `input`'s shape, each slice along `dim` of p-norm 1 (or 0 for zero slices).

    Examples:
        >>> F.normalize(retrograd.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])
        >>> F.normalize(retrograd.tensor([1.0, 3.0]), p=1, dim=0)
        tensor([0.2500, 0.7500])
    """
    if out is not None:
        return write_out(out, normalize, locals())
    denom = _ops.norm(input, p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """x / (k + alpha · mean of x² over `size` neighbouring channels)^beta, on (N, C, *) with * non-empty.

    Args:
        input (Tensor): (N, C, *) with at least one dim in *.
        size (int): the number of neighbouring channels to average over.
        alpha (float): the scale of the average (default 1e-4).
        beta (float): the exponent (default 0.75).
        k (float): the additive constant (default 1).

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([[[1.0], [2.0], [3.0]]])
        >>> F.local_response_norm(x, 2, alpha=1.0, beta=1.0)
        tensor([[[0.6667],
                 [0.5714],
                 [0.4000]]])
    """
    from .pooling import avg_pool2d, avg_pool3d
    from .vision import pad

    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    # the window runs over channels: pool a (channels, rest) image with a (size, 1) kernel
    squares = (input * input).unsqueeze(1)
    before, after = size // 2, (size - 1) // 2
    if dim == 3:
        div = avg_pool2d(pad(squares, (0, 0, before, after)), (size, 1), stride=1).squeeze(1)
    else:
        shape = input.shape
        div = squares.reshape(shape[0], 1, shape[1], shape[2], -1)
        div = avg_pool3d(pad(div, (0, 0, 0, 0, before, after)), (size, 1, 1), stride=1).squeeze(1)
        div = div.reshape(shape)
    return input / (div * alpha + k).pow(beta)
