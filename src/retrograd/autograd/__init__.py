"""`torch.autograd`: the public face of the engine, and the tools built on top of it.

The engine itself (nodes, the backward pass, grad modes, forward AD) lives in
`retrograd.engine`, below Tensor; this package re-exports its public names and adds
what is built from ops: custom Functions, the functional API and gradcheck.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .. import _missing, _torch_function
from ..engine.backward import backward, grad
from ..engine.backward import is_checkpoint_valid as _is_checkpoint_valid
from . import anomaly_mode, forward_ad, grad_mode, graph
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    enable_grad,
    enforce_grad_layout_policy,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
    set_multithreading_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import graph_stats
from .variable import Variable

# As PyTorch's, `grad` dispatches on its outputs and inputs (a Tensor subclass, a TorchFunctionMode)
grad = _torch_function.public_function(grad, __name__, "grad")

__all__ = [
    "backward",
    "grad",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "enforce_grad_layout_policy",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "graph",
    "profiler",
    "set_multithreading_enabled",
    "forward_ad",
    "graph_stats",
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
    "functional",
    "grad_mode",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "Function",
    "FunctionCtx",
    "once_differentiable",
    "Variable",
]


# Loaded on first use: a training loop needs neither, and with the testing helpers the profiler
# reads they are some 0.4 MiB of every process (`import retrograd.autograd.functional` works too).
_ON_FIRST_USE = ("functional", "profiler")

if TYPE_CHECKING:
    from . import functional, profiler
else:

    def __getattr__(name: str) -> Any:
        if name in _ON_FIRST_USE:
            return importlib.import_module(f"{__name__}.{name}")
        return _missing.module_attribute(__name__, name)  # a name PyTorch has and retrograd lacks says so
