"""BatchNorm1d/2d/3d, SyncBatchNorm, and the base they share with the instance norms (running statistics).

Parameters start at weight = 1, bias = 0; the buffers are running_mean = 0,
running_var = 1 and an int64 num_batches_tracked, as in PyTorch.

SyncBatchNorm lives here as in PyTorch (timm names `torch.nn.modules.batchnorm.SyncBatchNorm`):
on one process (or when `retrograd.distributed` is not initialised, or in eval) it is BatchNorm.
In training with several processes each channel's mean and variance are those of the whole,
concatenated batch: the sums they are made of are all-reduced, in forward and (their gradients)
in backward, so every rank computes what one process would on the full batch.
"""

from __future__ import annotations

from typing import Any

from ... import distributed as dist
from ... import dtypes as _dt
from ...autograd.function import Function
from ...engine.grad_mode import no_grad
from ...ops.creation import ones, zeros
from ...ops.from_data import tensor
from ...tensor import Tensor
from .. import functional as F
from .module import Module
from .normalization import register_affine, reset_affine

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


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


class _AllReduceSum(Function):
    """y = Σ over ranks of x (every rank gets it); dL/dx = Σ over ranks of dL/dy."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, group: Any) -> Tensor:
        ctx.group = group
        out = x.clone()
        dist.all_reduce(out, group=group)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Tensor, None]:
        total = grad.clone()
        dist.all_reduce(total, group=ctx.group)
        return total, None


class SyncBatchNorm(_BatchNorm):
    """Batch norm over (N, C, *) with statistics synchronised across `process_group` in training.

    Args:
        num_features (int): C, the input's channels.
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1); None for a plain running average.
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics and use them in eval mode (default True).
        process_group (ProcessGroup, optional): the processes to synchronise over (default: the whole world).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (SyncBatchNorm): a module mapping (N, C, *) to the same shape; outside a distributed run (or in eval mode)
            it is a plain batch norm.

    Examples:
        >>> sbn = nn.SyncBatchNorm(2)
        >>> sbn
        SyncBatchNorm(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
        >>> model = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.BatchNorm1d(2)))
        >>> model
        Sequential(
          (0): SyncBatchNorm(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
        )
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group: Any = None, device: Any = None, dtype: Any = None,
                 *, bias: bool = True) -> None:  # fmt: skip
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _world_size(self) -> int:
        if not (dist.is_available() and dist.is_initialized()):
            return 1
        return dist.get_world_size(self.process_group)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")
        if not self.training or self._world_size() == 1:
            return super().forward(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        return self._synced_batch_norm(input, factor)

    def _synced_batch_norm(self, input: Tensor, factor: float) -> Tensor:
        """Normalise by the mean and (biased) variance of the batch of all ranks; update running stats."""
        dims = [0] + list(range(2, input.dim()))
        kept = [1, input.size(1)] + [1] * (input.dim() - 2)
        count = tensor(float(input.numel() // input.size(1)), dtype=input.dtype, device=input.device)
        dist.all_reduce(count, group=self.process_group)
        total = float(count.item())
        if total <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape!r}")
        mean = _AllReduceSum.apply(input.sum(dim=dims), self.process_group) / total
        centred = input - mean.reshape(kept)
        var = _AllReduceSum.apply((centred * centred).sum(dim=dims), self.process_group) / total
        if self.running_mean is not None and self.running_var is not None:
            with no_grad():  # the running variance is the unbiased one, as BatchNorm keeps it
                self.running_mean.mul_(1 - factor).add_(mean.detach().to(self.running_mean.dtype) * factor)
                unbiased = var.detach().to(self.running_var.dtype) * (total / (total - 1))
                self.running_var.mul_(1 - factor).add_(unbiased * factor)
        out = centred * (var + self.eps).rsqrt().reshape(kept)
        if self.weight is not None:
            out = out * self.weight.reshape(kept)
        if self.bias is not None:
            out = out + self.bias.reshape(kept)
        return out

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """`module` with every BatchNorm*D in its tree replaced by a SyncBatchNorm sharing its tensors."""
        root = _as_sync(cls, module, process_group)
        stack = [root]
        while stack:  # parents are converted before their children, children replaced in place
            parent = stack.pop()
            for name, child in list(parent._modules.items()):
                if child is None:
                    continue
                converted = _as_sync(cls, child, process_group)
                parent._modules[name] = converted
                stack.append(converted)
        return root


def _as_sync(cls: type, module: Module, process_group: Any) -> Module:
    """A SyncBatchNorm holding `module`'s parameters and buffers, if it is a batch norm; else `module`."""
    if not isinstance(module, _BatchNorm):
        return module
    out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
              process_group)  # fmt: skip
    if module.affine:
        with no_grad():
            out.weight = module.weight
            out.bias = module.bias
    out.running_mean = module.running_mean
    out.running_var = module.running_var
    out.num_batches_tracked = module.num_batches_tracked
    out.training = module.training
    if hasattr(module, "qconfig"):
        out.qconfig = module.qconfig
    out._modules.update(module._modules)  # its children (a batch norm has none, a subclass may)
    return out
