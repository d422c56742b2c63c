"""retrograd.optim: optimizers and learning-rate schedulers with PyTorch's behaviour.

The update formulas, defaults, error messages, `state_dict` layout and printing
follow `torch.optim`; starting from the same values, a retrograd optimizer
follows the same trajectory as PyTorch's (to floating-point rounding).
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LBFGS",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "SGD",
    "lr_scheduler",
]
