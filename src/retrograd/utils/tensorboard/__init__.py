"""`torch.utils.tensorboard`: `SummaryWriter`, writing TensorBoard event files without TensorBoard."""

from __future__ import annotations

from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
