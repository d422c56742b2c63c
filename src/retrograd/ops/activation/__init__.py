"""Activation functions. `__all__` holds the names PyTorch has at top level (`torch.relu`,
`torch.softmax`, ...); `retrograd.nn.functional` exposes the rest from these modules.

- `piecewise`: relu, relu6, leaky_relu, threshold, hardtanh, prelu, hardshrink, ...
- `randomized_relu`: rrelu (it draws random slopes)
- `exponential_linear`: elu, selu, celu
- `smooth`: gelu, silu, mish, softplus, logsigmoid, hardsigmoid, hardswish, ...
- `along_dim`: softmax, log_softmax, softmin, glu
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules this package gathers (at run time they load on first use: ops/_lazy.py)
    from . import along_dim, exponential_linear, piecewise, randomized_relu
    from .along_dim import *  # noqa: F403
    from .exponential_linear import *  # noqa: F403
    from .piecewise import *  # noqa: F403
    from .randomized_relu import *  # noqa: F403

    __all__: list[str] = []
    __all__ += piecewise.__all__
    __all__ += randomized_relu.__all__
    __all__ += exponential_linear.__all__
    __all__ += along_dim.__all__
else:
    from .. import _lazy

    __all__ = _lazy.public_names(__name__)
    __getattr__, __dir__ = _lazy.lazy_package(__name__, globals())
