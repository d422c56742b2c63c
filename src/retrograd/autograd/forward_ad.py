"""`torch.autograd.forward_ad`: dual tensors for forward-mode derivatives (the engine does the work)."""

from typing import TYPE_CHECKING, Any

from .. import _missing
from ..engine.dual_unpack import UnpackedDualTensor, unpack_dual
from ..engine.forward_ad import dual_level, enter_dual_level, exit_dual_level, make_dual

__all__ = ["dual_level", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "UnpackedDualTensor"]


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
