"""`torch.utils.data._utils.worker`: what a DataLoader worker knows about itself, under
PyTorch's module path (the same objects as `retrograd.utils.data.get_worker_info`)."""

from .._worker import WorkerInfo, get_worker_info

__all__ = ["WorkerInfo", "get_worker_info"]
