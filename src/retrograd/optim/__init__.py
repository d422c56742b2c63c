"""retrograd.optim: optimizers and learning-rate schedulers with PyTorch's behaviour.

The update formulas, defaults, error messages, `state_dict` layout and printing
follow `torch.optim`; starting from the same values, a retrograd optimizer
follows the same trajectory as PyTorch's (to floating-point rounding).
"""

from typing import TYPE_CHECKING, Any

from .. import _missing
from . import lr_scheduler, swa_utils
from ._stateless import swap_in_optimizer_params_and_state
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam

__all__ = [
    "ASGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LBFGS",
    "Muon",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "SGD",
    "SparseAdam",
    "lr_scheduler",
    "swa_utils",
    "swap_in_optimizer_params_and_state",
]


if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
