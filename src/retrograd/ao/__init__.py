"""`torch.ao`: PyTorch's architecture-optimisation namespace; here only `ao.quantization`'s stubs."""

from __future__ import annotations

from . import quantization

__all__ = ["quantization"]
