"""`torch.jit.annotations`: `BroadcastingList1/2/3`, TorchScript's "an int or a list of ints" hints.

torchvision annotates `output_size: BroadcastingList2[int]`; outside TorchScript PyTorch's
subscript gives None, and so does this.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BroadcastingList1", "BroadcastingList2", "BroadcastingList3"]


class BroadcastingListCls:
    """The type of the `BroadcastingListN` hints: subscripting one gives None, as in PyTorch."""

    def __getitem__(self, types: Any) -> None:
        return None


BroadcastingList1 = BroadcastingListCls()
BroadcastingList2 = BroadcastingListCls()
BroadcastingList3 = BroadcastingListCls()
