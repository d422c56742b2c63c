"""`torch.utils.hooks`: the handle that `register_*_hook` returns, for code that names its type."""

from __future__ import annotations

from ..engine.graph import RemovableHandle

__all__ = ["RemovableHandle"]
