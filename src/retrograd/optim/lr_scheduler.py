"""retrograd.optim.lr_scheduler: learning-rate schedules, as `torch.optim.lr_scheduler`.

The classes live in small modules (`_lr_base`, `_lr_simple`, `_lr_composite`,
`_lr_cyclic`); this module is their public face.
"""

# Names PyTorch's module happens to hold besides its schedulers: programs list `dir(lr_scheduler)`
# (fast.ai's course filters it for capitalised names) and find these there too.
from collections import Counter as Counter
from typing import TYPE_CHECKING, Any
from typing import Literal as Literal
from typing import Self as Self
from typing import SupportsFloat as SupportsFloat
from typing import TypedDict as TypedDict

from .. import _missing
from ..tensor import Tensor as Tensor
from ._lr_base import EPOCH_DEPRECATION_WARNING as EPOCH_DEPRECATION_WARNING
from ._lr_base import LRScheduler
from ._lr_base import _LRScheduler as _LRScheduler  # the old name, out of __all__ as in PyTorch
from ._lr_composite import ChainedScheduler, ReduceLROnPlateau, SequentialLR
from ._lr_cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from ._lr_simple import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .optimizer import Optimizer as Optimizer

__all__ = [
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "SequentialLR",
    "CosineAnnealingLR",
    "ChainedScheduler",
    "ReduceLROnPlateau",
    "CyclicLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "PolynomialLR",
    "LRScheduler",
]


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
