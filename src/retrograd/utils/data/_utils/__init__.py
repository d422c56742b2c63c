"""`torch.utils.data._utils`: the DataLoader's helper modules under PyTorch's private names,
which custom collate functions and samplers import (`from torch.utils.data._utils.collate
import collate, default_collate_fn_map`). Each re-exports retrograd's own objects, so that,
for example, a type added to `default_collate_fn_map` here is seen by `default_collate`.
"""

import sys
from typing import TYPE_CHECKING, Any

from .... import _missing
from .._worker import STATUS_CHECK_INTERVAL as MP_STATUS_CHECK_INTERVAL
from .._worker import ExceptionWrapper
from . import collate, worker

__all__ = ["HAS_NUMPY", "IS_WINDOWS", "MP_STATUS_CHECK_INTERVAL", "ExceptionWrapper", "collate", "worker"]

IS_WINDOWS = sys.platform == "win32"
HAS_NUMPY = True  # retrograd is built on NumPy


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
