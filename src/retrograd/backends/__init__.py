"""`retrograd.backends`: the switches and queries of PyTorch's `torch.backends`.

retrograd computes with NumPy on the CPU: CUDA, cuDNN and MPS report unavailable, and
their switches are recorded (so programs that set them run) but change nothing.
"""

import contextlib
from collections.abc import Iterator

from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp, opt_einsum

__all__ = ["cpu", "cuda", "cudnn", "disable_global_flags", "flags_frozen", "mkl", "mkldnn", "mps", "openmp",
           "opt_einsum"]

# PyTorch's test suite freezes bare assignments to the switches (`cudnn.benchmark = True`) with
# `disable_global_flags()`; retrograd records whether they are frozen, for programs that ask,
# and MONAI's `set_determinism` sets the cuDNN switches inside `__allow_nonbracketed_mutation()`.
__allow_nonbracketed_mutation_flag = True


def disable_global_flags() -> None:
    """Mark the switches frozen: `flags_frozen()` answers True from now on."""
    global __allow_nonbracketed_mutation_flag
    __allow_nonbracketed_mutation_flag = False


def flags_frozen() -> bool:
    """Whether `disable_global_flags()` froze the switches (and no `__allow_nonbracketed_mutation`
    block thaws them)."""
    return not __allow_nonbracketed_mutation_flag


@contextlib.contextmanager
def __allow_nonbracketed_mutation() -> Iterator[None]:
    """Thaw the switches inside a `with` block, restoring the frozen state after."""
    global __allow_nonbracketed_mutation_flag
    old = __allow_nonbracketed_mutation_flag
    __allow_nonbracketed_mutation_flag = True
    try:
        yield
    finally:
        __allow_nonbracketed_mutation_flag = old
