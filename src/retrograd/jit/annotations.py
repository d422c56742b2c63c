"""`torch.jit.annotations`: the typing names TorchScript code imports, and `BroadcastingList1/2/3`.

Libraries write `from torch.jit.annotations import List, Tuple` (timm's densenet does); in
PyTorch these are the `typing` objects themselves, and so they are here. torchvision annotates
`output_size: BroadcastingList2[int]`; outside TorchScript PyTorch's subscript gives None, and
so does this.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: UP035 (PyTorch re-exports these)

__all__ = [
    "Any",
    "BroadcastingList1",
    "BroadcastingList2",
    "BroadcastingList3",
    "Dict",
    "List",
    "Optional",
    "Tuple",
    "Union",
]


class BroadcastingListCls:
    """The type of the `BroadcastingListN` hints: subscripting one gives None, as in PyTorch."""

    def __getitem__(self, types: Any) -> None:
        return None


BroadcastingList1 = BroadcastingListCls()
BroadcastingList2 = BroadcastingListCls()
BroadcastingList3 = BroadcastingListCls()
