"""InstanceNorm1d/2d/3d: each (sample, channel) normalised over its spatial dims.

As in PyTorch, they have no affine parameters and no running statistics unless asked.
"""

from __future__ import annotations

import warnings
from typing import Any

from ... import dtypes as _dt
from ...tensor import Tensor
from .. import functional as F
from .batchnorm import _NormBase

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_NormBase):
    _dims: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: _dt.dtype | None = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _apply_instance_norm(self, input: Tensor) -> Tensor:
        return F.instance_norm(
            input, self.running_mean, self.running_var, self.weight, self.bias,
            self.training or not self.track_running_stats,
            self.momentum if self.momentum is not None else 0.0, self.eps,
        )

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in self._dims:
            raise ValueError(f"expected {self._dims[0]}D or {self._dims[1]}D input (got {input.dim()}D input)")
        no_batch = self._dims[0]
        feature_dim = input.dim() - no_batch
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(
                    f"expected input's size at dim={feature_dim} to match num_features ({self.num_features}), "
                    f"but got: {input.size(feature_dim)}."
                )
            warnings.warn(
                f"input's size at dim={feature_dim} does not match num_features. You can silence this warning by "
                "not passing in num_features, which is not used because affine=False",
                UserWarning,
                stacklevel=2,
            )
        if input.dim() == no_batch:
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    """Instance norm of (N, C, L) or (C, L) inputs: each (sample, channel) over L.

    Args:
        num_features (int): C, the input's channels.
        eps (float): added to the variance (default 1e-5).
        momentum (float): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default False).
        track_running_stats (bool): keep running statistics and use them in eval mode (default False).
        device (str or device, optional): where the parameters and buffers live.
        dtype (dtype, optional): their dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (InstanceNorm1d): a module mapping (N, C, L) or (C, L) to the same shape, each (sample, channel) normalised
            over its own positions.

    Examples:
        >>> norm = nn.InstanceNorm1d(2)
        >>> norm
        InstanceNorm1d(2, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
        >>> norm(retrograd.tensor([[[1.0, 3.0], [2.0, 2.0]]]))
        tensor([[[-1.0000,  1.0000],
                 [ 0.0000,  0.0000]]])
    """

    _dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance norm of (N, C, H, W) or (C, H, W) inputs.

    Args:
        num_features (int): C, the input's channels.
        eps (float): added to the variance (default 1e-5).
        momentum (float): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default False).
        track_running_stats (bool): keep running statistics and use them in eval mode (default False).
        device (str or device, optional): where the parameters and buffers live.
        dtype (dtype, optional): their dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (InstanceNorm2d): a module mapping (N, C, H, W) or (C, H, W) to the same shape, each (sample, channel)
            normalised over its own positions.

    Examples:
        >>> norm = nn.InstanceNorm2d(2)
        >>> norm
        InstanceNorm2d(2, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
        >>> norm(retrograd.tensor([[[[1.0, 3.0]], [[2.0, 6.0]]]]))
        tensor([[[[-1.0000,  1.0000]],
        <BLANKLINE>
                 [[-1.0000,  1.0000]]]])
    """

    _dims = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance norm of (N, C, D, H, W) or (C, D, H, W) inputs.

    Args:
        num_features (int): C, the input's channels.
        eps (float): added to the variance (default 1e-5).
        momentum (float): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default False).
        track_running_stats (bool): keep running statistics and use them in eval mode (default False).
        device (str or device, optional): where the parameters and buffers live.
        dtype (dtype, optional): their dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (InstanceNorm3d): a module mapping (N, C, D, H, W) or (C, D, H, W) to the same shape, each (sample, channel)
            normalised over its own positions.

    Examples:
        >>> norm = nn.InstanceNorm3d(2)
        >>> norm
        InstanceNorm3d(2, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
        >>> norm(retrograd.tensor([[[[[1.0, 3.0]]], [[[2.0, 6.0]]]]]))
        tensor([[[[[-1.0000,  1.0000]]],
        <BLANKLINE>
        <BLANKLINE>
                 [[[-1.0000,  1.0000]]]]])
    """

    _dims = (4, 5)


