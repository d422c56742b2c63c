"""What `retrograd.cuda`'s functions share: the CUDA backend, or PyTorch's CPU-build error, and device arguments."""

from __future__ import annotations

from typing import Any, NoReturn

from .. import backend
from ..backend import NO_CUDA


def no_cuda(*args: Any, **kwargs: Any) -> NoReturn:
    """PyTorch's AssertionError where it is built without CUDA."""
    raise AssertionError(NO_CUDA)


def cuda_or_raise() -> Any:
    """The CUDA backend (CuPy, or the test stand-in), or PyTorch's no-CUDA AssertionError."""
    cuda = backend.cuda_backend()
    if cuda is None:
        raise AssertionError(NO_CUDA)
    return cuda


def device_index(device: Any) -> int | None:
    """A device argument (None, int, "cuda:1", device) as an index (None: the current device)."""
    if device is None:
        return None
    if isinstance(device, int):
        return device
    return backend.as_device(device).index
