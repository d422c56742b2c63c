"""`torch.get_device_module`: the `torch.<device type>` module of a device (`torch.cpu`, `torch.cuda`)."""

from __future__ import annotations

import sys
from types import ModuleType

from .backend import device as _device

__all__ = ["get_device_module"]


def get_device_module(device: _device | str | None = None) -> ModuleType:
    """The module named after `device`'s type: `torch.cpu` for "cpu", `torch.cuda` for "cuda:1".

    Args:
        device (device, str or None): the device; None is the current accelerator, or the CPU
            when there is none (always, in retrograd).

    Returns:
        module: the package's submodule of that name.

    Raises:
        RuntimeError: for a device type with no such module ("meta") or a value of another type.

    Examples:
        >>> retrograd.get_device_module("cpu") is retrograd.cpu
        True
    """
    if isinstance(device, _device):
        name = device.type
    elif isinstance(device, str):
        name = _device(device).type
    elif device is None:
        name = "cpu"  # the current accelerator's type; there is none
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    module = getattr(sys.modules[__package__], name, None)  # `retrograd.cuda` and friends load on first use
    if not isinstance(module, ModuleType):
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as 'torch.{name}'.")
    return module
