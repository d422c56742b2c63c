"""`torch.distributed.tensor`: the DTensor names, for code that checks for DTensors.

Libraries (Hugging Face transformers, accelerate) import `DTensor` and the placements at import
time and ask `isinstance(t, DTensor)` of every parameter; for them this package is enough, since
no retrograd tensor is a DTensor. Sharding a tensor over a device mesh (`distribute_tensor`,
`DTensor.from_local`) is not in retrograd yet and raises NotImplementedError.
"""

from __future__ import annotations

from typing import Any, NoReturn

from ..._torch_function import _disabled_torch_function_impl
from ...tensor import Tensor
from .placement_types import Partial, Placement, Replicate, Shard

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial", "Placement"]

_NO_DTENSOR = "retrograd has no DTensor yet: tensors cannot be sharded over a device mesh"


def _unsupported(what: str) -> NoReturn:
    raise NotImplementedError(f"{what}: {_NO_DTENSOR}")


class DTensor(Tensor):
    """A tensor sharded or replicated over a device mesh; in retrograd only a type to test against.

    Examples:
        >>> isinstance(retrograd.ones(2), DTensor)
        False
    """

    __torch_function__ = _disabled_torch_function_impl  # as PyTorch's DTensor

    def __new__(cls, *args: Any, **kwargs: Any) -> DTensor:
        _unsupported("DTensor()")

    @staticmethod
    def from_local(local_tensor: Tensor, device_mesh: Any = None, placements: Any = None, **kwargs: Any) -> DTensor:
        """Not in retrograd yet: raises NotImplementedError."""
        _unsupported("DTensor.from_local")


def distribute_tensor(
    tensor: Tensor, device_mesh: Any = None, placements: Any = None, *, src_data_rank: int | None = 0
) -> DTensor:
    """Not in retrograd yet: raises NotImplementedError."""
    _unsupported("distribute_tensor")


def distribute_module(module: Any, device_mesh: Any = None, partition_fn: Any = None, *args: Any, **kwargs: Any) -> Any:
    """Not in retrograd yet: raises NotImplementedError."""
    _unsupported("distribute_module")
