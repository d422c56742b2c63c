"""`torch._dynamo.eval_frame`: where PyTorch defines `OptimizedModule`, the module `torch.compile` returns."""

from __future__ import annotations

from ..compiler import OptimizedModule

__all__ = ["OptimizedModule"]
