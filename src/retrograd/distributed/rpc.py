"""`torch.distributed.rpc`, as in a PyTorch build without the RPC framework: `is_available()` is False.

retrograd's distributed package runs collectives between ranks and has no remote procedure calls.
Libraries import this module unconditionally and ask `is_available()` (or look for `rpc.api`)
before they use it: PyTorch Geometric's distributed sampler does.
"""

from __future__ import annotations

__all__ = ["is_available"]


def is_available() -> bool:
    """False: retrograd has no RPC agent to run remote calls with.

    >>> retrograd.distributed.rpc.is_available()
    False
    """
    return False
