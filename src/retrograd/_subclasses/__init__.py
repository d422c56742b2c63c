"""`torch._subclasses`: only `fake_tensor.is_fake`, which libraries (kornia) call to skip
data-dependent fast paths while PyTorch traces with fake tensors. retrograd has no fake tensors."""

from . import fake_tensor

__all__ = ["fake_tensor"]
