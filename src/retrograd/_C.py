"""`torch._C`: the few names of PyTorch's C++ extension module that Python libraries reach for.

PyTorch's `_C` holds the C++ classes behind `torch.Generator`, `torch.Size`, `torch.dtype`,
`torch.device` and `torch.linalg.LinAlgError`; here they are retrograd's own classes, under the
same names. Libraries such as Pyro and GPyTorch ask `torch._C._get_tracing_state()` whether
`torch.jit.trace` is recording; retrograd's `jit.trace` runs eagerly, so nothing ever is.
"""

from __future__ import annotations

from ._generator import Generator
from .backend import device
from .dtypes import dtype
from .ops.linalg.common import LinAlgError as _LinAlgError
from .tensor import Size

__all__ = ["Generator", "Size", "_LinAlgError", "_get_tracing_state", "device", "dtype"]


def _get_tracing_state() -> None:
    """The TorchScript tracer's state: None, as outside `torch.jit.trace` (retrograd traces nothing).

    >>> print(retrograd._C._get_tracing_state())
    None
    """
    return None
