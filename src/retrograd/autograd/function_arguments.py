"""What `Function.apply` does with keyword arguments, and what backward may return, as in PyTorch.

PyTorch's `apply` gives `forward` its inputs by position only: a new-style Function (one with
`setup_context`) first binds the call to forward's signature with the defaults filled in, so
`setup_context` sees every input; an old-style one places each keyword in the positional slot
of forward's parameter with that name, and every slot before it must have been given.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from ..engine.primitive import type_name
from ..tensor import Tensor


@functools.lru_cache(maxsize=256)
def _signature(forward: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(forward)


def bind_new_style(forward: Callable[..., Any], args: tuple, kwargs: dict) -> tuple:
    """The inputs of a new-style forward(*inputs): the call bound, defaults applied (PyTorch's
    `bind_default_args`); keyword-only parameters are refused, as PyTorch's C++ apply does."""
    bound = _signature(forward).bind(*args, **kwargs)
    bound.apply_defaults()
    for name in bound.kwargs:
        raise TypeError(f"forward() got an unexpected keyword argument '{name}'")
    return bound.args


def bind_old_style(forward: Callable[..., Any], args: tuple, kwargs: dict) -> tuple:
    """The inputs of forward(ctx, *inputs) called with keywords: each keyword fills the slot of the
    positional parameter it names; a slot left empty before the last one filled is an error."""
    params = list(_signature(forward).parameters.values())[1:]  # after ctx
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in params if p.kind in positional]
    slots: list[Any] = list(args)
    given = [True] * len(args)
    for name, value in kwargs.items():
        if name not in names:
            raise TypeError(f"forward() got an unexpected keyword argument '{name}'")
        i = names.index(name)
        if i < len(given) and given[i]:
            raise TypeError(f"forward() got multiple values for argument '{name}'")
        if i >= len(slots):
            slots.extend([None] * (i + 1 - len(slots)))
            given.extend([False] * (i + 1 - len(given)))
        slots[i], given[i] = value, True
    for i, ok in enumerate(given):
        if not ok:
            raise TypeError(f"forward() missing required argument: '{names[i]}' (position {i})")
    return tuple(slots)


def check_gradient(node_name: str, grad: Any, position: int, input_is_tensor: bool) -> None:
    """PyTorch's refusals of what backward returned for input `position` (0-based): a gradient for
    an input that was not a tensor, or something that is neither a tensor nor None."""
    if grad is None:
        return
    if not input_is_tensor:
        raise RuntimeError(
            f"function {node_name} returned a gradient different than None at position {position + 1}, "
            "but the corresponding forward input was not a Variable"
        )
    if not isinstance(grad, Tensor):
        raise RuntimeError(f"expected Variable or None (got {type_name(grad)})")
