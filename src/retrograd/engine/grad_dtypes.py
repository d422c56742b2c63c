"""`Tensor.grad_dtype`: the dtype a leaf's gradient is cast to on its way into `.grad`.

By default a leaf's gradient has the leaf's own dtype, and assigning `.grad` of another dtype is
refused. A leaf given a `grad_dtype` gets its incoming gradients cast to that dtype before its hooks
see them (a float32 parameter can keep float64 gradients); `None` lets any dtype through. Few
tensors ever choose one, so the choices live in a table beside the tensors rather than in a field
of every tensor, and the engine's only cost when none is chosen is one truth test per leaf.
"""

from __future__ import annotations

import weakref
from typing import Any

# id(leaf) -> (a weak reference proving the id still names that leaf, its chosen dtype or None)
chosen: dict[int, tuple[weakref.ref, Any]] = {}

UNCHOSEN = object()


def choice(leaf: Any) -> Any:
    """The grad_dtype `leaf` chose (a dtype or None), or UNCHOSEN."""
    entry = chosen.get(id(leaf))
    if entry is None or entry[0]() is not leaf:
        return UNCHOSEN
    return entry[1]


def choose(leaf: Any, dtype: Any) -> None:
    """Remember `leaf`'s grad_dtype (forgotten with the leaf)."""
    key = id(leaf)

    def forget(ref: weakref.ref) -> None:
        if chosen.get(key, (None,))[0] is ref:
            del chosen[key]

    chosen[key] = (weakref.ref(leaf, forget), dtype)


def cast_for(leaf: Any, grad: Any) -> Any:
    """`grad` (a Tensor) in the dtype `leaf` chose for its gradient, where it chose one."""
    wanted = choice(leaf)
    if wanted is UNCHOSEN or wanted is None or grad.dtype == wanted:
        return grad
    return grad.to(wanted)


def allows(leaf: Any, grad: Any) -> bool:
    """Whether `leaf.grad = grad` keeps the dtype rule: the chosen dtype, any dtype for None."""
    wanted = choice(leaf)
    if wanted is UNCHOSEN:
        return bool(grad._data.dtype == leaf._data.dtype)
    return wanted is None or grad.dtype == wanted

