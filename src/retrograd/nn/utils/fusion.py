"""Folding an eval-mode BatchNorm into the convolution or linear layer before it, as torch.nn.utils.fusion."""

from __future__ import annotations

import copy
from typing import Any

from ... import ops
from ...tensor import Tensor
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def _check_eval(layer: Any, bn: Any) -> None:
    if layer.training or bn.training:
        raise AssertionError("Fusion only for eval!")


def _check_running_stats(bn: Any) -> None:
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("bn.running_mean and bn.running_var must not be None")


def fuse_conv_bn_eval(conv: Any, bn: Any, transpose: bool = False) -> Any:
    """A copy of `conv` whose weight and bias include `bn`'s normalisation (both in eval mode).

    Args:
        conv (Module): a convolution in eval mode.
        bn (Module): the batch norm that follows it, in eval mode.
        transpose (bool): `conv` is a transposed convolution (default False).

    Returns:
        Module: a new convolution computing `bn(conv(x))` in one step.

    Examples:
        >>> conv, bn = nn.Conv2d(1, 2, 1).eval(), nn.BatchNorm2d(2).eval()
        >>> x = retrograd.randn(1, 1, 3, 3)
        >>> fused = nn.utils.fuse_conv_bn_eval(conv, bn)
        >>> retrograd.allclose(fused(x), bn(conv(x)), atol=1e-6)
        True
    """
    _check_eval(conv, bn)
    fused = copy.deepcopy(conv)
    _check_running_stats(bn)
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias, transpose
    )
    return fused


def fuse_conv_bn_weights(
    conv_w: Tensor,
    conv_b: Tensor | None,
    bn_rm: Tensor,
    bn_rv: Tensor,
    bn_eps: float,
    bn_w: Tensor | None,
    bn_b: Tensor | None,
    transpose: bool = False,
) -> tuple[Parameter, Parameter]:
    """w' = w · γ/√(var + eps) per output channel, b' = (b - mean) · γ/√(var + eps) + β.

    Args:
        conv_w (Tensor): the convolution weight, (C, ...) ((in, C, ...) when transposed).
        conv_b (Tensor, optional): its bias, (C,) (zeros when None).
        bn_rm (Tensor): the batch norm's running mean, (C,).
        bn_rv (Tensor): its running variance, (C,).
        bn_eps (float): its eps.
        bn_w (Tensor, optional): its weight γ, (C,) (ones when None).
        bn_b (Tensor, optional): its bias β, (C,) (zeros when None).
        transpose (bool): the weight is a transposed convolution's (default False).

    Returns:
        tuple: the fused (weight, bias) as Parameters.

    Examples:
        >>> mean, var = retrograd.tensor([1.0, 0.0]), retrograd.tensor([4.0, 1.0])
        >>> w, b = nn.utils.fuse_conv_bn_weights(retrograd.ones(2, 1, 1, 1), None, mean, var, 0.0, None, None)
        >>> w.flatten(), b
        (tensor([0.5000, 1.0000]), Parameter containing:
        tensor([-0.5000,  0.0000]))
    """
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    conv_b = ops.zeros_like(bn_rm) if conv_b is None else conv_b
    bn_w = ops.ones_like(bn_rm) if bn_w is None else bn_w
    bn_b = ops.zeros_like(bn_rm) if bn_b is None else bn_b
    inv_std = ops.rsqrt(bn_rv + bn_eps)
    channel = [1, -1] if transpose else [-1, 1]  # output channels lead, or come second when transposed
    shape = channel + [1] * (conv_w.dim() - 2)
    fused_w = (conv_w * (bn_w * inv_std).reshape(shape)).to(dtype=w_dtype)
    fused_b = ((conv_b - bn_rm) * inv_std * bn_w + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_linear_bn_eval(linear: Any, bn: Any) -> Any:
    """A copy of `linear` whose weight and bias include `bn`'s normalisation (both in eval mode).

    Args:
        linear (Linear): a linear layer in eval mode.
        bn (Module): the BatchNorm1d that follows it, in eval mode, over its out_features.

    Returns:
        Linear: a new Linear computing `bn(linear(x))` in one step.

    Examples:
        >>> lin, bn = nn.Linear(3, 2).eval(), nn.BatchNorm1d(2).eval()
        >>> x = retrograd.randn(4, 3)
        >>> fused = nn.utils.fuse_linear_bn_eval(lin, bn)
        >>> retrograd.allclose(fused(x), bn(lin(x)), atol=1e-6)
        True
    """
    _check_eval(linear, bn)
    fused = copy.deepcopy(linear)
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError(
            "To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got "
            f"linear.out_features={linear.out_features} and bn.num_features={bn.num_features}"
        )
    _check_running_stats(bn)
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias
    )
    return fused


def fuse_linear_bn_weights(
    linear_w: Tensor, linear_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor, bn_eps: float, bn_w: Tensor, bn_b: Tensor
) -> tuple[Parameter, Parameter]:
    """w' = w · γ/√(var + eps) per output row, b' = (b - mean) · γ/√(var + eps) + β.

    Args:
        linear_w (Tensor): the linear weight, (C, in).
        linear_b (Tensor, optional): its bias, (C,) (zeros when None).
        bn_rm (Tensor): the batch norm's running mean, (C,).
        bn_rv (Tensor): its running variance, (C,).
        bn_eps (float): its eps.
        bn_w (Tensor): the batch norm's weight γ, (C,).
        bn_b (Tensor): its bias β, (C,).

    Returns:
        tuple: the fused (weight, bias) as Parameters.

    Examples:
        >>> mean, var = retrograd.tensor([1.0, 0.0]), retrograd.tensor([4.0, 1.0])
        >>> gamma, beta = retrograd.ones(2), retrograd.zeros(2)
        >>> w, b = nn.utils.fuse_linear_bn_weights(retrograd.ones(2, 2), None, mean, var, 0.0, gamma, beta)
        >>> w, b
        (Parameter containing:
        tensor([[0.5000, 0.5000],
                [1.0000, 1.0000]]), Parameter containing:
        tensor([-0.5000,  0.0000]))
    """
    w_dtype = linear_w.dtype
    b_dtype = linear_b.dtype if linear_b is not None else w_dtype
    linear_b = ops.zeros_like(bn_rm) if linear_b is None else linear_b
    scale = bn_w * ops.rsqrt(bn_rv + bn_eps)
    fused_w = linear_w * scale.unsqueeze(-1).to(dtype=w_dtype)
    fused_b = ((linear_b - bn_rm) * scale + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b, linear_b.requires_grad)
