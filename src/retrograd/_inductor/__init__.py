"""`torch._inductor`: only its `config`, which scripts set before `torch.compile` (PyTorch's
code generator itself has no counterpart: `retrograd.compile` writes NumPy code)."""

from __future__ import annotations

from . import config

__all__ = ["config"]
