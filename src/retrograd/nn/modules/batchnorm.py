"""BatchNorm1d/2d/3d, and the base they share with the instance norms (running statistics).

Parameters start at weight = 1, bias = 0; the buffers are running_mean = 0,
running_var = 1 and an int64 num_batches_tracked, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from ... import dtypes as _dt
from ...ops.creation import ones, zeros
from ...ops.from_data import tensor
from ...tensor import Tensor
from .. import functional as F
from .module import Module
from .normalization import register_affine, reset_affine

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _NormBase(Module):
    """Common base of batch and instance norm: affine parameters and running statistics."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: _dt.dtype | None = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        register_affine(self, (num_features,), affine, bias, device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=_dt.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """running_mean = 0, running_var = 1, num_batches_tracked = 0."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics and set weight = 1, bias = 0."""
        self.reset_running_stats()
        if self.affine:
            reset_affine(self)

    _version = 2  # version 2 added num_batches_tracked

    def _load_from_state_dict(self, state_dict: Any, prefix: str, local_metadata: dict, strict: bool,
                              missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:
        # a checkpoint from before version 2 has no num_batches_tracked: it counts as 0 (or keeps ours)
        version = local_metadata.get("version")
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            ours = self.num_batches_tracked
            state_dict[key] = ours if ours is not None else tensor(0, dtype=_dt.int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    _dims: tuple = ()

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() not in self._dims:
            want = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"expected {want} input (got {input.dim()}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        # batch statistics in training, and in eval when there are no running statistics
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        buffers = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if buffers else None,
            self.running_var if buffers else None,
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
        )


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs, per channel C.

    Args:
        num_features (int): C, the input's channels.
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1); None for a plain running average.
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics and use them in eval mode (default True).
        device (str or device, optional): where the parameters and buffers live.
        dtype (dtype, optional): their dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (BatchNorm1d): a module mapping (N, C) or (N, C, L) to the same shape; training mode normalises by the
            batch's statistics and updates `running_mean` / `running_var`, eval mode uses them.

    Examples:
        >>> bn = nn.BatchNorm1d(2)
        >>> bn
        BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
        >>> y = bn(retrograd.tensor([[1.0, 2.0], [3.0, 6.0]]))
        >>> y
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]], grad_fn=<NativeBatchNormBackward0>)
        >>> bn.running_mean, bn.running_var
        (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) inputs, per channel C.

    In training, each channel is normalised with the batch's mean and (biased) variance, and the
    running statistics are updated (`running = (1 - momentum)·running + momentum·batch`, with the
    unbiased variance); in `eval()` mode the running statistics are used.

    Args:
        num_features (int): the number of channels, C.
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1); None for
            a plain running average.
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too (default True).

    Returns:
        (BatchNorm2d): a module; the output has the input's shape.

    Examples:
        >>> bn = nn.BatchNorm2d(2)
        >>> x = retrograd.arange(8.0).reshape(2, 2, 1, 2)
        >>> bn(x).mean(dim=(0, 2, 3)).abs().max() < 1e-6
        tensor(True)
        >>> bn.running_mean
        tensor([0.2500, 0.4500])
    """

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W) inputs, per channel C.

    Args:
        num_features (int): C, the input's channels.
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1); None for a plain running average.
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics and use them in eval mode (default True).
        device (str or device, optional): where the parameters and buffers live.
        dtype (dtype, optional): their dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (BatchNorm3d): a module mapping (N, C, D, H, W) to the same shape; training mode normalises by the batch's
            statistics and updates `running_mean` / `running_var`, eval mode uses them.

    Examples:
        >>> bn = nn.BatchNorm3d(2)
        >>> bn
        BatchNorm3d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
        >>> y = bn(retrograd.arange(8.0).reshape(2, 2, 1, 1, 2))
        >>> y.flatten()
        tensor([-1.2127, -0.7276, -1.2127, -0.7276,  0.7276,  1.2127,  0.7276,  1.2127],
               grad_fn=<ViewBackward0>)
        >>> bn.running_mean, bn.running_var
        (tensor([0.2500, 0.4500]), tensor([1.4667, 1.4667]))
    """

    _dims = (5,)

