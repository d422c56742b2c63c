"""`set_default_device` / `get_default_device`: where factories put a tensor given no device.

The state lives in the backend, where `with retrograd.device("meta"):` sets it too.
PyTorch accepts `set_default_device("cuda")` without CUDA and fails at the next
tensor it creates; retrograd fails at once with the same AssertionError.
"""

from __future__ import annotations

from . import backend
from .backend import device

__all__ = ["get_default_device", "set_default_device"]

def set_default_device(device: str | device | None) -> None:  # noqa: A002  (PyTorch's name)
    """Make `device` the default for new tensors (None: back to the CPU).

    Args:
        device (str or device, optional): the device ("cpu", "meta", or "cuda" where CuPy is
            installed); "cuda" without CUDA fails at once (PyTorch fails at the next tensor made).

    Returns:
        None: `get_default_device()` reports it.

    Examples:
        >>> old = retrograd.get_default_device()
        >>> retrograd.set_default_device("cpu")
        >>> retrograd.get_default_device(), retrograd.zeros(1).device
        (device(type='cpu'), device(type='cpu'))
        >>> retrograd.set_default_device(old)
    """
    backend.set_default(device)


def get_default_device() -> device:
    """The device new tensors go to when a factory is given none.

    Returns:
        device: the CPU unless `set_default_device` chose another.

    Examples:
        >>> retrograd.get_default_device()
        device(type='cpu')
    """
    return backend.default_device()
