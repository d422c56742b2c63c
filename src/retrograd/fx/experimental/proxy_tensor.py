"""`torch.fx.experimental.proxy_tensor.get_proxy_mode`: None, since retrograd never traces with
proxy tensors (kornia asks before it takes a data-dependent early exit)."""

from __future__ import annotations

__all__ = ["get_proxy_mode"]


def get_proxy_mode() -> None:
    """The active proxy-tensor tracing mode: None, as outside `make_fx` (retrograd has no FX tracing).

    Examples:
        >>> from retrograd.fx.experimental.proxy_tensor import get_proxy_mode
        >>> print(get_proxy_mode())
        None
    """
    return None
