"""PyTorch's `torch.distributed.constants`: the default timeouts of a process group."""

from __future__ import annotations

from datetime import timedelta

from .process_group import default_pg_timeout

__all__ = ["default_pg_nccl_timeout", "default_pg_timeout"]

# NCCL is never built in: PyTorch's CPU wheels say so with None.
default_pg_nccl_timeout: timedelta | None = None
