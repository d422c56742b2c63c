"""DataParallel: wrap a module for data parallelism on the devices of one process.

Without a CUDA device (or with one device) it is what PyTorch's is there: a wrapper that calls
the module (on one device, after moving the module and the inputs to it). Splitting a batch over
several GPUs of one process is not implemented: DistributedDataParallel is the way to scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import backend
from ...tensor import Tensor
from ..modules.module import Module

__all__ = ["DataParallel"]


def _device_index(d: Any) -> int:
    if isinstance(d, int):
        return d
    index = getattr(d, "index", None)
    if index is None and isinstance(d, str) and ":" in d:
        index = int(d.rpartition(":")[2])
    return 0 if index is None else int(index)


def _moved(value: Any, device: str) -> Any:
    """`value` with its tensors (also inside tuples, lists and dicts) on `device`."""
    if isinstance(value, Tensor):
        return value.to(device)
    if isinstance(value, (tuple, list)):
        return type(value)(_moved(v, device) for v in value)
    if isinstance(value, dict):
        return {k: _moved(v, device) for k, v in value.items()}
    return value


class DataParallel(Module):
    """Run `module` over the batch dim `dim` on `device_ids` (one device here; none without CUDA).

    Args:
        module (Module): the module to run.
        device_ids (sequence of int or device, optional): the devices to use (default: all visible CUDA devices).
        output_device (int or device, optional): where the outputs gather (default `device_ids[0]`).
        dim (int): the batch dim to split the inputs along (default 0).

    Returns:
        (DataParallel): a module whose call is `module`'s; without CUDA devices it is a plain wrapper.

    Examples:
        >>> net = nn.DataParallel(nn.Linear(2, 3))
        >>> net(retrograd.ones(4, 2)).shape
        retrograd.Size([4, 3])
        >>> type(net.module).__name__
        'Linear'
    """

    def __init__(self, module: Module, device_ids: Sequence[int | Any] | None = None,
                 output_device: int | Any | None = None, dim: int = 0) -> None:  # fmt: skip
        super().__init__()
        cuda = backend.cuda_backend()
        if cuda is None or cuda.device_count() == 0:  # as PyTorch without an accelerator: a plain wrapper
            self.module = module
            self.device_ids: list[int] = []
            return
        if device_ids is None:
            device_ids = list(range(cuda.device_count()))
        if output_device is None:
            output_device = device_ids[0]
        self.dim = dim
        self.module = module
        self.device_ids = [_device_index(d) for d in device_ids]
        self.output_device = _device_index(output_device)
        self.src_device_obj = f"cuda:{self.device_ids[0]}"
        if len(self.device_ids) == 1:
            self.module.to(self.src_device_obj)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        if len(self.device_ids) > 1:
            raise NotImplementedError(
                "retrograd's DataParallel runs on one device; pass device_ids=[i], or use DistributedDataParallel"
            )
        for t in list(self.module.parameters()) + list(self.module.buffers()):
            if str(t.device) != self.src_device_obj:
                raise RuntimeError(
                    f"module must have its parameters and buffers on device {self.src_device_obj} (device_ids[0]) "
                    f"but found one of them on device: {t.device}"
                )
        return self.module(*_moved(inputs, self.src_device_obj), **_moved(kwargs, self.src_device_obj))
