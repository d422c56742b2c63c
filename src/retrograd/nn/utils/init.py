"""skip_init: build a module without spending time (or random draws) on initialising it."""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["skip_init"]


def skip_init(module_cls: Any, *args: Any, **kwargs: Any) -> Any:
    """`module_cls(*args, **kwargs)` with its parameters left arbitrary and the random generator untouched.

    As in PyTorch, the module is built on the meta device (where initialisation draws nothing and
    costs nothing) and then given new memory on the device asked for (`Module.to_empty`).

    Args:
        module_cls (type): a Module class whose constructor takes a `device` argument.
        *args: its positional arguments.
        **kwargs: its keyword arguments.

    Returns:
        Module: an instance with uninitialised (arbitrary) parameter values, to be filled by the caller.

    Examples:
        >>> m = nn.utils.skip_init(nn.Linear, 5, 1)
        >>> m
        Linear(in_features=5, out_features=1, bias=True)
        >>> m.weight.shape
        retrograd.Size([1, 5])
    """
    from ..modules.module import Module

    if not issubclass(module_cls, Module):  # (a non-class raises issubclass's TypeError, as in PyTorch)
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    return module_cls(*args, **kwargs, device="meta").to_empty(device=final_device)
