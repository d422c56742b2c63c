"""skip_init: build a module without spending time (or random draws) on initialising it."""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["skip_init"]


def skip_init(module_cls: Any, *args: Any, **kwargs: Any) -> Any:
    """`module_cls(*args, **kwargs)` with its parameters left arbitrary and the random generator untouched.

    PyTorch builds the module on the meta device and allocates empty memory; retrograd has no
    meta device, so it builds the module normally and then restores the generator's state,
    which leaves the same random stream as PyTorch (no draws).

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
    from ... import _generator as random
    from ..modules.module import Module

    if not issubclass(module_cls, Module):  # (a non-class raises issubclass's TypeError, as in PyTorch)
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    state = random.get_rng_state()
    try:
        return module_cls(*args, **kwargs)
    finally:
        random.set_rng_state(state)
