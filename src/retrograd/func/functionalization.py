"""`functionalize`: PyTorch's transform that removes mutations, for eager code an identity.

PyTorch's functionalize replaces in-place ops on intermediates by their out-of-place twins and
writes input mutations back at the end, so a function means the same with it as without; what
changes is the program a tracer (`make_fx`, `torch.compile`) records. retrograd runs eagerly and
records no such programs, so the transformed function runs `func` as it is: same results,
gradients, input mutations and aliasing, as PyTorch's eager functionalize gives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

__all__ = ["functionalize"]

_REMOVE = ("mutations", "mutations_and_views")


def functionalize(func: Callable[..., Any], *, remove: str = "mutations") -> Callable[..., Any]:
    """`func` with its mutations removed: under retrograd's eager execution, `func` itself, wrapped.

    Args:
        func (callable): the function to transform; it may mutate its inputs and intermediates.
        remove (str): "mutations" (in-place and out= ops) or "mutations_and_views" (views too).

    Returns:
        callable: a function with `func`'s signature and results; it composes with vmap and grad.

    Examples:
        >>> def f(a):
        ...     b = a.clone()
        ...     b.add_(1)
        ...     return b * 2
        >>> retrograd.func.functionalize(f)(retrograd.zeros(2))
        tensor([2., 2.])
    """
    if remove not in _REMOVE:
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. Valid options are:\n"
            "     remove='mutations': all inplace and out= operators will be removed from the program, and replaced "
            "with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators {view} will be "
            "replaced with their non-aliasing counterparts, {view}_copy.\n"
        )

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapped
