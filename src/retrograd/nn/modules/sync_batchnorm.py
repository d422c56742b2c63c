"""SyncBatchNorm: batch norm whose batch statistics span every process of a process group.

On one process (or when `retrograd.distributed` is not initialised, or in eval) it is BatchNorm.
In training with several processes each channel's mean and variance are those of the whole,
concatenated batch: the sums they are made of are all-reduced, in forward and (their gradients)
in backward, so every rank computes what one process would on the full batch.
"""

from __future__ import annotations

from typing import Any

from ... import distributed as dist
from ...autograd.function import Function
from ...engine.grad_mode import no_grad
from ...ops.from_data import tensor
from ...tensor import Tensor
from .batchnorm import _BatchNorm
from .module import Module

__all__ = ["SyncBatchNorm"]


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
