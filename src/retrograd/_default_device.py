"""`set_default_device` / `get_default_device`, and the default inside `with device(...)` blocks.

PyTorch accepts `set_default_device("cuda")` and fails at the next tensor it
creates; retrograd, whose tensors all live on the CPU, fails at once with the
same AssertionError. A `with device(d):` block makes `d` the default until it
ends, then restores what was the default before it (whatever was set inside).
"""

from __future__ import annotations

from .backend import CPU, as_device, device

__all__ = ["enter_device_block", "exit_device_block", "get_default_device", "set_default_device"]

_default = CPU
_before_blocks: list[device] = []  # the defaults that `with device(...)` blocks replaced, innermost last


def set_default_device(device: str | device | None) -> None:  # noqa: A002  (PyTorch's name)
    """Make `device` the default for new tensors (None: back to the CPU); only the CPU exists here.

    Args:
        device (str or device, optional): the device; "cuda" fails at once (PyTorch fails at the
            next tensor made without CUDA).

    Returns:
        None: `get_default_device()` reports it.

    Examples:
        >>> old = retrograd.get_default_device()
        >>> retrograd.set_default_device("cpu")
        >>> retrograd.get_default_device(), retrograd.zeros(1).device
        (device(type='cpu'), device(type='cpu'))
        >>> retrograd.set_default_device(old)
    """
    global _default
    _default = as_device(device)


def get_default_device() -> device:
    """The device new tensors go to when a factory is given none.

    Returns:
        device: the CPU unless `set_default_device` chose another.

    Examples:
        >>> retrograd.get_default_device()
        device(type='cpu')
    """
    return _default


def enter_device_block(device: device) -> None:  # noqa: A002  (as above)
    """Start a `with device:` block: `device` is the default until `exit_device_block`."""
    global _default
    chosen = as_device(device)  # "cuda" without CUDA fails here, before anything changes
    _before_blocks.append(_default)
    _default = chosen


def exit_device_block() -> None:
    """End the innermost `with device:` block: the default before it comes back."""
    global _default
    _default = _before_blocks.pop()
