"""`torch.fx.passes`: `shape_prop`, the pass that records each node's tensor shape and dtype."""

from . import shape_prop

__all__ = ["shape_prop"]
